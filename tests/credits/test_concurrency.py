"""Row locks on PostgreSQL: simultaneous approvals, posts and certificate requests take effect once."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord, YearSummary
from tests.factories import user_with_role

from .factories import YearPolicyFactory, approved_record, professional_of

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
    assert [o[0] for o in outcomes] == ["ok", "ok", "ok"]  # the losers get the existing record back
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
