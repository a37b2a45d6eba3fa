"""The change log shows what the database recorded (portal.history, issue 21 item 7; issue 23):
in Chinese, in Beijing time, objects and actors by name, each kind to the staff who oversee it."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from courses.models import Course
from portal.history.context import recorded_as
from selection import services
from selection.models import Campaign
from tests.courses.factories import CourseFactory, TeacherFactory, TopicFactory
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="history triggers need PostgreSQL")
BEIJING_TIME = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2}")


@pytest.fixture
def province():
    return user_with_role(Role.PROVINCE_STAFF)


@pytest.fixture
def association():
    return user_with_role(Role.ASSOCIATION_ADMIN)


def _page(client, user, kind):
    client.force_login(user)
    return client.get(reverse("accounts:setting_changes"), {"kind": kind})


@pytest.mark.postgres
@postgres_only
def test_province_reads_a_providers_api_edit_of_course_hours_by_name(client, province):
    base = OrganisationFactory(provincial_base=True, name="山东测试继续教育基地")
    provider = user_with_role(Role.BASE_ADMIN, base, name="李管理")
    course = CourseFactory(provider=base, status=Course.Status.DRAFT, hours=D("1.0"), title="公需课：知识产权")
    api = APIClient()
    api.force_authenticate(provider)
    assert (
        api.patch(reverse("api-course-detail", args=[course.pk]), {"hours": "60.0"}, format="json").status_code == 200
    )
    response = _page(client, province, "course")
    assert response.status_code == 200
    update = response.context["history_rows"][0]
    # A course by its title and its unit: several courses share a title (issue 23).
    assert update["label"] == "修改" and update["object"] == "公需课：知识产权（山东测试继续教育基地）"
    assert update["actor"] == "李管理"
    assert ("学时", "1", "60") in update["changes"]
    body = response.content.decode()
    assert BEIJING_TIME.search(body) and "course:" not in body


@pytest.mark.postgres
@postgres_only
def test_a_moment_is_shown_in_beijing_time_with_seconds(client, province, association):
    campaign = services.create_campaign(year=2026)
    with recorded_as("command:shell"):
        Campaign.objects.filter(pk=campaign.pk).update(
            voting_end=datetime.datetime(2026, 12, 28, 15, 59, 59, tzinfo=datetime.UTC)
        )
    rows = _page(client, association, "campaign").context["history_rows"]
    (voting_end,) = [change for change in rows[0]["changes"] if change[0] == "网络投票结束"]
    assert voting_end[2] == "2026年12月28日 23:59:59"
    assert rows[0]["actor"] == "管理命令 shell"


@pytest.mark.postgres
@postgres_only
def test_a_removed_requirement_is_named_not_numbered(client, province):
    from credits import services as credits_services
    from credits.models import Requirement

    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    staff = user_with_role(Role.CITY_STAFF, bureau)
    topic = TopicFactory(year=2022, name="医养健康")
    requirement = credits_services.set_requirement(
        actor=staff, organisation=bureau, year=2022, kind=Requirement.Kind.TOPIC_HOURS, topic=topic, min_hours="6"
    )
    credits_services.remove_requirement(actor=staff, requirement=requirement)
    rows = _page(client, province, "requirement").context["history_rows"]
    assert [row["label"] for row in rows] == ["删除", "新建"]
    assert {row["object"] for row in rows} == {str(requirement)}
    assert ("专题", "—", "2022 医养健康") in rows[1]["changes"] and ("最低学时", "—", "6") in rows[1]["changes"]


def test_the_settings_log_names_a_requirement_instead_of_its_number(client, province):
    from credits import services as credits_services
    from credits.models import Requirement

    bureau = OrganisationFactory(city_bureau=True, city="jinan")
    staff = user_with_role(Role.CITY_STAFF, bureau)
    requirement = credits_services.set_requirement(
        actor=staff,
        organisation=bureau,
        year=2022,
        kind=Requirement.Kind.TOPIC_HOURS,
        topic=TopicFactory(year=2022, name="医养健康"),
        min_hours="6",
    )
    client.force_login(province)
    body = client.get(reverse("accounts:setting_changes")).content.decode()
    assert "requirement:" not in body and str(requirement) in body


def test_the_association_reads_the_evaluation_history_but_not_courses_or_policies(client, association):
    assert _page(client, association, "campaign").status_code == 200
    assert _page(client, association, "objection").status_code == 200
    for kind in ("course", "teacher", "year_policy", "requirement", "nonsense"):
        assert _page(client, association, kind).status_code == 404


def test_the_province_reads_every_kind(client, province):
    for kind in ("course", "teacher", "course_teacher", "work_plan", "work_plan_training", "campaign", "criterion"):
        assert _page(client, province, kind).status_code == 200
    for kind in ("objection", "requirement", "year_policy", "conversion_rule"):
        assert _page(client, province, kind).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.BASE_ADMIN, Role.CITY_STAFF, Role.EMPLOYER_ADMIN, Role.PROFESSIONAL, Role.EXPERT]
)
def test_other_roles_see_no_history(client, role):
    assert _page(client, user_with_role(role), "course").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("accounts:setting_changes"), {"kind": "course"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_on_sqlite_the_page_says_history_is_not_recorded(client, province):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    CourseFactory()
    response = _page(client, province, "course")
    assert response.context["history_rows"] == [] and "SQLite" in response.content.decode()


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize("n", [1, 6])
def test_the_history_query_count_is_constant(client, province, n):
    provider = OrganisationFactory(provincial_base=True)
    courses = [CourseFactory(provider=provider, hours=D("1.0")) for _ in range(n)]
    with recorded_as("command:import_courses"):
        Course.objects.filter(pk__in=[c.pk for c in courses]).update(hours=D("2.0"))
    client.force_login(province)
    url = reverse("accounts:setting_changes")
    client.get(url, {"kind": "course"})
    # session; user; roles; count of events; the page of events (each with its next event's id);
    # the live courses; the topics and the units they name
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "portal_courseevent",
        "portal_courseevent",
        "courses_course",
        "courses_topic",
        "accounts_organisation",
    ):
        response = client.get(url, {"kind": "course"})
    assert len(response.context["history_rows"]) == 2 * n


@pytest.mark.postgres
@postgres_only
def test_a_teacher_added_to_a_course_and_removed_is_recorded_by_name(client, province):
    base = OrganisationFactory(provincial_base=True, name="山东医养基地")
    course = CourseFactory(provider=base, title="公需课：医养结合")
    teacher = TeacherFactory(organisation=base, name="王医生")
    with recorded_as("command:shell"):
        course.teachers.add(teacher)
        course.teachers.remove(teacher)
    rows = _page(client, province, "course_teacher").context["history_rows"]
    assert [(row["label"], row["object"]) for row in rows] == [
        ("删除", "公需课：医养结合（山东医养基地） / 王医生"),
        ("新建", "公需课：医养结合（山东医养基地） / 王医生"),
    ]
    assert ("授课教师", "—", "王医生") in rows[1]["changes"]


def test_the_actor_is_named_by_what_the_recorded_context_says():
    from portal.history.selectors import _actor

    user = user_with_role(Role.BASE_ADMIN, name="李管理")
    assert _actor({"user": user.pk, "url": "/x/"}, {user.pk: user}) == "李管理"
    assert _actor({"user": 999999, "url": "/x/"}, {}) == "已删除的用户 #999999"
    assert _actor({"source": "command:seed_demo"}, {}) == "管理命令 seed_demo"
    assert _actor({"source": "task:credits.tasks.x"}, {}) == "后台任务 credits.tasks.x"
    assert _actor({"user": None, "url": "/accounts/login/"}, {}) == "未登录的请求 /accounts/login/"
    assert _actor(None, {}) == "数据库直接修改（未记录操作人）"
