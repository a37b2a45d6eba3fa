"""Nothing gets stuck (issue 11, point 4): every pending record has exactly one place where it is
decided, and that place follows the person (`selectors.records_decidable_by`, page and API alike)."""

import datetime
import json

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.services import grant_role
from courses.models import Category
from credits import selectors, services
from credits.models import HourRecord
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import plan_training, professional_of, proof_file
from .test_rights import offline_row


def self_report(person):
    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="会议",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PUBLIC,
        hours="2",
    )
    return record


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


def places(record, deciders) -> list[str]:
    return [name for name, user in deciders.items() if selectors.records_decidable_by(user).filter(pk=record.pk)]


def test_each_pending_record_has_exactly_one_place(policy, employer, other_employer, deciders):
    staying = professional_of(employer)
    moved = professional_of(employer)
    left = professional_of(other_employer)
    cityless = OrganisationFactory(city="")
    left_cityless = professional_of(cityless)
    base = OrganisationFactory(national_base=True)
    training = plan_training(base)
    records = {
        "staying": self_report(staying),
        "moved": self_report(moved),
        "left": self_report(left),
        "left_cityless": self_report(left_cityless),
    }
    [(offline, _created)] = services.record_platform_hours(
        organisation=base,
        actor=user_with_role(Role.BASE_ADMIN, base),
        rows=[offline_row(staying, training, "OFF1")],
    )
    records["base_training"] = offline
    grant_role(user=moved, organisation=other_employer, role=Role.PROFESSIONAL)
    Membership.objects.filter(user__in=[left, left_cityless], role=Role.PROFESSIONAL).update(is_active=False)
    assert {name: places(r, deciders) for name, r in records.items()} == {
        "staying": ["jinan_employer"],
        "moved": ["qingdao_employer"],  # the new employer; the old one no longer lists it
        "left": ["qingdao_bureau"],  # no employer: the bureau of the last employer's city
        "left_cityless": ["province"],  # last employer without a city: the provincial bureau
        "base_training": ["jinan_employer"],  # the base's pending row goes to the person's employer
    }


def test_the_city_bureau_decides_a_record_whose_owner_has_no_employer(client, policy, other_employer, deciders):
    person = professional_of(other_employer)
    record = self_report(person)
    Membership.objects.filter(user=person).update(is_active=False)
    client.force_login(deciders["qingdao_employer"])
    url = reverse("api-hour-record-approve", args=[record.pk])
    assert client.post(url, "{}", content_type="application/json").status_code == 404
    client.force_login(deciders["jinan_bureau"])
    assert client.post(url, "{}", content_type="application/json").status_code == 404
    client.force_login(deciders["qingdao_bureau"])
    assert "会议" in client.get(reverse("credits:queue")).content.decode()
    response = client.post(url, json.dumps({}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client.post(url, "{}", content_type="application/json").status_code == 409


def test_the_new_employer_decides_on_the_page_and_the_old_one_no_longer_lists_it(
    client, policy, employer, other_employer, deciders
):
    person = professional_of(employer)
    record = self_report(person)
    grant_role(user=person, organisation=other_employer, role=Role.PROFESSIONAL)
    client.force_login(deciders["jinan_employer"])
    assert "会议" not in client.get(reverse("credits:queue")).content.decode()
    assert (
        client.post(reverse("credits:decide", args=[record.pk]), {"action": "approve", "confirm": "1"}).status_code
        == 404
    )
    client.force_login(deciders["qingdao_employer"])
    assert "会议" in client.get(reverse("credits:queue")).content.decode()
    client.post(reverse("credits:decide", args=[record.pk]), {"action": "approve", "confirm": "1"})
    assert HourRecord.objects.get(pk=record.pk).status == HourRecord.Status.APPROVED


@pytest.mark.parametrize("n", [1, 6])
def test_queue_query_count(client, policy, employer, deciders, n):
    for _ in range(n):
        self_report(professional_of(employer))
    client.force_login(deciders["jinan_employer"])
    # Expect 5 queries: the session, the user, the user's roles (cached on the user for the
    # navigation too), the paginator's count, and the page of records joined to the person, the
    # conversion rule, the recording unit, the course and the training.
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "credits_hourrecord", "credits_hourrecord"
    ):
        response = client.get(reverse("credits:queue"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == n
