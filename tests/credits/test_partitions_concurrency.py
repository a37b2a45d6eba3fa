"""The partitioned ledger under concurrent writers (PostgreSQL, real transactions in threads)."""

import pytest
from django.db import connection

from accounts.models import Role
from credits import services
from credits.models import HourRecord
from credits.services import partitions
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, YearPolicyFactory, professional_of
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("partitions exist on PostgreSQL only (set DATABASE_URL)")


def test_the_same_ref_posted_at_once_for_three_years_is_stored_once(employer):
    """Three platforms' retries of one completion, each claiming another year: the rows would land
    in three partitions, but the key table lets one commit; the others answer with it."""
    for year in (2022, 2023, 2024):
        YearPolicyFactory(year=year)
    person = professional_of(employer)
    base = OrganisationFactory(national_base=True)
    admin = user_with_role(Role.BASE_ADMIN, base)
    courses = {year: CourseFactory(provider=base, year_from=2022, year_to=2024) for year in (2022, 2023, 2024)}

    def post(year):
        row = {
            "id_number": person.id_number,
            "year": year,
            "category": "public",
            "hours": "6.0",
            "course": courses[year].pk,
            "completed_on": f"{year}-05-01",
            "external_ref": "ONE-COMPLETION",
        }
        return services.record_platform_hours(organisation=base, actor=admin, rows=[row])

    outcomes = run_together(*[lambda year=year: post(year) for year in (2022, 2023, 2024)])
    assert [o[0] for o in outcomes] == ["ok", "ok", "ok"], outcomes
    assert len({o[1][0][0].pk for o in outcomes}) == 1
    assert sorted(created for o in outcomes for _record, created in o[1]) == [False, False, True]
    assert HourRecord.objects.filter(external_ref="ONE-COMPLETION").count() == 1


def test_two_processes_creating_the_same_year_partition_create_it_once(db):
    try:
        outcomes = run_together(*[lambda: partitions.ensure_year_partition(2061)] * 2)
        assert sorted(o[1] for o in outcomes) == [False, True], outcomes
        assert partitions.year_partitions()[2061] == "credits_hourrecord_y2061"
    finally:
        if 2061 in partitions.year_partitions():
            partitions.detach_year(2061)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS credits_hourrecord_y2061")
