"""Resubmission on PostgreSQL (issue 23): the partitioned ledger keeps versions in their year by a
composite key, and two corrections of one returned version sent at once make one new version."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Role
from courses.models import Category
from credits import services
from credits.models import HourRecord
from tests.factories import user_with_role

from .factories import YearPolicyFactory, professional_of, proof_file
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2022, 5, 1)


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def returned(employer):
    YearPolicyFactory(year=2022)
    person = professional_of(employer)
    record, _created = services.self_report_hours(
        professional=person, year=2022, title="会议", completed_on=DAY,
        category=Category.PROFESSIONAL, hours="8", proof=proof_file(),
    )  # fmt: skip
    return services.reject_record(
        record_id=record.pk, actor=user_with_role(Role.EMPLOYER_ADMIN, employer), reason="证明不清晰"
    )


def test_two_corrections_sent_at_once_make_one_new_version(returned):
    def send(title):
        return lambda: services.resubmit_self_report(
            professional=returned.professional, record_id=returned.pk, title=title, completed_on=DAY,
            category=Category.PROFESSIONAL, hours="6",
        )  # fmt: skip

    outcomes = run_together(send("甲"), send("乙"))
    assert sorted(kind for kind, _value in outcomes) == ["ok", "refused"], outcomes
    assert HourRecord.objects.filter(resubmission_of=returned).count() == 1


def test_a_version_sits_in_the_year_of_the_one_it_corrects(returned):
    stray = HourRecord(
        professional=returned.professional, year=2021, completed_on=datetime.date(2021, 5, 1),
        category=Category.PROFESSIONAL, hours=D("6"), source=HourRecord.Source.SELF_REPORTED,
        recorded_by=returned.recorded_by, resubmission_of=returned, first_version=returned, version=2,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        stray.save()
