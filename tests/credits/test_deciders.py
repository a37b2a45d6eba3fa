"""Every pending record has a decider, and every approved one a corrector (issue 21, ledger):
staff of an employer without an administrator are decided by the city bureau, a person who moved
city to city by the current city, and the province and the last city correct records of people
without a current employer."""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.services import grant_role
from courses.models import Category
from credits import selectors, services
from credits.models import HourRecord, YearSummary
from tests.factories import OrganisationFactory, user_with_role

from .factories import approved_record, plan_training, professional_of, proof_file
from .test_decision_place import places
from .test_rights import offline_row


@pytest.fixture
def deciders(db, employer, other_employer):
    """Everyone who might decide: both employers' admins, both cities' bureaus, the province."""
    return {
        "jinan_employer": user_with_role(Role.EMPLOYER_ADMIN, employer),
        "qingdao_employer": user_with_role(Role.EMPLOYER_ADMIN, other_employer),
        "jinan_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan")),
        "qingdao_bureau": user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="qingdao")),
        "province": user_with_role(Role.PROVINCE_STAFF),
    }


def self_report(person):
    record, _ = services.self_report_hours(
        professional=person,
        year=2022,
        title="会议",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PUBLIC,
        hours="2",
        proof=proof_file(),
    )
    return record


def approve(client, record):
    return client.post(reverse("api-hour-record-approve", args=[record.pk]), "{}", content_type="application/json")


def test_a_pending_training_of_staff_whose_employer_has_no_administrator_goes_to_the_city_bureau(
    client, policy, deciders
):
    no_admin = OrganisationFactory(city="jinan")
    person = professional_of(no_admin)
    base = OrganisationFactory(national_base=True)
    [(training, _created)] = services.record_platform_hours(
        organisation=base,
        actor=user_with_role(Role.BASE_ADMIN, base),
        rows=[offline_row(person, plan_training(base), "OFF1")],
    )
    assert training.status == HourRecord.Status.PENDING
    assert places(training, deciders) == ["jinan_bureau"]
    client.force_login(deciders["qingdao_bureau"])
    assert approve(client, training).status_code == 404
    client.force_login(deciders["jinan_bureau"])
    assert approve(client, training).status_code == 200
    assert YearSummary.objects.get(professional=person).professional_hours == D("8.0")


def test_once_the_employer_has_an_administrator_it_decides_again(policy, deciders):
    no_admin = OrganisationFactory(city="jinan")
    record = self_report(professional_of(no_admin))
    assert places(record, deciders) == ["jinan_bureau"]
    admin = user_with_role(Role.EMPLOYER_ADMIN, no_admin)
    assert places(record, {**deciders, "admin": admin}) == ["admin"]


def test_staff_of_a_cityless_employer_without_administrator_go_to_the_province(policy, deciders):
    record = self_report(professional_of(OrganisationFactory(city="")))
    assert places(record, deciders) == ["province"]


def test_a_person_who_moved_city_to_city_is_decided_by_the_current_city(policy, deciders):
    qingdao_unit, jinan_unit = OrganisationFactory(city="qingdao"), OrganisationFactory(city="jinan")
    person = professional_of(qingdao_unit)  # the older membership
    grant_role(user=person, organisation=jinan_unit, role=Role.PROFESSIONAL)
    record = self_report(person)
    assert places(record, deciders) == ["jinan_bureau"]
    # Back to Qingdao: the old membership active again, the newer one ended.
    Membership.objects.filter(user=person, organisation=jinan_unit).update(is_active=False)
    Membership.objects.filter(user=person, organisation=qingdao_unit).update(is_active=True)
    assert places(record, deciders) == ["qingdao_bureau"]


def test_a_self_report_past_the_threshold_has_exactly_one_place(policy, employer, deciders):
    policy.self_report_bureau_threshold = D("3.0")
    policy.save()
    person = professional_of(employer)
    first, second = self_report(person), self_report(person)
    assert (places(first, deciders), places(second, deciders)) == (["jinan_employer"], ["jinan_bureau"])


def test_the_province_corrects_any_record(client, policy, employer):
    record = approved_record(professional_of(employer), hours="6")
    province = user_with_role(Role.PROVINCE_STAFF)
    correction = services.reverse_record(record_id=record.pk, actor=province, reason="重复登记")
    assert correction.hours == D("-6.0") and correction.recorded_by == province.memberships.get().organisation
    assert YearSummary.objects.get(professional=record.professional).public_hours == D("0.0")
    client.force_login(province)
    other = approved_record(professional_of(OrganisationFactory(city="heze")), hours="3")
    assert (
        reverse("credits:reverse", args=[other.pk])
        in client.get(reverse("credits:audit"), {"year": 2022}).content.decode()
    )


def test_records_of_people_without_a_current_employer_can_be_corrected_by_their_last_city(
    client, policy, employer, deciders
):
    person = professional_of(employer)
    record = approved_record(person, hours="6")
    Membership.objects.filter(user=person).update(is_active=False)
    with pytest.raises(ValidationError) as info:
        services.reverse_record(record_id=record.pk, actor=deciders["qingdao_bureau"], reason="核查")
    assert info.value.code == "not_found"
    client.force_login(deciders["jinan_bureau"])
    assert (
        reverse("credits:reverse", args=[record.pk])
        in client.get(reverse("credits:audit"), {"year": 2022}).content.decode()
    )
    response = client.post(reverse("credits:reverse", args=[record.pk]), {"reason": "核查无签到"})
    assert response.status_code == 302
    assert HourRecord.objects.get(reverses=record).reason == "核查无签到"


def test_nobody_else_corrects(policy, employer, deciders):
    record = approved_record(professional_of(employer), hours="6")
    for name in ("jinan_employer", "qingdao_employer"):
        with pytest.raises(ValidationError):
            services.reverse_record(record_id=record.pk, actor=deciders[name], reason="x")
    assert not HourRecord.objects.filter(reverses=record).exists()


def test_the_api_approval_of_a_bureau_decided_record_names_it(client, policy, deciders):
    record = self_report(professional_of(OrganisationFactory(city="jinan")))
    client.force_login(deciders["jinan_bureau"])
    response = client.post(
        reverse("api-hour-record-approve", args=[record.pk]), json.dumps({}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert [r.pk for r in selectors.records_decidable_by(deciders["jinan_bureau"])] == []
