"""The demo shows the April 2022 state of the province, and seeding twice changes nothing."""

import io
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from courses import demo as courses_demo
from submissions import demo
from submissions.models import Call, Extension, Submission, SubmissionVersion
from submissions.selectors import State, call_state_table

pytestmark = pytest.mark.django_db


def test_demo_has_2022_calls_with_a_mix_of_states_and_is_idempotent(client):
    ctx = DemoContext(rng=random.Random(1), out=io.StringIO())
    accounts_demo.seed(ctx)
    courses_demo.seed(ctx)
    demo.seed(ctx)
    counts = (Call.objects.count(), Submission.objects.count(), SubmissionVersion.objects.count())
    demo.seed(ctx)
    assert (Call.objects.count(), Submission.objects.count(), SubmissionVersion.objects.count()) == counts
    states = set()
    for call in Call.objects.all():
        assert timezone.localtime(call.deadline).isoformat() == "2022-04-30T23:59:59+08:00"
        _rows, found = call_state_table(call)
        states |= {s for s, n in found.items() if n}
    assert states == {State.ACCEPTED, State.SUBMITTED, State.RETURNED, State.MISSING, State.LATE}
    assert Extension.objects.count() == 1

    client.force_login(ctx.users["province"])
    for call in Call.objects.filter(receiver__kind="provincial_bureau"):
        assert client.get(reverse("submissions:call_status", args=[call.pk])).status_code == 200
    client.force_login(ctx.users["department"])
    assert client.get(reverse("submissions:my_calls")).status_code == 200
