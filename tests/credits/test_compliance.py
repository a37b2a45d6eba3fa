"""The notice's hour rule: 每年累计应不少于90学时，其中公需课不少于30学时，专业课不少于60学时。"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Category
from credits.models import YearSummary
from credits.selectors import NoPolicyError, annual_hours_requirement, compliance_for, roster

from .factories import YearPolicyFactory, approved_record, professional_of

D = Decimal


def check(policy, public, professional):
    return annual_hours_requirement(policy=policy, public=D(public), professional=D(professional))


def test_public_29_9_hours_is_not_enough(policy):
    result = check(policy, "29.9", "60.1")
    assert not result.compliant
    assert result.missing.public == D("0.1")
    assert result.missing.professional == 0


def test_public_30_and_professional_60_is_compliant(policy):
    result = check(policy, "30", "60")
    assert result.compliant
    assert result.total == D("90")
    assert result.missing.total == 0


def test_professional_59_9_hours_is_not_enough(policy):
    result = check(policy, "40", "59.9")
    assert not result.compliant
    assert result.missing.professional == D("0.1")
    assert result.total == D("99.9")


def test_public_50_and_professional_40_is_not_compliant_even_with_90_total(policy):
    result = check(policy, "50", "40")
    assert result.total == D("90")
    assert not result.compliant
    assert result.missing.professional == D("20")
    assert result.missing.public == 0
    assert result.missing.total == 0


def test_thresholds_come_from_the_year_policy_not_code(db):
    lenient = YearPolicyFactory(year=2030, min_total=D("50"), min_public=D("10"), min_professional=D("20"))
    assert check(lenient, "10", "40").compliant
    assert not check(lenient, "9.9", "40").compliant


def test_year_without_policy_is_a_clear_error(db):
    with pytest.raises(NoPolicyError) as info:
        compliance_for(user=None, year=1999)
    assert "1999年度的学时要求尚未" in info.value.messages[0]


def test_compliance_for_counts_only_approved_summary_hours(policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="59.9", category=Category.PROFESSIONAL)
    result = compliance_for(user=person, year=2022)
    assert (result.public, result.professional, result.total) == (D("30"), D("59.9"), D("89.9"))
    assert result.required.total == D("90")
    assert not result.compliant
    approved_record(person, hours="0.1", category=Category.PROFESSIONAL)
    assert compliance_for(user=person, year=2022).compliant


hours = st.decimals(min_value=0, max_value=150, places=1, allow_nan=False, allow_infinity=False)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(public=hours, professional=hours)
def test_sql_compliant_filter_agrees_with_the_rule(policy, employer, public, professional):
    with transaction.atomic():
        person = professional_of(employer)
        YearSummary.objects.create(professional=person, year=2022, public_hours=public, professional_hours=professional)
        row = roster(organisation_id=employer.pk, year=2022).get(user=person)
        assert row.compliant == check(policy, public, professional).compliant
        transaction.set_rollback(True)
