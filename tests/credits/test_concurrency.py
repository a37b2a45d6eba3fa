"""Row locks on PostgreSQL: simultaneous approvals, posts and certificate requests take effect once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, YearSummary
from tests.factories import user_with_role

from .factories import YearPolicyFactory, approved_record, professional_of, proof_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def worker(call):
        try:
            barrier.wait()
            outcomes.append(("ok", call()))
        except ValidationError as exc:
            outcomes.append(("refused", exc))
        except DatabaseError as exc:  # a deadlock, say: reported, not lost in the thread
            outcomes.append(("error", exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_concurrent_approvals_of_the_same_record_count_once(employer):
    YearPolicyFactory(year=2022)
    person = professional_of(employer)
    admins = [user_with_role(Role.EMPLOYER_ADMIN, employer) for _ in range(2)]
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="x",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PUBLIC,
        hours="7.5",
    )
    outcomes = run_together(*[lambda a=a: services.approve_record(record_id=record.pk, actor=a) for a in admins])
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"]
    summary = YearSummary.objects.get(professional=person, year=2022)
    assert summary.public_hours == Decimal("7.5")


def test_concurrent_platform_posts_of_one_external_ref_store_one_record(employer):
    from tests.factories import OrganisationFactory

    from .factories import CourseFactory

    YearPolicyFactory(year=2022)
    person = professional_of(employer)
    base = OrganisationFactory(national_base=True)
    admin = user_with_role(Role.BASE_ADMIN, base)
    course = CourseFactory(provider=base)
    row = {
        "id_number": person.id_number,
        "year": 2022,
        "category": "public",
        "hours": "6.0",
        "course": course.pk,
        "completed_on": "2022-05-01",
        "external_ref": "same",
    }

    outcomes = run_together(*[lambda: services.record_platform_hours(organisation=base, actor=admin, rows=[row])] * 3)
    assert [o[0] for o in outcomes] == ["ok", "ok", "ok"], outcomes  # the losers get the existing record back
    assert len({o[1][0][0].pk for o in outcomes}) == 1
    assert HourRecord.objects.filter(external_ref="same").count() == 1
    assert YearSummary.objects.get(professional=person, year=2022).public_hours == Decimal("6.0")


def test_two_concurrent_certificate_requests_issue_one_certificate(employer):
    from credits.models import HoursCertificate

    YearPolicyFactory(year=2022)
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    outcomes = run_together(*[lambda: services.issue_certificate(user=person, year=2022)] * 3)
    assert [o[0] for o in outcomes] == ["ok", "ok", "ok"]
    assert len({o[1].code for o in outcomes}) == 1
    assert HoursCertificate.objects.filter(professional=person, year=2022).count() == 1


def test_database_refuses_to_update_a_decided_record(employer):
    from django.db import DatabaseError, transaction

    YearPolicyFactory(year=2022)
    person = professional_of(employer)
    record = approved_record(person, hours="5")
    with pytest.raises(DatabaseError), transaction.atomic():
        HourRecord.objects.filter(pk=record.pk).update(hours=Decimal("50"))
    assert HourRecord.objects.get(pk=record.pk).hours == Decimal("5.0")


def _people_and_courses(employer, n):
    from tests.factories import OrganisationFactory

    from .factories import CourseFactory

    people = [professional_of(employer) for _ in range(n)]
    units = []
    for _ in range(2):
        base = OrganisationFactory(national_base=True)
        units.append((base, user_with_role(Role.BASE_ADMIN, base), CourseFactory(provider=base, hours=Decimal("6.0"))))
    return people, units


def _rows(people, course, prefix):
    return [
        {
            "id_number": p.id_number,
            "year": 2022,
            "category": "public",
            "hours": "6.0",
            "course": course.pk,
            "completed_on": "2022-05-01",
            "external_ref": f"{prefix}{i}",
        }
        for i, p in enumerate(people)
    ]


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_two_bulks_for_the_same_people_in_opposite_orders_do_not_deadlock(employer):
    """Summary rows (and ledger rows) are created and locked in one sorted order, so two bulks for
    the same people in opposite orders wait for each other instead of deadlocking.

    The interleaving is forced: a third transaction holds the summary row of the middle person, so
    both bulks stop there having inserted their share (unsorted, one would hold the first half and
    the other the second half); when it lets go, each must not need a row the other holds."""
    import time

    from .factories import CourseFactory

    YearPolicyFactory(year=2022)
    people, [(base_a, admin_a, _course), (base_b, admin_b, _other)] = _people_and_courses(employer, 40)
    forward = _rows(people, CourseFactory(provider=base_a, hours=Decimal("6.0")), "F")
    backward = _rows(list(reversed(people)), CourseFactory(provider=base_b, hours=Decimal("6.0")), "B")
    middle = sorted(p.pk for p in people)[len(people) // 2]
    blocker = connections.create_connection("default")
    blocker.set_autocommit(False)
    with blocker.cursor() as cursor:
        cursor.execute(
            "INSERT INTO credits_yearsummary (professional_id, year, public_hours, professional_hours, updated_at)"
            " VALUES (%s, 2022, 0, 0, now())",
            [middle],
        )
    outcomes = []

    def bulk(organisation, actor, rows):
        try:
            outcomes.append(("ok", services.record_platform_hours(organisation=organisation, actor=actor, rows=rows)))
        except DatabaseError as exc:
            outcomes.append(("error", exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=bulk, args=(base_a, admin_a, forward)),
        threading.Thread(target=bulk, args=(base_b, admin_b, backward)),
    ]
    for t in threads:
        t.start()
    for _poll in range(400):  # until both bulks wait on the held row (at most ~20 s)
        if _waiting_on_locks() >= 2:
            break
        time.sleep(0.05)
    blocker.rollback()
    blocker.close()
    for t in threads:
        t.join()
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    summaries = YearSummary.objects.filter(professional__in=people, year=2022)
    assert summaries.count() == 40 and {s.public_hours for s in summaries} == {Decimal("12.0")}
    assert HourRecord.objects.count() == 80


def test_two_posts_of_one_course_under_different_refs_store_one_record(employer):
    YearPolicyFactory(year=2022)
    people, [(base, admin, course), _other] = _people_and_courses(employer, 1)
    calls = [
        lambda ref=ref: services.record_platform_hours(organisation=base, actor=admin, rows=_rows(people, course, ref))
        for ref in ("X", "Y", "Z")
    ]
    outcomes = run_together(*calls)
    assert sorted(o[0] for o in outcomes) == ["ok", "refused", "refused"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert all(isinstance(e, services.BulkRejected) and e.only_duplicates for e in refused)
    assert HourRecord.objects.filter(course=course).count() == 1
    assert YearSummary.objects.get(professional=people[0], year=2022).public_hours == Decimal("6.0")
