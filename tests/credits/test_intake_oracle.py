"""Bulk intake tells nothing about who exists beyond what one valid row would (issue 22, audit):
a row whose person is unknown or out of scope gets that one error and nothing else, whatever else
is wrong with it; and the throttle counts rows, for the API and the Excel import page together."""

import pytest
from django.urls import reverse

from accounts.models import Role
from credits.models import HourRecord
from tests.factories import OrganisationFactory, user_with_role, valid_id_number

from .factories import CourseFactory, post, professional_of
from .test_pages import sheet
from .test_rights import platform_row

NOT_FOUND = "在本单位登记范围内未找到该身份证号对应的专业技术人员。"


@pytest.fixture
def jinan_bureau(db):
    return OrganisationFactory(city_bureau=True, city="jinan")


@pytest.fixture
def jinan_client(client, jinan_bureau):
    client.force_login(user_with_role(Role.CITY_STAFF, jinan_bureau))
    return client


def test_a_row_outside_the_scope_gets_that_one_error_whatever_else_is_wrong(
    jinan_client, jinan_bureau, policy, employer, other_employer
):
    jinan_nurse, qingdao_nurse = professional_of(employer), professional_of(other_employer)
    course = CourseFactory(provider=jinan_bureau)
    bad = {"year": 1800, "hours": "999", "category": "nonsense", "completed_on": "yesterday"}
    rows = [
        platform_row(qingdao_nurse, course, "O1", **bad),
        platform_row(qingdao_nurse, course, "O2", id_number=valid_id_number(77_777), **bad),
        platform_row(jinan_nurse, course, "O3", **bad),
        platform_row(qingdao_nurse, course, "O4", id_number="12345"),
    ]
    response = post(jinan_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 400
    errors = {row["index"]: row["errors"] for row in response.json()["errors"]["rows"]}
    # Out of scope and unknown: the very same single answer.
    assert errors[0] == errors[1] == {"id_number": NOT_FOUND}
    # The Jinan bureau's own person: every other fault, and no word about the ID number.
    assert "id_number" not in errors[2] and {"year", "hours", "category", "completed_on"} <= set(errors[2])
    # A malformed ID number is said as such, alone.
    assert set(errors[3]) == {"id_number"} and errors[3]["id_number"] != NOT_FOUND
    assert not HourRecord.objects.exists()


def test_a_single_row_outside_the_scope_with_a_bad_year_is_the_same_404_as_a_good_one(
    jinan_client, jinan_bureau, policy, other_employer
):
    qingdao_nurse = professional_of(other_employer)
    course = CourseFactory(provider=jinan_bureau)
    with_bad_year = post(
        jinan_client, reverse("api-hour-records"), platform_row(qingdao_nurse, course, "S1", year=1800)
    )
    good = post(jinan_client, reverse("api-hour-records"), platform_row(qingdao_nurse, course, "S2"))
    assert with_bad_year.status_code == good.status_code == 404
    assert with_bad_year.json() == good.json() and good.json()["detail"] == NOT_FOUND


def test_the_intake_budget_counts_rows_not_requests(base_client, base, policy, employer, settings):
    settings.CREDITS_INTAKE_RATE = "3/minute"
    person = professional_of(employer)
    rows = [platform_row(person, CourseFactory(provider=base), f"B{i}") for i in range(3)]
    assert post(base_client, reverse("api-hour-records-bulk"), rows[:2]).status_code == 201
    # Two rows left? No: one. A bulk of two is refused whole, and costs nothing.
    refused = post(base_client, reverse("api-hour-records-bulk"), rows[1:])
    assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    assert post(base_client, reverse("api-hour-records"), rows[2]).status_code == 201
    assert post(base_client, reverse("api-hour-records-bulk"), [rows[2]]).status_code == 429
    assert HourRecord.objects.count() == 3


def test_refused_rows_spend_the_budget_too(jinan_client, jinan_bureau, policy, other_employer, settings):
    settings.CREDITS_INTAKE_RATE = "2/minute"
    course = CourseFactory(provider=jinan_bureau)
    probes = [
        platform_row(professional_of(other_employer), course, f"P{i}", id_number=valid_id_number(90 + i))
        for i in range(3)
    ]
    assert post(jinan_client, reverse("api-hour-records-bulk"), probes[:2]).status_code == 400
    assert post(jinan_client, reverse("api-hour-records-bulk"), probes[2:]).status_code == 429


def test_the_excel_import_page_shares_the_budget(client, base, policy, employer, settings):
    settings.CREDITS_INTAKE_RATE = "2/minute"
    admin = user_with_role(Role.BASE_ADMIN, base)
    person = professional_of(employer)
    courses = [CourseFactory(provider=base, category="professional") for _ in range(3)]
    client.force_login(admin)
    assert post(client, reverse("api-hour-records"), platform_row(person, courses[0], "E1")).status_code == 201

    def line(course, ref):
        return [
            person.id_number,
            2022,
            "专业课",
            float(course.hours),
            course.pk,
            "",
            "平台课程学习",
            "2022-05-01",
            ref,
            "",
        ]

    response = client.post(reverse("credits:import"), {"file": sheet([line(courses[1], "E2"), line(courses[2], "E3")])})
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    assert HourRecord.objects.count() == 1
    # Within the budget the same page imports, and then the API has nothing left.
    response = client.post(reverse("credits:import"), {"file": sheet([line(courses[1], "E2")])})
    assert response.status_code == 302 and HourRecord.objects.count() == 2
    assert post(client, reverse("api-hour-records"), platform_row(person, courses[2], "E4")).status_code == 429
