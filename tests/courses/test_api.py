"""API v1 catalogue: GET /api/v1/courses/ with the filters of API.md, detail, providers writing their own."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from courses.models import Course, StudyGuide
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, GuideFactory, PlatformFactory, SectionFactory, TeacherFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_course_list_filters_as_in_the_api_contract(api, topic):
    jinan = OrganisationFactory(city_bureau=True, city="jinan", name="济南课程局")
    qingdao = OrganisationFactory(city_bureau=True, city="qingdao", name="青岛课程局")
    CourseFactory(title="公需线上", topic=topic, provider=jinan)
    CourseFactory(
        title="专业线下",
        professional=True,
        mode="offline",
        place="青岛",
        start_date="2022-05-01",
        end_date="2022-05-02",
        provider=qingdao,
    )
    CourseFactory(title="旧课程", year_from=2020, year_to=2021, provider=qingdao)
    CourseFactory(title="草稿", status=Course.Status.DRAFT, provider=jinan)
    url = reverse("api-courses")
    assert titles(api.get(url)) == {"公需线上", "专业线下", "旧课程"}
    assert titles(api.get(url, {"category": "public", "year": 2022})) == {"公需线上"}
    assert titles(api.get(url, {"topic": "知识产权"})) == {"公需线上"}
    assert titles(api.get(url, {"topic": topic.pk})) == {"公需线上"}
    assert titles(api.get(url, {"mode": "offline"})) == {"专业线下"}
    assert titles(api.get(url, {"provider": jinan.pk})) == {"公需线上"}
    assert titles(api.get(url, {"provider": "济南课程"})) == {"公需线上"}
    assert titles(api.get(url, {"city": "jinan"})) == {"公需线上"}
    assert titles(api.get(url, {"city": "qingdao", "year": 2022})) == {"专业线下"}
    assert titles(api.get(url, {"search": "线下"})) == {"专业线下"}


def test_course_list_item_shape(api, topic):
    teacher = TeacherFactory(name="孔老师")
    CourseFactory(topic=topic, hours="1.5", teachers=[teacher], provider=teacher.organisation)
    row = api.get(reverse("api-courses")).json()["results"][0]
    assert row["hours"] == "1.5"
    assert row["topic"]["name"] == "知识产权"
    assert row["teachers"][0]["name"] == "孔老师"
    assert {"id", "title", "category", "mode", "provider", "platform", "year_from", "year_to", "status"} <= set(row)


@pytest.mark.parametrize(("param", "value", "message"), [("year", "abc", "数字"), ("city", "beijing", "有效的选项")])
def test_bad_year_or_city_filter_is_a_clear_400(api, param, value, message):
    response = api.get(reverse("api-courses"), {param: value})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert message in str(body["errors"][param])


@pytest.mark.parametrize("n", [10, 200])
def test_course_list_runs_constant_queries(api, n):
    platform = PlatformFactory()
    department = OrganisationFactory(department=True)
    for i in range(n):
        course = (
            CourseFactory(provider=platform.owner, platform=platform)
            if i % 2
            else CourseFactory(professional=True, sector=department)
        )
        course.teachers.set([TeacherFactory(organisation=course.provider)])
    # count + page (with topic, sector, provider, platform joined) + teachers prefetch
    with expect_queries("courses_course", "courses_course", "courses_teacher"):
        response = api.get(reverse("api-courses"), {"year": 2022, "search": "测试"})
    assert response.json()["count"] == n


def test_draft_detail_is_404_to_others_and_visible_to_its_provider(api, base_admin, base):
    draft = CourseFactory(provider=base, status=Course.Status.DRAFT)
    url = reverse("api-course-detail", args=[draft.pk])
    assert api.get(url).status_code == 404
    api.force_authenticate(base_admin)
    assert api.get(url).json()["status"] == "draft"


def course_payload(default_topic, **overrides):
    payload = {
        "title": "API 新课程",
        "category": "public",
        "topic": default_topic.pk,
        "hours": "2.5",
        "mode": "online",
        "url": "https://c.example.cn/api",
        "year_from": 2022,
        "year_to": 2022,
        "teacher_names": ["张老师"],
    }
    payload.update(overrides)
    return payload


def test_provider_creates_and_updates_its_own_course(api, base_admin, base, approved_2022, topic):
    api.force_authenticate(base_admin)
    response = api.post(reverse("api-courses"), course_payload(topic), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["provider"]["id"] == base.pk and body["hours"] == "2.5" and body["status"] == "draft"
    url = reverse("api-course-detail", args=[body["id"]])
    response = api.patch(url, {"status": "published", "hours": "3.0"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published" and response.json()["hours"] == "3.0"


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "999"])
def test_api_refuses_bad_hours_with_a_chinese_error(api, base_admin, topic, hours):
    api.force_authenticate(base_admin)
    response = api.post(reverse("api-courses"), course_payload(topic, hours=hours), format="json")
    assert response.status_code == 400
    assert "hours" in response.json()["errors"]
    assert not Course.objects.exists()


def test_api_refuses_public_course_without_topic_and_foreign_platform(api, base_admin, topic):
    api.force_authenticate(base_admin)
    response = api.post(reverse("api-courses"), course_payload(topic, topic=None), format="json")
    assert response.status_code == 400 and "topic" in response.json()["errors"]
    foreign = PlatformFactory()
    response = api.post(reverse("api-courses"), course_payload(topic, platform=foreign.pk), format="json")
    assert response.status_code == 400 and "platform" in response.json()["errors"]
    assert not Course.objects.exists()


def test_api_refuses_base_publishing_without_approved_plan(api, base_admin, topic):
    api.force_authenticate(base_admin)
    response = api.post(reverse("api-courses"), course_payload(topic, status="published"), format="json")
    assert response.status_code == 400
    assert "工作计划" in response.json()["detail"]
    assert not Course.objects.exists()


def test_only_providers_write_and_only_their_own(api, role_users, topic):
    url = reverse("api-courses")
    assert api.post(url, course_payload(topic), format="json").status_code == 401
    for role in (Role.PROFESSIONAL, Role.EMPLOYER_ADMIN, Role.PROVINCE_STAFF, Role.EXPERT):
        api.force_authenticate(role_users[role])
        assert api.post(url, course_payload(topic), format="json").status_code == 403
    other = CourseFactory()
    api.force_authenticate(role_users[Role.CITY_STAFF])
    response = api.patch(reverse("api-course-detail", args=[other.pk]), {"title": "x"}, format="json")
    assert response.status_code == 404
    response = api.post(url, course_payload(topic, provider=other.provider.pk), format="json")
    assert response.status_code == 403
    assert Course.objects.count() == 1


def test_platform_and_guide_read_endpoints(api, department):
    platform = PlatformFactory()
    guide = GuideFactory(department=department, status=StudyGuide.Status.PUBLISHED, published_at=timezone.now())
    top = SectionFactory(guide=guide, heading="医疗质量")
    SectionFactory(guide=guide, parent=top, level=2, heading="质量控制")
    GuideFactory()  # a draft: not listed
    platforms = api.get(reverse("api-platforms")).json()["results"]
    assert [p["name"] for p in platforms] == [platform.name]
    guides = api.get(reverse("api-study-guides"), {"year": 2022}).json()["results"]
    assert [g["id"] for g in guides] == [guide.pk]
    detail = api.get(reverse("api-study-guide-detail", args=[guide.pk])).json()
    assert detail["sections"][0]["heading"] == "医疗质量"
    assert detail["sections"][0]["children"][0]["heading"] == "质量控制"
    topics = api.get(reverse("api-topics"), {"year": 2022}).json()
    assert len(topics) == 12


@pytest.mark.parametrize("n", [1, 20])
def test_platform_guide_and_own_course_lists_run_constant_queries(api, n):
    city = OrganisationFactory(city_bureau=True)
    for i in range(n):
        PlatformFactory(owner=city)
        GuideFactory(year=2000 + i, status=StudyGuide.Status.PUBLISHED, published_at=timezone.now())
        CourseFactory(provider=city, status=Course.Status.DRAFT).teachers.set([TeacherFactory(organisation=city)])
    # count + page (with owner)
    with expect_queries("courses_learningplatform", "courses_learningplatform"):
        assert api.get(reverse("api-platforms")).json()["count"] == n
    # count + page (with department)
    with expect_queries("courses_studyguide", "courses_studyguide"):
        assert api.get(reverse("api-study-guides")).json()["count"] == n
    api.force_authenticate(user_with_role(Role.CITY_STAFF, city))
    # roles + count + page + teachers prefetch
    with expect_queries("accounts_membership", "courses_course", "courses_course", "courses_teacher"):
        assert api.get(reverse("api-courses"), {"mine": "true"}).json()["count"] == n


def test_absurd_year_parameters_on_the_read_endpoints_are_not_server_errors(api):
    huge = "9" * 30
    for name in ("api-courses", "api-study-guides", "api-topics"):
        response = api.get(reverse(name), {"year": huge})
        assert response.status_code in (200, 400), (name, response.status_code)
        if response.status_code == 200:
            body = response.json()
            assert (body["results"] if isinstance(body, dict) else body) == [], name
