"""Concurrent writes to the same employer and city rollup rows on PostgreSQL: F() increments under
row locks, so no update is lost and nobody deadlocks."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import grant_role
from courses.models import Category
from credits import selectors, services
from credits.management.commands.rebuild_rollups import differences
from tests.factories import OrganisationFactory, user_with_role

from .factories import YearPolicyFactory, approved_record, professional_of, proof_file
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _row(employer):
    return next(r for r in selectors.compliance_by_employer(city=employer.city, year=2022) if r.key == str(employer.pk))


def test_concurrent_approvals_of_different_people_in_one_city_all_count(employer, other_employer):
    YearPolicyFactory(year=2022)
    same_city = OrganisationFactory(city=employer.city)
    people = [professional_of(employer) for _ in range(4)] + [professional_of(same_city) for _ in range(4)]
    for person in people:
        approved_record(person, hours="60", category=Category.PROFESSIONAL)
    calls = [lambda p=p: approved_record(p, hours="30", category=Category.PUBLIC) for p in people]
    outcomes = run_together(*calls)
    assert [o[0] for o in outcomes] == ["ok"] * len(people), outcomes
    city = next(r for r in selectors.compliance_by_city(year=2022) if r.key == employer.city)
    assert (city.staff, city.compliant) == (8, 8)
    assert (_row(employer).compliant, _row(same_city).compliant) == (4, 4)
    assert differences(2022) == []


def test_concurrent_moves_and_approvals_of_the_same_person_agree(employer, other_employer):
    YearPolicyFactory(year=2022)
    boss = user_with_role(Role.EMPLOYER_ADMIN, employer)
    person = professional_of(employer)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="讲座",
        completed_on=datetime.date(2022, 5, 1),
        category="public",
        hours="30",
    )
    others = [professional_of(employer) for _ in range(3)]
    calls = [
        lambda: services.approve_record(record_id=record.pk, actor=boss),
        *[lambda p=p: approved_record(p, hours=Decimal("30"), category=Category.PUBLIC) for p in others],
        lambda: grant_role(user=others[0], organisation=other_employer, role=Role.PROFESSIONAL),
    ]
    outcomes = run_together(*calls)
    assert all(o[0] in ("ok", "refused") for o in outcomes), outcomes
    assert differences(2022) == []
