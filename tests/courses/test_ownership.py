"""Providers manage only their own entries: per provider role (CE base admin, city staff, department
staff), their own course, platform and teacher open and save; another unit's are 404 and unchanged;
other roles get 403 and anonymous users the login page, on every page that takes an object id."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from courses.models import Course, LearningPlatform, StudyGuide, Teacher, WorkPlan
from tests.factories import ROLE_KIND_TRAIT, OrganisationFactory, user_with_role

from .factories import (
    CourseFactory,
    GuideFactory,
    PlatformFactory,
    SectionFactory,
    TeacherFactory,
    TopicFactory,
    WorkPlanFactory,
)

pytestmark = pytest.mark.django_db

PROVIDER_ROLES = [Role.BASE_ADMIN, Role.CITY_STAFF, Role.DEPARTMENT_STAFF]


@pytest.fixture(params=PROVIDER_ROLES)
def provider(request):
    """(user, own unit) for one provider role; the unit is a CE base with an approved 2022 plan,
    a city bureau or an industry department."""
    unit = OrganisationFactory(**ROLE_KIND_TRAIT[request.param])
    if request.param == Role.BASE_ADMIN:
        WorkPlanFactory(base=unit, year=2022)
    return user_with_role(request.param, unit), unit


@pytest.fixture
def foreign():
    """Another city bureau's published course, platform and teacher."""
    platform = PlatformFactory()
    teacher = TeacherFactory(organisation=platform.owner)
    course = CourseFactory(provider=platform.owner, platform=platform, title="他单位课程", teachers=[teacher])
    return course, platform, teacher


def test_provider_opens_and_saves_its_own_course_platform_and_teacher(client, provider):
    user, unit = provider
    course = CourseFactory(provider=unit, status=Course.Status.DRAFT)
    platform = PlatformFactory(owner=unit)
    teacher = TeacherFactory(organisation=unit)
    client.force_login(user)
    for url in (
        reverse("courses:course_edit", args=[course.pk]),
        reverse("courses:platform_edit", args=[platform.pk]),
        reverse("courses:teacher_edit", args=[teacher.pk]),
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("courses:platform_edit", args=[platform.pk]),
        {"name": "新平台名", "url": platform.url, "audience": "全省", "department": "信息中心", "is_active": "1"},
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert platform.name == "新平台名"
    response = client.post(reverse("courses:course_status", args=[course.pk]), {"status": "published"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert [c.pk for c in client.get(reverse("courses:my_courses")).context["page"]] == [course.pk]


def test_provider_gets_404_for_another_units_course_platform_and_teacher(client, provider, foreign):
    user, _unit = provider
    course, platform, teacher = foreign
    client.force_login(user)
    for url in (
        reverse("courses:course_edit", args=[course.pk]),
        reverse("courses:platform_edit", args=[platform.pk]),
        reverse("courses:teacher_edit", args=[teacher.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("courses:course_status", args=[course.pk]), {"status": "withdrawn"}).status_code == 404
    response = client.post(
        reverse("courses:course_edit", args=[course.pk]),
        {"title": "改名", "category": "public", "topic": course.topic_id, "hours": "1.0", "mode": "online"},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("courses:platform_edit", args=[platform.pk]),
        {"name": "改名", "url": platform.url, "audience": "x", "department": "x"},
    )
    assert response.status_code == 404
    assert client.post(reverse("courses:teacher_edit", args=[teacher.pk]), {"name": "改名"}).status_code == 404
    assert client.post(reverse("courses:teacher_edit", args=[teacher.pk]), {"unlink": "1"}).status_code == 404
    course.refresh_from_db()
    platform.refresh_from_db()
    teacher.refresh_from_db()
    assert (course.title, course.status) == ("他单位课程", Course.Status.PUBLISHED)
    assert platform.name != "改名" and teacher.name != "改名"
    assert course.pk not in [c.pk for c in client.get(reverse("courses:my_courses")).context["page"]]
    assert platform.pk not in [p.pk for p in client.get(reverse("courses:my_platforms")).context["page"]]
    assert teacher.pk not in [t.pk for t in client.get(reverse("courses:my_teachers")).context["page"]]


def test_provider_cannot_create_entries_for_another_unit_by_naming_it(client, provider, foreign):
    """`?org=` only switches between the user's own units: another unit's id falls back to their own."""
    user, unit = provider
    other = foreign[0].provider
    topic = TopicFactory(year=2022, name="知识产权")
    client.force_login(user)
    client.post(
        reverse("courses:course_create"),
        {
            "org": other.pk,
            "title": "指定他单位",
            "category": "public",
            "topic": topic.pk,
            "hours": "1.0",
            "mode": "online",
            "url": "https://c.example.cn/x",
            "year_from": 2022,
            "year_to": 2022,
        },
    )
    client.post(
        reverse("courses:platform_create"),
        {"org": other.pk, "name": "指定他单位平台", "url": "https://p.example.cn", "audience": "x", "department": "x"},
    )
    client.post(reverse("courses:teacher_create"), {"org": other.pk, "name": "指定他单位教师"})
    assert Course.objects.get(title="指定他单位").provider == unit
    assert LearningPlatform.objects.get(name="指定他单位平台").owner == unit
    assert Teacher.objects.get(name="指定他单位教师").organisation == unit
    assert not Course.objects.filter(provider=other).exclude(pk=foreign[0].pk).exists()


def test_provider_updates_only_its_own_courses_over_the_api(provider, foreign):
    user, unit = provider
    own = CourseFactory(provider=unit, status=Course.Status.DRAFT)
    other = foreign[0]
    api = APIClient()
    api.force_authenticate(user)
    response = api.patch(reverse("api-course-detail", args=[own.pk]), {"title": "本单位改名"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "本单位改名"
    response = api.patch(reverse("api-course-detail", args=[other.pk]), {"title": "改名"}, format="json")
    assert response.status_code == 404
    response = api.patch(reverse("api-course-detail", args=[own.pk]), {"provider": other.provider_id}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.provider == unit and other.title == "他单位课程"
    mine = api.get(reverse("api-courses"), {"mine": "true"}).json()["results"]
    assert [row["id"] for row in mine] == [own.pk]


# --- every page that takes an object id: anonymous -> login, other roles -> 403, right role but not theirs -> 404


def _objects():
    course = CourseFactory()
    guide = GuideFactory()
    department = OrganisationFactory(department=True)
    plan = WorkPlanFactory(
        base=OrganisationFactory(provincial_base=True, parent=department), status=WorkPlan.Status.SUBMITTED
    )
    return {
        "courses:course_edit": (course.pk, PROVIDER_ROLES),
        "courses:platform_edit": (PlatformFactory().pk, PROVIDER_ROLES),
        "courses:teacher_edit": (TeacherFactory().pk, PROVIDER_ROLES),
        "courses:guide_edit": (guide.pk, [Role.DEPARTMENT_STAFF]),
        "courses:section_add": (guide.pk, [Role.DEPARTMENT_STAFF]),
        "courses:section_edit": (SectionFactory(guide=guide).pk, [Role.DEPARTMENT_STAFF]),
        "courses:plan_decide": (plan.pk, [Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF]),
    }


def test_object_pages_are_scoped_per_role(client, role_users):
    for url_name, (pk, roles) in _objects().items():
        url = reverse(url_name, args=[pk])
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url_name
        for role, user in role_users.items():
            client.force_login(user)
            expected = 404 if role in roles else 403
            assert client.get(url).status_code == expected, (url_name, role)


def test_topic_edit_is_for_provincial_staff_only(client, role_users):
    topic = TopicFactory(year=2022, name="知识产权")
    url = reverse("courses:topic_edit", args=[topic.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for role, user in role_users.items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if role == Role.PROVINCE_STAFF else 403), role


def test_only_the_department_publishes_its_guide(client, role_users):
    guide = GuideFactory()
    SectionFactory(guide=guide)
    url = reverse("courses:guide_publish", args=[guide.pk])
    for role, user in role_users.items():
        client.force_login(user)
        assert client.post(url, {"action": "publish"}).status_code == (404 if role == Role.DEPARTMENT_STAFF else 403)
    guide.refresh_from_db()
    assert guide.status == StudyGuide.Status.DRAFT
