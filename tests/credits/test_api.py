"""API v1: me/hours, hour-records, bulk intake, organisation compliance."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits.models import HourRecord, YearSummary
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, approved_record, post, professional_of, proof_file

D = Decimal


@pytest.fixture
def course(policy, base):
    return CourseFactory(provider=base, hours=D("6.0"))


def row(person, course, ref, **over):
    data = {
        "id_number": person.id_number,
        "year": 2022,
        "category": "public",
        "hours": "6.0",
        "course": course.pk,
        "title": "课程",
        "source": "platform",
        "completed_on": "2022-05-10",
        "external_ref": ref,
    }
    data.update(over)
    return data


def test_me_hours_reports_figures_as_decimal_strings(client, policy, employer):
    person = professional_of(employer)
    approved_record(person, hours="29.9", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(person)
    body = client.get(reverse("api-me-hours"), {"year": 2022}).json()
    assert body["public_hours"] == "29.9" and body["total_hours"] == "89.9"
    assert body["required"] == {"public": "30.0", "professional": "60.0", "total": "90.0"}
    assert body["missing"]["public"] == "0.1" and body["compliant"] is False
    assert len(body["records"]) == 2


def test_me_hours_for_a_year_without_policy_is_a_clear_422(client, policy, employer):
    client.force_login(professional_of(employer))
    response = client.get(reverse("api-me-hours"), {"year": 1999})
    assert response.status_code == 422
    assert "1999" in response.json()["detail"]


@pytest.mark.parametrize("n", [1, 20])
def test_me_hours_query_count_is_constant(client, policy, employer, n):
    person = professional_of(employer)
    for _ in range(n):
        approved_record(person, hours="1")
    client.force_login(person)
    # Expect 9 queries: session, user, roles (and the employer), the policy, the requirements
    # binding the employer (none), the year summary, the ledger rows, and for the plan the person's sectors (none,
    # so no guides) and the candidate courses.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_yearsummary",
        "credits_hourrecord",
        "accounts_organisation",
        "courses_course",
    ):
        assert client.get(reverse("api-me-hours"), {"year": 2022}).status_code == 200


def test_me_hours_needs_login_and_professional_role(client, role_users, policy):
    assert client.get(reverse("api-me-hours")).status_code in (401, 403)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert client.get(reverse("api-me-hours")).status_code == 403


def test_platform_post_is_201_then_200_for_the_same_external_ref(base_client, course, employer):
    person = professional_of(employer)
    first = post(base_client, reverse("api-hour-records"), row(person, course, "E1"))
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "approved" and first.json()["hours"] == "6.0"
    again = post(base_client, reverse("api-hour-records"), row(person, course, "E1"))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert YearSummary.objects.get(professional=person).public_hours == D("6.0")


def test_platform_post_for_a_foreign_course_is_refused(base_client, policy, employer):
    person = professional_of(employer)
    response = post(base_client, reverse("api-hour-records"), row(person, CourseFactory(), "E2"))
    assert response.status_code == 400
    assert response.json()["errors"]["rows"][0]["errors"]["course"]
    assert not HourRecord.objects.exists()


def test_professional_self_report_is_pending(client, policy, employer):
    person = professional_of(employer)
    client.force_login(person)
    data = {"year": 2022, "category": "professional", "hours": "8", "title": "学术会议", "completed_on": "2022-06-01"}
    response = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert not YearSummary.objects.filter(professional=person, professional_hours__gt=0).exists()


def test_professional_cannot_report_for_someone_else(client, policy, employer):
    person, other = professional_of(employer), professional_of(employer)
    client.force_login(person)
    data = {"id_number": other.id_number, "year": 2022, "category": "public", "hours": "1"}
    data["completed_on"] = "2022-06-01"
    assert post(client, reverse("api-hour-records"), data).status_code == 403


def test_employer_admin_cannot_post_records(client, role_users, policy):
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    data = {"year": 2022, "category": "public", "hours": "1", "completed_on": "2022-06-01"}
    assert post(client, reverse("api-hour-records"), data).status_code == 403


@pytest.mark.parametrize("n", [1, 15])
def test_hour_records_list_query_count_is_constant(base_client, course, employer, n):
    people = [professional_of(employer) for _ in range(n)]
    post(base_client, reverse("api-hour-records-bulk"), [row(p, course, f"L{i}") for i, p in enumerate(people)])
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "credits_hourrecord",
        "credits_hourrecord",
    ):
        response = base_client.get(reverse("api-hour-records"))
    assert response.json()["count"] == n


def test_bulk_stores_all_rows_or_none_and_lists_bad_rows(base_client, course, employer):
    people = [professional_of(employer) for _ in range(4)]
    rows = [row(p, course, f"B{i}") for i, p in enumerate(people)]
    rows[2]["hours"] = "-1"
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 400
    assert [r["index"] for r in response.json()["errors"]["rows"]] == [2]
    assert not HourRecord.objects.exists()
    rows[2]["hours"] = "1.5"
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 201 and response.json()["created"] == 4
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 200 and response.json()["existing"] == 4
    assert [YearSummary.objects.get(professional=p).public_hours for p in people] == [D("6.0")] * 2 + [
        D("1.5"),
        D("6.0"),
    ]


def test_bulk_of_10001_rows_is_rejected(base_client, course, employer):
    person = professional_of(employer)
    rows = [row(person, course, f"X{i}") for i in range(10_001)]
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 400
    assert "10000" in response.json()["detail"]
    assert not HourRecord.objects.exists()


def test_bulk_is_for_platforms_only(client, role_users, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    assert post(client, reverse("api-hour-records-bulk"), []).status_code == 403


def compliance_url(org):
    return reverse("api-organisation-compliance", args=[org.pk])


def test_employer_sees_its_staff_compliance_with_masked_ids(client, role_users, employer, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    body = client.get(compliance_url(employer), {"year": 2022}).json()
    [entry] = body["results"]
    assert entry["compliant"] is True and entry["total_hours"] == "90.0"
    assert entry["id_number"] != person.id_number and "*" in entry["id_number"]
    assert client.get(compliance_url(employer), {"year": 2022, "compliant": "false"}).json()["count"] == 0


def test_employer_never_sees_another_employers_staff(client, role_users, other_employer, policy):
    professional_of(other_employer)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert client.get(compliance_url(other_employer), {"year": 2022}).status_code == 404


def test_city_staff_see_employers_of_their_city_only(client, employer, other_employer, policy):
    jinan = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    client.force_login(jinan)
    assert client.get(compliance_url(employer), {"year": 2022}).status_code == 200
    assert client.get(compliance_url(other_employer), {"year": 2022}).status_code == 404


def test_province_staff_see_every_employer(client, role_users, other_employer, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    assert client.get(compliance_url(other_employer), {"year": 2022}).status_code == 200


def test_professional_cannot_read_employer_compliance(client, role_users, employer, policy):
    client.force_login(role_users[Role.PROFESSIONAL])
    assert client.get(compliance_url(employer), {"year": 2022}).status_code == 404


@pytest.mark.parametrize("n", [1, 25])
def test_compliance_list_query_count_is_constant(client, role_users, employer, policy, n):
    for _ in range(n - 1):
        approved_record(professional_of(employer), hours="10")
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    # One more than before issue 11: the requirements binding the employer.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_organisation",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_yearpolicy",
        "accounts_membership",
        "accounts_membership",
    ):
        response = client.get(compliance_url(employer), {"year": 2022})
    assert response.json()["count"] == n


def test_professional_self_report_with_the_same_external_ref_returns_the_existing_record(client, policy, employer):
    client.force_login(professional_of(employer))
    data = {"year": 2022, "category": "public", "hours": "2", "completed_on": "2022-06-01", "external_ref": "me-1"}
    first = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    again = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert HourRecord.objects.count() == 1


def test_hours_with_two_decimals_are_refused_with_a_chinese_message(base_client, course, employer):
    person = professional_of(employer)
    response = post(base_client, reverse("api-hour-records"), row(person, course, "P1", hours="1.25"))
    assert response.status_code == 400
    assert "一位小数" in response.json()["detail"]


def self_reported(person, hours="4"):
    import datetime

    from credits import services

    record, _ = services.self_report_hours(
        proof=proof_file(),
        professional=person,
        year=2022,
        title="会议",
        completed_on=datetime.date(2022, 5, 1),
        category=Category.PROFESSIONAL,
        hours=hours,
    )
    return record


def test_employer_approves_over_the_api_and_a_second_approval_is_409(client, role_users, policy):
    record = self_reported(role_users[Role.PROFESSIONAL])
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    url = reverse("api-hour-record-approve", args=[record.pk])
    first = post(client, url, {})
    assert first.status_code == 200 and first.json()["status"] == "approved"
    assert post(client, url, {}).status_code == 409
    assert YearSummary.objects.get(professional=record.professional).professional_hours == D("4.0")


def test_reject_over_the_api_needs_a_reason(client, role_users, policy):
    record = self_reported(role_users[Role.PROFESSIONAL])
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    url = reverse("api-hour-record-reject", args=[record.pk])
    assert post(client, url, {}).status_code == 400
    response = post(client, url, {"reason": "证明材料不清晰"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_employer_cannot_decide_another_employers_record_over_the_api(client, role_users, other_employer, policy):
    record = self_reported(professional_of(other_employer))
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert post(client, reverse("api-hour-record-approve", args=[record.pk]), {}).status_code == 404
    client.force_login(role_users[Role.PROFESSIONAL])
    assert post(client, reverse("api-hour-record-approve", args=[record.pk]), {}).status_code == 403


def test_colleagues_using_the_same_self_report_ref_get_their_own_records(client, policy, employer):
    first_person, second_person = professional_of(employer), professional_of(employer)
    data = {"year": 2022, "category": "public", "hours": "2", "completed_on": "2022-06-01", "external_ref": "1"}
    client.force_login(first_person)
    first = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    client.force_login(second_person)
    second = client.post(reverse("api-hour-records"), {**data, "proof": proof_file()})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert HourRecord.objects.get(pk=second.json()["id"]).professional == second_person


def test_api_schema_labels_the_input_category_with_the_models_chinese_choices(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    ref = components["HourRecordInput"]["properties"]["category"]["$ref"].rsplit("/", 1)[-1]
    description = components[ref]["description"]
    assert "公需课" in description and "专业课" in description
    assert "public - public" not in description


def test_hour_records_list_shows_only_ones_own_or_own_platforms_records(base_client, course, employer):
    person, colleague = professional_of(employer), professional_of(employer)
    post(base_client, reverse("api-hour-records-bulk"), [row(person, course, "S1"), row(colleague, course, "S2")])
    assert base_client.get(reverse("api-hour-records")).json()["count"] == 2
    base_client.force_login(user_with_role(Role.BASE_ADMIN, OrganisationFactory(national_base=True)))
    assert base_client.get(reverse("api-hour-records")).json()["count"] == 0
    base_client.force_login(person)
    [own] = base_client.get(reverse("api-hour-records")).json()["results"]
    assert own["external_ref"] == "S1"
    base_client.logout()
    assert base_client.get(reverse("api-hour-records")).status_code in (401, 403)


def test_compliance_list_filters_by_department_and_missing_category(client, role_users, employer, policy):
    nurse = professional_of(employer, name="护理部人员")
    nurse.memberships.update(department="护理部")
    approved_record(nurse, hours="60", category=Category.PROFESSIONAL)
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    by_department = client.get(compliance_url(employer), {"year": 2022, "department": "护理部"}).json()
    assert [r["name"] for r in by_department["results"]] == ["护理部人员"]
    assert by_department["results"][0]["missing"]["public"] == "30.0"
    short_public = client.get(compliance_url(employer), {"year": 2022, "missing": "public"}).json()
    assert short_public["count"] == 2  # the nurse and the fixture professional with no hours
    short_professional = client.get(compliance_url(employer), {"year": 2022, "missing": "professional"}).json()
    assert "护理部人员" not in [r["name"] for r in short_professional["results"]]
