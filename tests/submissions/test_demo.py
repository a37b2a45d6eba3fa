"""The demo shows the April 2022 state of the province and the open 2026 calls; seeding twice changes nothing."""

import io
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from courses import demo as courses_demo
from submissions import demo
from submissions.models import Call, Extension, Submission, SubmissionEvent, SubmissionVersion
from submissions.selectors import State, call_state_table, units_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    ctx = DemoContext(rng=random.Random(1), out=io.StringIO())
    accounts_demo.seed(ctx)
    courses_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def _states(calls) -> set[str]:
    states = set()
    for call in calls:
        _rows, found = call_state_table(call)
        states |= {s for s, n in found.items() if n}
    return states


def test_demo_keeps_the_closed_april_2022_state_and_is_idempotent(ctx, client):
    counts = (Call.objects.count(), Submission.objects.count(), SubmissionVersion.objects.count())
    demo.seed(ctx)
    assert (Call.objects.count(), Submission.objects.count(), SubmissionVersion.objects.count()) == counts
    calls = Call.objects.filter(year=2022)
    assert calls.count() == len(demo.CALLS)
    for call in calls:
        assert timezone.localtime(call.deadline).isoformat() == "2022-04-30T23:59:59+08:00"
    assert _states(calls) == {State.ACCEPTED, State.SUBMITTED, State.RETURNED, State.MISSING, State.LATE}
    assert Extension.objects.count() == 1
    assert not Submission.objects.filter(call__year=2022, status=Submission.Status.DRAFT).exists()
    # The history of April 2022 is dated April/May 2022, not the day the demo was seeded.
    assert {e.created_at.year for e in SubmissionEvent.objects.filter(submission__call__year=2022)} == {2022}
    assert {v.uploaded_at.year for v in SubmissionVersion.objects.filter(submission__call__year=2022)} == {2022}

    client.force_login(ctx.users["province"])
    for call in calls.filter(receiver__kind="provincial_bureau"):
        assert client.get(reverse("submissions:call_status", args=[call.pk])).status_code == 200


def test_demo_has_open_2026_calls_in_a_mix_of_states(ctx):
    calls = Call.objects.filter(year=demo.YEAR_OPEN)
    assert calls.count() == len(demo.CALLS)
    for call in calls:
        assert timezone.localtime(call.deadline).isoformat() == "2027-04-30T23:59:59+08:00"
        assert call.deadline > timezone.now()
    assert _states(calls) == {State.ACCEPTED, State.SUBMITTED, State.RETURNED, State.MISSING}
    statuses = set(Submission.objects.filter(call__year=demo.YEAR_OPEN).values_list("status", flat=True))
    assert statuses == set(Submission.Status.values)


def test_demo_unit_logins_can_send_and_reviewers_can_review_an_open_call(ctx, client):
    for login in ("department", "base", "city"):
        user = ctx.users[login]
        client.force_login(user)
        response = client.get(reverse("submissions:my_calls"))
        assert response.status_code == 200
        open_rows = [r for r in response.context["rows"] if r["may_send"]]
        assert open_rows, login
        assert {r["call"].year for r in open_rows} == {demo.YEAR_OPEN}
        row = open_rows[0]
        page = client.get(reverse("submissions:send", args=[row["call"].pk]), {"unit": units_of(user).get().pk})
        assert page.status_code == 200
        assert page.context["is_open"] is True

    # The association's call (attachments 3/4) takes no uploads: they come from the recommendations.
    for login in ("province",):
        reviewer = ctx.users[login]
        pending = Submission.objects.filter(
            call__year=demo.YEAR_OPEN,
            call__receiver__memberships__user=reviewer,
            status__in=[Submission.Status.SUBMITTED, Submission.Status.RESUBMITTED],
        ).distinct()
        assert pending.exists(), login
        client.force_login(reviewer)
        response = client.get(reverse("submissions:detail", args=[pending.first().pk]))
        assert response.status_code == 200
        assert response.context["review_form"] is not None
