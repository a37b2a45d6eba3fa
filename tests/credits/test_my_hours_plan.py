"""我的学时 answers “have I got my hours, and if not, what do I do?”: gaps, pending, a plan."""

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from courses.models import Category
from credits.models import HourRecord, Requirement
from tests.courses.factories import GuideFactory
from tests.factories import OrganisationFactory
from tests.queries import expect_queries

from .factories import CourseFactory, TopicFactory, approved_record
from .test_plan import pending_record

pytestmark = pytest.mark.django_db


def _get(client, person):
    client.force_login(person)
    response = client.get(reverse("credits:my_hours"), {"year": 2022})
    assert response.status_code == 200
    return response.content.decode()


def test_public_gap_is_shown_per_category_not_as_the_total(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="18", category=Category.PUBLIC)
    approved_record(person, hours="64", category=Category.PROFESSIONAL)
    body = _get(client, person)
    assert "至少还需 <strong>12</strong> 学时" in body
    assert "还差 12 学时" in body and "还差 8" not in body


def test_pending_self_report_is_shown_as_pending(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    pending_record(person, hours="4", category=Category.PUBLIC, source=HourRecord.Source.SELF_REPORTED)
    body = _get(client, person)
    assert "待审核 4 学时" in body and "还差 30 学时" in body
    assert "公需课：还需 26 学时" in body


def test_plan_lists_linked_courses_guide_and_unmet_requirement(client, role_users, policy, employer):
    person = role_users[Role.PROFESSIONAL]
    health = OrganisationFactory(department=True, name="卫健委测试")
    requirement = Requirement.objects.create(
        organisation=health,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=TopicFactory(name="康养测试专题"),
        min_hours=D("6"),
    )
    requirement.employers.add(employer)
    guide = GuideFactory(department=health, status="published", published_at=timezone.now())
    public = CourseFactory(title="新时代公需课", hours=D("30"))
    professional = CourseFactory(
        title="临床新进展", category=Category.PROFESSIONAL, topic=None, sector=health, hours=D("60")
    )
    body = _get(client, person)
    assert "补足学时的学习计划" in body
    assert reverse("courses:course", args=[public.pk]) in body and "新时代公需课" in body
    assert reverse("courses:course", args=[professional.pk]) in body and "临床新进展" in body
    assert reverse("courses:guide", args=[guide.pk]) in body
    assert "康养测试专题 不少于 6" in body


def test_compliant_person_gets_no_plan(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    body = _get(client, person)
    assert "本年度学时已达标" in body and "补足学时的学习计划" not in body


def test_empty_catalogue_says_so(client, role_users, policy):
    body = _get(client, role_users[Role.PROFESSIONAL])
    assert "本年度课程目录中暂无可选的课程" in body
    assert "尚不能确定您所属的行业" in body


@pytest.mark.parametrize("role", [Role.EMPLOYER_ADMIN, Role.CITY_STAFF, Role.BASE_ADMIN])
def test_my_hours_is_for_professionals(client, role_users, policy, role):
    client.force_login(role_users[role])
    assert client.get(reverse("credits:my_hours")).status_code == 403


def test_my_hours_needs_login(client, policy):
    assert client.get(reverse("credits:my_hours")).status_code == 302


@pytest.mark.parametrize("n", [1, 12])
def test_my_hours_with_plan_query_count(client, role_users, policy, employer, n):
    person = role_users[Role.PROFESSIONAL]
    health = OrganisationFactory(department=True)
    Requirement.objects.create(
        organisation=health, year=2022, kind=Requirement.Kind.TOPIC_HOURS, topic=TopicFactory(), min_hours=D("6")
    ).employers.add(employer)
    GuideFactory(department=health, status="published", published_at=timezone.now())
    for i in range(n):
        approved_record(person, hours="1", category=Category.PUBLIC, title=f"课程{i}")
        CourseFactory(hours=D(str(1 + i % 5)))
        CourseFactory(category=Category.PROFESSIONAL, topic=None, sector=health, hours=D(str(2 + i % 3)))
    client.force_login(person)
    # Expect 12 queries: session, user, the user's roles (permission check, and the employer),
    # years with a policy, the policy, the requirements binding the employer, whether the person
    # met them, the year summary, the year's ledger rows, the person's sectors, their guides of
    # the year, the candidate courses. (Nothing is cached inside a test's transaction: see
    # test_read_caching.)
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_hourrecord",
        "credits_yearsummary",
        "credits_hourrecord",
        "accounts_organisation",
        "courses_studyguide",
        "courses_course",
    ):
        assert client.get(reverse("credits:my_hours"), {"year": 2022}).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_my_hours_without_sector_query_count(client, role_users, policy, n):
    person = role_users[Role.PROFESSIONAL]
    for i in range(n):
        approved_record(person, hours="1", category=Category.PUBLIC, title=f"课程{i}")
        CourseFactory(hours=D(str(1 + i % 5)))
    client.force_login(person)
    # Expect 10 queries: session, user, roles (and the employer), years, policy, requirements
    # (none, so no per-person check), summary, ledger rows, sectors (none, so no guides), courses.
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "credits_yearpolicy",
        "credits_yearpolicy",
        "credits_requirement",
        "credits_yearsummary",
        "credits_hourrecord",
        "accounts_organisation",
        "courses_course",
    ):
        assert client.get(reverse("credits:my_hours"), {"year": 2022}).status_code == 200


def test_me_hours_api_carries_the_same_gaps_and_plan(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="18", category=Category.PUBLIC)
    approved_record(person, hours="64", category=Category.PROFESSIONAL)
    pending_record(person, hours="2", category=Category.PUBLIC, source=HourRecord.Source.SELF_REPORTED)
    course = CourseFactory(title="十小时公需课", hours=D("10"))
    client.force_login(person)
    body = client.get(reverse("api-me-hours"), {"year": 2022}).json()
    assert body["gaps"]["missing"] == "12.0" and body["gaps"]["public"]["pending"] == "2.0"
    assert body["gaps"]["public"]["to_plan"] == "10.0"
    assert body["plan"]["public"]["courses"] == [
        {"id": course.pk, "title": "十小时公需课", "hours": "10.0", "provider": course.provider.name}
    ]
    assert body["plan"]["public"]["enough"] is True and body["plan"]["professional"]["target"] == "0.0"


def test_me_hours_api_plan_is_null_when_nothing_is_missing(client, role_users, policy):
    person = role_users[Role.PROFESSIONAL]
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)
    client.force_login(person)
    body = client.get(reverse("api-me-hours"), {"year": 2022}).json()
    assert body["plan"] is None and body["gaps"]["missing"] == "0.0"
