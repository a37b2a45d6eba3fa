"""Who may credit what, to whom (issue 11, point 1), through the API, the bulk API and the Excel import."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from credits.models import HourRecord, YearSummary
from tests.factories import OrganisationFactory, user_with_role, valid_id_number

from .factories import CourseFactory, YearPolicyFactory, plan_training, post, professional_of
from .test_pages import sheet

D = Decimal


@pytest.fixture
def jinan_bureau(db):
    return OrganisationFactory(city_bureau=True, city="jinan")


def offline_row(person, training, ref, **over):
    data = {
        "id_number": person.id_number,
        "year": 2022,
        "category": training.category if training else "professional",
        "hours": "8.0",
        "training": training.pk if training else None,
        "source": "offline",
        "completed_on": "2022-05-10",
        "external_ref": ref,
    }
    data.update(over)
    return data


def platform_row(person, course, ref, **over):
    data = {
        "id_number": person.id_number,
        "year": 2022,
        "category": course.category,
        "hours": str(course.hours),
        "course": course.pk,
        "source": "platform",
        "completed_on": "2022-05-10",
        "external_ref": ref,
    }
    data.update(over)
    return data


# --- offline trainings from CE bases ---------------------------------------------------------


def test_offline_row_from_a_base_without_a_plan_training_is_refused(base_client, policy, employer):
    """The old hole: `source: offline` with no course was approved on arrival."""
    person = professional_of(employer)
    response = post(base_client, reverse("api-hour-records"), offline_row(person, None, "O1"))
    assert response.status_code == 400
    assert "工作计划" in response.json()["errors"]["rows"][0]["errors"]["training"]
    assert not HourRecord.objects.exists()


def test_offline_training_of_the_approved_plan_waits_for_the_persons_employer(client, base, policy, employer):
    person = professional_of(employer)
    training = plan_training(base, hours="8.0")
    client.force_login(user_with_role(Role.BASE_ADMIN, base))
    response = post(client, reverse("api-hour-records"), offline_row(person, training, "O2"))
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "pending"
    assert not YearSummary.objects.filter(professional=person, professional_hours__gt=0).exists()
    client.force_login(user_with_role(Role.EMPLOYER_ADMIN, employer))
    approved = post(client, reverse("api-hour-record-approve", args=[response.json()["id"]]), {})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert YearSummary.objects.get(professional=person, year=2022).professional_hours == D("8.0")


def test_offline_training_of_a_plan_approved_with_on_arrival_approval_counts_at_once(
    base_client, base, policy, employer
):
    person = professional_of(employer)
    training = plan_training(base, on_arrival=True)
    response = post(base_client, reverse("api-hour-records"), offline_row(person, training, "O3"))
    assert response.status_code == 201 and response.json()["status"] == "approved"
    assert YearSummary.objects.get(professional=person, year=2022).professional_hours == D("8.0")


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("another_base", "training"),
        ("plan_not_approved", "training"),
        ("other_year", "training"),
        ("more_hours", "hours"),
        ("other_category", "category"),
    ],
)
def test_offline_training_rows_are_held_to_the_plan(base_client, base, policy, employer, case, field):
    YearPolicyFactory(year=2023)
    person = professional_of(employer)
    training = {
        "another_base": lambda: plan_training(OrganisationFactory(national_base=True)),
        "plan_not_approved": lambda: plan_training(base, status="submitted"),
        "other_year": lambda: plan_training(base, year=2023),
        "more_hours": lambda: plan_training(base, hours="4.0"),
        "other_category": lambda: plan_training(base, category=Category.PUBLIC),
    }[case]()
    data = offline_row(person, training, "O4", category="professional")
    response = post(base_client, reverse("api-hour-records"), data)
    assert response.status_code == 400
    assert field in response.json()["errors"]["rows"][0]["errors"]
    assert not HourRecord.objects.exists()


def test_a_base_cannot_name_a_course_on_an_offline_row(base_client, base, policy, employer):
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    response = post(base_client, reverse("api-hour-records"), offline_row(person, None, "O5", course=course.pk))
    assert response.status_code == 400 and "course" in response.json()["errors"]["rows"][0]["errors"]


# --- platform rows ------------------------------------------------------------------------------


def test_platform_row_needs_the_course_on_the_senders_own_platform(base_client, base, policy, employer):
    person = professional_of(employer)
    off_platform = CourseFactory(provider=base, platform=None)
    response = post(base_client, reverse("api-hour-records"), platform_row(person, off_platform, "P1"))
    assert response.status_code == 400
    assert "学习平台" in response.json()["errors"]["rows"][0]["errors"]["course"]
    own = CourseFactory(provider=base)
    response = post(base_client, reverse("api-hour-records"), platform_row(person, own, "P2"))
    assert response.status_code == 201 and response.json()["status"] == "approved"


def test_platform_row_may_not_claim_more_than_the_course(base_client, base, policy, employer):
    person = professional_of(employer)
    course = CourseFactory(provider=base, hours=D("6.0"))
    response = post(base_client, reverse("api-hour-records"), platform_row(person, course, "P3", hours="6.1"))
    assert response.status_code == 400 and "6.0" in response.json()["detail"]


# --- scope: who a unit may credit -------------------------------------------------------------------


def test_city_bureau_credits_people_employed_in_its_city(client, jinan_bureau, policy, employer):
    person = professional_of(employer)  # employer is in Jinan
    course = CourseFactory(provider=jinan_bureau)
    client.force_login(user_with_role(Role.CITY_STAFF, jinan_bureau))
    response = post(client, reverse("api-hour-records"), platform_row(person, course, "C1"))
    assert response.status_code == 201 and response.json()["status"] == "approved"


def test_another_citys_person_gets_the_same_answer_as_an_unknown_id_number(
    client, jinan_bureau, policy, other_employer
):
    """The old hole: a Jinan bureau crediting a Qingdao nurse."""
    qingdao_nurse = professional_of(other_employer)
    course = CourseFactory(provider=jinan_bureau)
    client.force_login(user_with_role(Role.CITY_STAFF, jinan_bureau))
    out_of_scope = post(client, reverse("api-hour-records"), platform_row(qingdao_nurse, course, "C2"))
    unknown = post(
        client,
        reverse("api-hour-records"),
        platform_row(qingdao_nurse, course, "C2", id_number=valid_id_number(77_777)),
    )
    assert out_of_scope.status_code == unknown.status_code == 404
    assert out_of_scope.json() == unknown.json()
    assert out_of_scope.json()["code"] == "not_found" and "未找到" in out_of_scope.json()["detail"]
    bulk_scope = post(client, reverse("api-hour-records-bulk"), [platform_row(qingdao_nurse, course, "C3")])
    bulk_unknown = post(
        client,
        reverse("api-hour-records-bulk"),
        [platform_row(qingdao_nurse, course, "C3", id_number=valid_id_number(77_777))],
    )
    assert bulk_scope.status_code == bulk_unknown.status_code == 400
    assert bulk_scope.json() == bulk_unknown.json()
    assert not HourRecord.objects.exists()


def test_a_person_without_an_employer_is_in_no_units_scope(base_client, base, policy):
    from tests.factories import ProfessionalUserFactory

    loner = ProfessionalUserFactory()
    response = post(base_client, reverse("api-hour-records"), platform_row(loner, CourseFactory(provider=base), "S1"))
    assert response.status_code == 404


def test_a_base_credits_people_anywhere_in_the_province(base_client, base, policy, other_employer):
    person = professional_of(other_employer)
    response = post(base_client, reverse("api-hour-records"), platform_row(person, CourseFactory(provider=base), "S2"))
    assert response.status_code == 201


@pytest.mark.parametrize("role", [Role.EMPLOYER_ADMIN, Role.DEPARTMENT_STAFF, Role.ASSOCIATION_ADMIN])
def test_units_without_a_platform_role_cannot_post_records(client, role_users, policy, role):
    client.force_login(role_users[role])
    data = {"year": 2022, "category": "public", "hours": "1", "completed_on": "2022-06-01"}
    assert post(client, reverse("api-hour-records"), data).status_code == 403
    assert post(client, reverse("api-hour-records-bulk"), [data]).status_code == 403


# --- review threshold ----------------------------------------------------------------------------


def test_hours_beyond_the_policys_review_threshold_go_to_review(base_client, base, policy, employer):
    policy.review_threshold = D("10.0")
    policy.save()
    person = professional_of(employer)
    first, second = CourseFactory(provider=base, hours=D("6.0")), CourseFactory(provider=base, hours=D("6.0"))
    rows = [platform_row(person, first, "T1"), platform_row(person, second, "T2")]
    response = post(base_client, reverse("api-hour-records-bulk"), rows)
    assert response.status_code == 201
    statuses = dict(HourRecord.objects.values_list("external_ref", "status"))
    assert statuses == {"T1": "approved", "T2": "pending"}
    assert YearSummary.objects.get(professional=person).public_hours == D("6.0")
    other_unit = user_with_role(Role.BASE_ADMIN, OrganisationFactory(national_base=True))
    base_client.force_login(other_unit)
    third = CourseFactory(provider=other_unit.memberships.get().organisation, hours=D("6.0"))
    response = post(base_client, reverse("api-hour-records"), platform_row(person, third, "T3"))
    assert response.json()["status"] == "approved"  # the threshold is per unit


# --- rate limit -----------------------------------------------------------------------------------


def test_intake_is_rate_limited_per_unit_with_the_error_shape(base_client, base, policy, employer, settings):
    settings.CREDITS_INTAKE_RATE = "2/minute"  # rows, not requests (credits.throttle)
    person = professional_of(employer)
    course = CourseFactory(provider=base)
    assert post(base_client, reverse("api-hour-records"), platform_row(person, course, "R1")).status_code == 201
    bulk = [platform_row(person, CourseFactory(provider=base), "R1b")]
    assert post(base_client, reverse("api-hour-records-bulk"), bulk).status_code == 201
    limited = post(base_client, reverse("api-hour-records"), platform_row(person, course, "R2"))
    assert limited.status_code == 429
    body = limited.json()
    assert set(body) == {"detail", "code", "errors"} and body["code"] == "throttled"
    assert "频繁" in body["detail"] and "Retry-After" in limited
    # A colleague of the same unit shares the unit's budget; another unit has its own.
    base_client.force_login(user_with_role(Role.BASE_ADMIN, base))
    assert post(base_client, reverse("api-hour-records"), platform_row(person, course, "R3")).status_code == 429
    other = OrganisationFactory(national_base=True)
    base_client.force_login(user_with_role(Role.BASE_ADMIN, other))
    row = platform_row(person, CourseFactory(provider=other), "R4")
    assert post(base_client, reverse("api-hour-records"), row).status_code == 201
    assert base_client.get(reverse("api-hour-records")).status_code == 200  # reading is not limited


# --- Excel import: the same rules -------------------------------------------------------------------


def test_excel_import_applies_the_same_rules(client, base, policy, employer, other_employer):
    admin = user_with_role(Role.BASE_ADMIN, base)
    person = professional_of(employer)
    training = plan_training(base, hours="8.0")
    no_training = [person.id_number, 2022, "专业课", 8, "", "线下培训", "线下培训", "2022-05-01", "X1", ""]
    shifted = [person.id_number, 2022, "专业课", 8, "", "线下培训", "线下培训", "2021-12-01", "X2", training.pk]
    client.force_login(admin)
    response = client.post(reverse("credits:import"), {"file": sheet([no_training, shifted])})
    body = response.content.decode()
    assert response.status_code == 200 and "第2行「工作计划培训」：" in body and "第3行「完成日期」：" in body
    assert "工作计划" in body and "2022年1月1日" in body
    assert not HourRecord.objects.exists()
    good = [person.id_number, 2022, "专业课", 8, "", "线下培训", "线下培训", "2022-05-01", "X3", training.pk]
    response = client.post(reverse("credits:import"), {"file": sheet([good])})
    assert response.status_code == 302
    assert HourRecord.objects.get().status == HourRecord.Status.PENDING
