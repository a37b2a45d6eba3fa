"""Threshold checks are serialised (issue 21, item 4): the running total a threshold is compared
with is read under an advisory lock on (unit, year) for the review threshold and (person, year)
for the self-report threshold, so batches or reports sent at the same moment cannot both pass.
Real threads on PostgreSQL."""

import datetime
import threading
import time
from decimal import Decimal as D

import pytest
from django.db import connection, connections, transaction

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import ConversionRule, HourRecord, YearSummary
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, YearPolicyFactory, approved_record, professional_of, proof_file
from .test_concurrency import run_together
from .test_rights import platform_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _waiting_on_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_two_bulk_batches_sent_at_once_cannot_both_pass_the_units_review_threshold(employer):
    policy = YearPolicyFactory(year=2022)
    policy.review_threshold = D("40.0")
    policy.save()
    person = professional_of(employer)
    base = OrganisationFactory(national_base=True)
    admin = user_with_role(Role.BASE_ADMIN, base)
    courses = [CourseFactory(provider=base, hours=D("6.0")) for _ in range(12)]
    batches = [[platform_row(person, c, f"B{b}-{n}") for n, c in enumerate(courses[b * 6 : b * 6 + 6])] for b in (0, 1)]
    # Hours from another unit make the person's summary row exist; a third transaction holds it, so
    # both batches get as far as adding to the summary before either commits: without the (unit,
    # year) lock both have read a total of 0 by then and approve all 12 rows.
    approved_record(person, hours="1", category=Category.PROFESSIONAL)
    holder = threading.Event()
    release = threading.Event()

    def hold_the_summary():
        try:
            with transaction.atomic():
                YearSummary.objects.select_for_update().get(professional=person, year=2022)
                holder.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    keeper = threading.Thread(target=hold_the_summary)
    keeper.start()
    holder.wait(timeout=10)
    results = []

    def send(batch):
        try:
            results.append(services.record_platform_hours(organisation=base, actor=admin, rows=batch))
        finally:
            connections.close_all()

    senders = [threading.Thread(target=send, args=(batch,)) for batch in batches]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 15
    while _waiting_on_locks() < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    for thread in [*senders, keeper]:
        thread.join()
    assert len(results) == 2
    statuses = sorted(HourRecord.objects.filter(recorded_by=base).values_list("status", flat=True))
    assert statuses == ["approved"] * 6 + ["pending"] * 6
    assert YearSummary.objects.get(professional=person, year=2022).public_hours == D("36.0")


def _policy_with_self_report_threshold():
    policy = YearPolicyFactory(year=2022)
    ConversionRule.objects.filter(policy=policy).update(max_units=D("10.0"))
    policy.self_report_bureau_threshold = D("40.0")
    policy.save()
    return policy


def test_two_self_reports_sent_at_once_cannot_both_stay_with_the_employer(employer):
    _policy_with_self_report_threshold()
    person = professional_of(employer)

    def report(ref):
        return services.self_report_hours(
            professional=person,
            year=2022,
            title="会议",
            completed_on=datetime.date(2022, 5, 1),
            category=Category.PROFESSIONAL,
            hours="30",
            proof=proof_file(),
            external_ref=ref,
        )

    outcomes = run_together(lambda: report("a"), lambda: report("b"), lambda: report("c"))
    assert [o[0] for o in outcomes] == ["ok", "ok", "ok"], outcomes
    flags = sorted(HourRecord.objects.filter(professional=person).values_list("bureau_review", flat=True))
    assert flags == [False, True, True]  # 30 stays with the employer; 60 and 90 are past 40


def test_two_employer_admins_approving_at_once_cannot_both_pass_the_threshold(employer):
    policy = _policy_with_self_report_threshold()
    person = professional_of(employer)
    records = [
        services.self_report_hours(
            professional=person,
            year=2022,
            title="会议",
            completed_on=datetime.date(2022, 5, 1),
            category=Category.PROFESSIONAL,
            hours="30",
            proof=proof_file(),
        )[0]
        for _ in range(2)
    ]
    # Reported as 30 + 30 under a threshold of 70; staff lower it to 40 before the approvals.
    HourRecord.objects.filter(pk__in=[r.pk for r in records]).update(bureau_review=False)
    policy.self_report_bureau_threshold = D("40.0")
    policy.save()
    admins = [user_with_role(Role.EMPLOYER_ADMIN, employer) for _ in records]
    outcomes = run_together(
        *[
            lambda a=a, r=r: services.approve_record(record_id=r.pk, actor=a)
            for a, r in zip(admins, records, strict=True)
        ]
    )
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    [refused] = [o[1] for o in outcomes if o[0] == "refused"]
    assert refused.code == "sent_to_city_bureau"
    assert YearSummary.objects.get(professional=person, year=2022).professional_hours == D("30.0")
    assert HourRecord.objects.filter(professional=person, bureau_review=True, status="pending").count() == 1
