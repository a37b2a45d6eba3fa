"""Mandatory learning set by departments and cities (issue 11, point 6): separate lines on the
professional's page, the employer's roster and the reports; binding for compliance only when the
year's policy says so."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from courses.models import Category
from credits import selectors, services
from credits.models import HourRecord, Requirement
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory, approved_record, professional_of

D = Decimal


@pytest.fixture
def health(db, employer, other_employer):
    """The health commission; both hospitals are of its sector."""
    health = OrganisationFactory(department=True, name="卫生健康委员会测试", sector="health")
    for hospital in (employer, other_employer):
        hospital.sector = "health"
        hospital.save()
    return health


@pytest.fixture
def health_staff(health):
    return user_with_role(Role.DEPARTMENT_STAFF, health)


@pytest.fixture
def jinan_bureau(db):
    return OrganisationFactory(city_bureau=True, city="jinan")


@pytest.fixture
def required_course(policy):
    return CourseFactory(title="医疗纠纷预防与处理")


def compliant_hours(person):
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)


def test_a_department_requires_a_course_of_the_employers_of_its_sector(
    health, health_staff, required_course, employer, other_employer
):
    services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    nurse, outsider = professional_of(employer), professional_of(other_employer)
    [line] = selectors.requirement_lines(user=nurse, year=2022)
    assert not line.met and line.set_by == health.name
    assert selectors.requirement_lines(user=outsider, year=2022) == []
    approved_record(nurse, hours="6", course=required_course, source=HourRecord.Source.PLATFORM)
    [line] = selectors.requirement_lines(user=nurse, year=2022)
    assert line.met


def test_a_city_requires_hours_on_a_topic_of_everyone_employed_there(jinan_bureau, policy, employer, other_employer):
    topic = TopicFactory(year=2022)
    services.set_requirement(
        actor=user_with_role(Role.CITY_STAFF, jinan_bureau),
        organisation=jinan_bureau,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=topic,
        min_hours="6",
    )
    person = professional_of(employer)
    approved_record(person, hours="4", course=CourseFactory(topic=topic), source=HourRecord.Source.PLATFORM)
    [line] = selectors.requirement_lines(user=person, year=2022)
    assert not line.met and line.done == D("4.0")
    approved_record(person, hours="2", course=CourseFactory(topic=topic), source=HourRecord.Source.PLATFORM)
    assert selectors.requirement_lines(user=person, year=2022)[0].met
    assert selectors.requirement_lines(user=professional_of(other_employer), year=2022) == []


def test_requirements_bind_compliance_only_when_the_policy_says_so(
    client, health, health_staff, required_course, employer, policy
):
    services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    person = professional_of(employer)
    compliant_hours(person)
    assert selectors.compliance_for(user=person, year=2022).compliant
    policy.mandatory_binding = True
    policy.save()
    compliance = selectors.compliance_for(user=person, year=2022)
    assert not compliance.compliant and not compliance.requirements_met
    assert selectors.roster(organisation_id=employer.pk, year=2022, compliant=True).count() == 0
    client.force_login(person)
    body = client.get(reverse("api-me-hours"), {"year": 2022}).json()
    assert body["compliant"] is False and body["requirements_binding"] is True
    assert body["requirements"] == [
        {"set_by": health.name, "description": "必修课程：医疗纠纷预防与处理", "met": False, "done_hours": None}
    ]
    with pytest.raises(ValidationError):
        services.issue_certificate(user=person, year=2022)


def test_pages_show_requirements_as_separate_lines(client, role_users, health, health_staff, required_course, policy):
    employer = role_users[Role.EMPLOYER_ADMIN].memberships.get().organisation
    services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    for role, url_name, params in (
        (Role.PROFESSIONAL, "credits:my_hours", {}),
        (Role.EMPLOYER_ADMIN, "credits:roster", {}),
        (Role.PROVINCE_STAFF, "credits:province_report", {}),
        (Role.PROVINCE_STAFF, "credits:city_report", {"city": "jinan"}),
    ):
        client.force_login(role_users[role])
        body = client.get(reverse(url_name), {"year": 2022, **params}).content.decode()
        assert "医疗纠纷预防与处理" in body, url_name
        assert "未完成" in body or "适用人数" in body, url_name


def test_binding_requirements_count_in_the_reports(health, health_staff, required_course, employer, policy):
    services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    done, missing = professional_of(employer), professional_of(employer)
    for person in (done, missing):
        compliant_hours(person)
    approved_record(done, hours="6", course=required_course, source=HourRecord.Source.PLATFORM)
    policy.mandatory_binding = True
    policy.save()
    [row] = [r for r in selectors.compliance_by_employer(city="jinan", year=2022) if r.key == str(employer.pk)]
    assert (row.staff, row.compliant) == (2, 1)


def test_only_the_setting_unit_sets_or_removes_its_requirements(
    client, health, health_staff, required_course, employer, role_users
):
    with pytest.raises(PermissionDenied):
        services.set_requirement(
            actor=user_with_role(Role.DEPARTMENT_STAFF),  # another department
            organisation=health,
            year=2022,
            kind=Requirement.Kind.COURSE,
            course_id=required_course.pk,
            employers=[employer],
        )
    with pytest.raises(ValidationError):
        services.set_requirement(  # a department names the employers of its sector
            actor=health_staff,
            organisation=health,
            year=2022,
            kind=Requirement.Kind.COURSE,
            course_id=required_course.pk,
        )
    requirement = services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    client.force_login(user_with_role(Role.DEPARTMENT_STAFF))
    assert client.post(reverse("credits:requirement_remove", args=[requirement.pk])).status_code == 404
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    assert client.post(reverse("credits:requirement_remove", args=[requirement.pk])).status_code == 403
    client.force_login(health_staff)
    confirmed = client.post(reverse("credits:requirement_remove", args=[requirement.pk]), {"confirm": "1"})
    assert confirmed.status_code == 302
    assert not Requirement.objects.exists()


def test_a_city_sets_a_requirement_on_its_page(client, jinan_bureau, policy):
    topic = TopicFactory(year=2022)
    client.force_login(user_with_role(Role.CITY_STAFF, jinan_bureau))
    bad = client.post(reverse("credits:requirements"), {"year": 2022, "kind": "topic_hours", "topic": topic.pk})
    assert bad.status_code == 200 and "min_hours" in bad.context["form"].errors
    response = client.post(
        reverse("credits:requirements"), {"year": 2022, "kind": "topic_hours", "topic": topic.pk, "min_hours": "6"}
    )
    assert response.status_code == 302
    assert Requirement.objects.get().organisation == jinan_bureau


@pytest.mark.parametrize("n", [1, 5])
def test_requirements_page_query_count(client, health, health_staff, employer, policy, n):
    for _ in range(n):
        services.set_requirement(
            actor=health_staff,
            organisation=health,
            year=2022,
            kind=Requirement.Kind.COURSE,
            course_id=CourseFactory().pk,
            employers=[employer],
        )
    client.force_login(health_staff)
    # Expect 9 queries: the session, the user, the user's roles, the setting unit, the paginator's
    # count, the page of requirements joined to unit, course and topic, their employers (one
    # prefetch), and the form's two choice lists (topics, the sector's employers).
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "accounts_organisation",
        "credits_requirement",
        "credits_requirement",
        "accounts_organisation",
        "courses_topic",
        "accounts_organisation",
    ):
        response = client.get(reverse("credits:requirements"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == n


def test_the_api_me_hours_lists_no_requirements_when_none_bind(client, employer, policy):
    client.force_login(professional_of(employer))
    body = json.loads(client.get(reverse("api-me-hours"), {"year": 2022}).content)
    assert body["requirements"] == [] and body["requirements_binding"] is False


def test_the_roster_export_agrees_with_the_page_when_requirements_bind(
    client, role_users, health, health_staff, required_course, employer, policy
):
    services.set_requirement(
        actor=health_staff,
        organisation=health,
        year=2022,
        kind=Requirement.Kind.COURSE,
        course_id=required_course.pk,
        employers=[employer],
    )
    compliant_hours(professional_of(employer))
    policy.mandatory_binding = True
    policy.save()
    client.force_login(role_users[Role.EMPLOYER_ADMIN])
    response = client.get(reverse("credits:roster_export"), {"year": 2022})
    assert "2022%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]  # 2022年度…, a Chinese name
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert f"专门要求：{Requirement.objects.get()}" in header
    by_header = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    person = next(r for r in by_header if r["总学时"] == 90)
    assert person[f"专门要求：{Requirement.objects.get()}"] == "未完成"
    assert person["是否达标"] == "未达标"  # 90 hours, but the binding requirement is not met
