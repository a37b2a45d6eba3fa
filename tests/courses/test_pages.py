"""Pages: who may open each, that providers reach only their own entries, filters, constant queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from courses.models import Course, StudyGuide, Teacher, WorkPlan
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

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

PROVIDERS = {Role.BASE_ADMIN, Role.CITY_STAFF, Role.DEPARTMENT_STAFF}
ACCESS = {
    "courses:my_courses": PROVIDERS,
    "courses:course_create": PROVIDERS,
    "courses:upload": PROVIDERS,
    "courses:upload_template": PROVIDERS,
    "courses:my_platforms": PROVIDERS,
    "courses:my_teachers": PROVIDERS,
    "courses:teacher_create": PROVIDERS,
    "courses:platform_create": PROVIDERS,
    "courses:my_guides": {Role.DEPARTMENT_STAFF},
    "courses:guide_create": {Role.DEPARTMENT_STAFF},
    "courses:work_plans": {Role.BASE_ADMIN},
    "courses:work_plan_new": {Role.BASE_ADMIN},
    "courses:plan_reviews": {Role.DEPARTMENT_STAFF, Role.PROVINCE_STAFF},
    "courses:topics": {Role.PROVINCE_STAFF},
    "courses:export": {Role.PROVINCE_STAFF, Role.CITY_STAFF},
}


@pytest.mark.parametrize("url_name", sorted(ACCESS))
def test_management_pages_are_open_only_to_their_roles(client, role_users, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    for role, user in role_users.items():
        client.force_login(user)
        expected = 200 if role in ACCESS[url_name] else 403
        assert client.get(url).status_code == expected, (role, url_name)


def test_public_pages_are_open_to_everyone(client, role_users):
    course = CourseFactory(year_from=2020, year_to=2030)
    guide = GuideFactory(status=StudyGuide.Status.PUBLISHED, published_at=timezone.now())
    urls = [
        reverse("courses:catalogue"),
        reverse("courses:course", args=[course.pk]),
        reverse("courses:guides"),
        reverse("courses:guide", args=[guide.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(role_users[Role.PROFESSIONAL])
    for url in urls:
        assert client.get(url).status_code == 200


def test_drafts_are_not_public(client):
    draft = CourseFactory(status=Course.Status.DRAFT)
    guide = GuideFactory()
    assert client.get(reverse("courses:course", args=[draft.pk])).status_code == 404
    assert client.get(reverse("courses:guide", args=[guide.pk])).status_code == 404


def test_provider_edits_own_course_but_gets_404_for_another_units(client, base_admin, base):
    own = CourseFactory(provider=base, status=Course.Status.DRAFT)
    other = CourseFactory()
    client.force_login(base_admin)
    assert client.get(reverse("courses:course_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("courses:course_edit", args=[other.pk])).status_code == 404
    response = client.post(reverse("courses:course_status", args=[other.pk]), {"status": "withdrawn"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Course.Status.PUBLISHED


def test_provider_creates_a_course_through_the_page(client, base_admin, base, approved_2022, topic):
    client.force_login(base_admin)
    data = {
        "title": "知识产权实务",
        "category": "public",
        "topic": topic.pk,
        "hours": "1.5",
        "mode": "online",
        "url": "https://c.example.cn/1",
        "year_from": 2022,
        "year_to": 2022,
        "teacher_names": "王五、赵六",
    }
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 302
    course = Course.objects.get(title="知识产权实务")
    assert course.provider == base and course.status == Course.Status.DRAFT
    assert course.teachers.count() == 2
    client.post(reverse("courses:course_status", args=[course.pk]), {"status": "published"})
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_course_page_shows_a_clear_error_for_bad_hours(client, base_admin, topic):
    client.force_login(base_admin)
    data = {
        "title": "x",
        "category": "public",
        "topic": topic.pk,
        "hours": "0",
        "mode": "online",
        "url": "https://c.example.cn/1",
        "year_from": 2022,
        "year_to": 2022,
    }
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 200
    assert "学时必须大于 0。" in response.content.decode()
    assert not Course.objects.exists()


# The work-plan form's (empty) list of offline trainings.
NO_TRAININGS = {"trainings-TOTAL_FORMS": "0", "trainings-INITIAL_FORMS": "0"}


def test_base_submits_plan_and_managing_unit_returns_it(client, base_admin, base, department_staff):
    client.force_login(base_admin)
    client.post(reverse("courses:work_plan_new"), {"year": 2023, "title": "", "content": "培训计划", **NO_TRAININGS})
    plan = WorkPlan.objects.get(base=base, year=2023)
    assert plan.status == WorkPlan.Status.SUBMITTED
    outsider = user_with_role(Role.DEPARTMENT_STAFF)
    client.force_login(outsider)
    assert client.get(reverse("courses:plan_decide", args=[plan.pk])).status_code == 404
    client.force_login(department_staff)
    response = client.post(reverse("courses:plan_decide", args=[plan.pk]), {"decision": "return", "reason": ""})
    assert "退回时必须填写理由。" in response.content.decode()
    client.post(reverse("courses:plan_decide", args=[plan.pk]), {"decision": "return", "reason": "请补充"})
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.RETURNED and plan.reason == "请补充"


def test_department_gets_404_for_another_departments_guide(client, department_staff, department):
    own = GuideFactory(department=department)
    other = GuideFactory()
    client.force_login(department_staff)
    assert client.get(reverse("courses:guide_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("courses:guide_edit", args=[other.pk])).status_code == 404
    section = SectionFactory(guide=other)
    assert client.post(reverse("courses:section_delete", args=[section.pk])).status_code == 404


def test_department_builds_and_publishes_a_guide_through_the_pages(client, department_staff, department):
    client.force_login(department_staff)
    client.post(reverse("courses:guide_create"), {"year": 2022, "title": "", "hours_requirement": "90学时"})
    guide = StudyGuide.objects.get(department=department, year=2022)
    client.post(reverse("courses:section_add", args=[guide.pk]), {"section-heading": "医疗质量", "section-order": 1})
    top = guide.sections.get()
    client.post(
        reverse("courses:section_add", args=[guide.pk]),
        {"section-heading": "质量控制", "section-order": 1, "section-parent": top.pk},
    )
    assert guide.sections.get(parent=top).level == 2
    client.post(reverse("courses:guide_publish", args=[guide.pk]), {"action": "publish"})
    guide.refresh_from_db()
    assert guide.is_published
    page = client.get(reverse("courses:guide", args=[guide.pk])).content.decode()
    assert "质量控制" in page and "二、学时要求" in page


def test_provincial_staff_copy_topics_through_the_page(client):
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    response = client.post(reverse("courses:topics_copy"), {"copy-from_year": 2022, "copy-to_year": 2024})
    assert response.status_code == 302
    assert client.get(reverse("courses:topics") + "?year=2024").content.decode().count("知识产权") == 1


# --- catalogue filters and query counts --------------------------------------------------------


def _catalogue(client, **params):
    params.setdefault("year", 2022)
    response = client.get(reverse("courses:catalogue"), params)
    assert response.status_code == 200
    return [c.title for c in response.context["page"]]


def test_catalogue_filters_by_category_topic_sector_mode_provider_city_year_and_text(client, topic):
    jinan = OrganisationFactory(city_bureau=True, city="jinan", name="济南测试局")
    qingdao = OrganisationFactory(city_bureau=True, city="qingdao", name="青岛测试局")
    department = OrganisationFactory(department=True)
    CourseFactory(title="甲 知识产权", topic=topic, provider=jinan)
    CourseFactory(title="乙 专业", professional=True, sector=department, provider=jinan)
    CourseFactory(
        title="丙 线下", provider=qingdao, mode="offline", place="青岛", start_date="2022-05-01", end_date="2022-05-02"
    )
    CourseFactory(title="丁 2021", provider=qingdao, year_from=2021, year_to=2021)
    CourseFactory(title="戊 草稿", provider=qingdao, status=Course.Status.DRAFT)
    teacher = TeacherFactory(name="孔教授", organisation=qingdao)
    CourseFactory(title="己 教师", provider=qingdao, teachers=[teacher])

    assert set(_catalogue(client)) == {"甲 知识产权", "乙 专业", "丙 线下", "己 教师"}
    assert _catalogue(client, category="professional") == ["乙 专业"]
    assert _catalogue(client, topic="知识产权") == ["甲 知识产权"]
    assert _catalogue(client, sector=department.pk) == ["乙 专业"]
    assert _catalogue(client, mode="offline") == ["丙 线下"]
    assert set(_catalogue(client, provider=jinan.pk)) == {"甲 知识产权", "乙 专业"}
    assert set(_catalogue(client, city="jinan")) == {"甲 知识产权", "乙 专业"}
    assert _catalogue(client, year=2021) == ["丁 2021"]
    assert _catalogue(client, search="孔教授") == ["己 教师"]
    assert _catalogue(client, search="线下") == ["丙 线下"]


def test_catalogue_city_filter_is_the_providers_city_whatever_its_kind(client):
    """City bureau, CE base and department located in Jinan all count as Jinan; a bad city is a clear
    Chinese error and lists nothing (not the whole catalogue)."""
    jinan_bureau = OrganisationFactory(city_bureau=True, city="jinan")
    jinan_base = OrganisationFactory(provincial_base=True, city="jinan")
    jinan_department = OrganisationFactory(department=True, city="jinan")
    CourseFactory(title="济南局课程", provider=jinan_bureau)
    CourseFactory(title="济南基地课程", provider=jinan_base)
    CourseFactory(title="济南部门课程", professional=True, sector=jinan_department, provider=jinan_department)
    CourseFactory(title="青岛局课程", provider=OrganisationFactory(city_bureau=True, city="qingdao"))
    CourseFactory(title="无所在市基地课程", provider=OrganisationFactory(national_base=True, city=""))
    assert set(_catalogue(client, city="jinan")) == {"济南局课程", "济南基地课程", "济南部门课程"}
    assert _catalogue(client, city="qingdao") == ["青岛局课程"]
    assert _catalogue(client, city="heze") == []
    assert len(_catalogue(client)) == 5
    response = client.get(reverse("courses:catalogue"), {"year": 2022, "city": "beijing"})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "选择一个有效的选项" in response.content.decode()
    page = client.get(reverse("courses:catalogue"), {"year": 2022, "city": "jinan"}).content.decode()
    assert '<option value="jinan" selected>' in page


def test_catalogue_provider_choices_are_units_with_published_courses(client):
    shown = OrganisationFactory(city_bureau=True, name="有已发布课程的局")
    hidden = OrganisationFactory(city_bureau=True, name="只有草稿的局")
    CourseFactory(provider=shown)
    CourseFactory(provider=hidden, status=Course.Status.DRAFT)
    choices = client.get(reverse("courses:catalogue")).context["filter"].form.fields["provider"].queryset
    assert shown in choices and hidden not in choices


def test_catalogue_defaults_to_the_current_year(client):
    this_year = timezone.localdate().year
    CourseFactory(title="今年", year_from=this_year, year_to=this_year)
    CourseFactory(title="往年", year_from=2021, year_to=2021)
    response = client.get(reverse("courses:catalogue"))
    assert [c.title for c in response.context["page"]] == ["今年"]


def _many_courses(n: int):
    department = OrganisationFactory(department=True)
    platform = PlatformFactory()
    for i in range(n):
        if i % 2:
            course = CourseFactory(provider=platform.owner, platform=platform, year_from=2022, year_to=2022)
        else:
            course = CourseFactory(professional=True, sector=department, year_from=2022, year_to=2022)
        course.teachers.set([TeacherFactory(organisation=course.provider)])


@pytest.mark.parametrize("n", [10, 200])
def test_catalogue_page_runs_constant_queries(client, n):
    _many_courses(n)
    # count + page + teachers prefetch + filter choices (topics, sectors, providers); the session-less
    # anonymous request needs nothing else. (Inside the test's transaction nothing is cached: the
    # cached reads are in test_catalogue_cache.)
    with expect_queries(
        "courses_course",
        "courses_course",
        "courses_teacher",
        "courses_topic",
        "accounts_organisation",
        "accounts_organisation",
    ):
        response = client.get(reverse("courses:catalogue"), {"year": 2022, "search": "测试"})
    assert len(response.context["page"]) == min(n, 25)


@pytest.mark.parametrize("n", [1, 60])
def test_my_courses_page_runs_constant_queries(client, n):
    city = OrganisationFactory(city_bureau=True)
    staff = user_with_role(Role.CITY_STAFF, city)
    for _ in range(n):
        CourseFactory(provider=city).teachers.set([TeacherFactory(organisation=city)])
    client.force_login(staff)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "courses_course", "courses_course", "courses_teacher"
    ):
        response = client.get(reverse("courses:my_courses"))
    assert len(response.context["page"]) == min(n, 25)


@pytest.mark.parametrize("n", [1, 30])
def test_guide_and_plan_lists_run_constant_queries(client, n, department, department_staff):
    for i in range(n):
        GuideFactory(year=2000 + i, status=StudyGuide.Status.PUBLISHED, published_at=timezone.now())
        base = OrganisationFactory(provincial_base=True, parent=department)
        WorkPlanFactory(base=base, status=WorkPlan.Status.SUBMITTED)
    with expect_queries("courses_studyguide", "courses_studyguide"):
        response = client.get(reverse("courses:guides"))
    assert len(response.context["page"]) == min(n, 25)
    client.force_login(department_staff)
    with expect_queries(
        "django_session", "accounts_user", "accounts_membership", "courses_workplan", "courses_workplan"
    ):
        response = client.get(reverse("courses:plan_reviews"))
    assert len(response.context["page"]) == min(n, 25)


def test_navigation_start_pages(client, role_users):
    client.force_login(role_users[Role.DEPARTMENT_STAFF])
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("courses:my_guides")
    client.force_login(role_users[Role.BASE_ADMIN])
    assert client.get(reverse("portal:dashboard"))["Location"] == reverse("courses:my_courses")


def _docx_bytes() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("2023年度继续教育工作计划")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_work_plan_file_is_checked_by_content_and_served_only_to_base_and_managing_unit(
    client, base_admin, base, department_staff, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path

    client.force_login(base_admin)
    fake = SimpleUploadedFile("plan.docx", b"not a word file")
    data = {"year": 2023, "content": "", "file": fake, **NO_TRAININGS}
    response = client.post(reverse("courses:work_plan_new"), data)
    assert "有效的" in response.content.decode()
    assert not WorkPlan.objects.exists()
    real = SimpleUploadedFile("plan.docx", _docx_bytes())
    client.post(reverse("courses:work_plan_new"), {"year": 2023, "content": "", "file": real, **NO_TRAININGS})
    plan = WorkPlan.objects.get()
    assert plan.file.name.startswith("work_plans/") and not plan.file.name.endswith("plan.docx")
    url = reverse("courses:work_plan_file", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    client.force_login(department_staff)
    assert client.get(url).status_code == 200
    client.force_login(user_with_role(Role.BASE_ADMIN))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("n", [1, 30])
def test_provider_list_pages_run_constant_queries(client, n):
    """Platforms, teachers (with linked accounts), guides, work plans and topics: same bound at 1 and N rows."""
    base = OrganisationFactory(provincial_base=True, parent=OrganisationFactory(department=True))
    department = OrganisationFactory(department=True)
    for i in range(n):
        PlatformFactory(owner=base)
        TeacherFactory(organisation=base, user=user_with_role(Role.PROFESSIONAL))
        GuideFactory(department=department, year=2000 + i)
        WorkPlanFactory(base=base, year=2000 + i)
        TopicFactory(year=2030, name=f"专题{i}")
    signed_in = ("django_session", "accounts_user", "accounts_membership")
    pages = [
        (
            user_with_role(Role.BASE_ADMIN, base),
            "courses:my_platforms",
            {},
            [*signed_in, "courses_learningplatform", "courses_learningplatform"],  # count, page
        ),
        (
            user_with_role(Role.BASE_ADMIN, base),
            "courses:my_teachers",
            {},
            [*signed_in, "courses_teacher", "courses_teacher"],  # count, page with linked accounts
        ),
        (
            user_with_role(Role.DEPARTMENT_STAFF, department),
            "courses:my_guides",
            {},
            [*signed_in, "courses_studyguide", "courses_studyguide"],  # count, page
        ),
        (
            user_with_role(Role.BASE_ADMIN, base),
            "courses:work_plans",
            {},
            # the base, count, its managing unit (above the list), page, the page's trainings
            [
                *signed_in,
                "accounts_organisation",
                "courses_workplan",
                "accounts_organisation",
                "courses_workplan",
                "courses_workplantraining",
            ],
        ),
        (
            user_with_role(Role.PROVINCE_STAFF),
            "courses:topics",
            {"year": 2030},
            [*signed_in, "courses_topic", "courses_topic", "courses_topic"],  # years, count, the year's topics
        ),
    ]
    for user, url_name, params, queries in pages:
        client.force_login(user)
        client.get(reverse(url_name), params)  # warm per-process caches (roles, navigation)
        with expect_queries(*queries):
            response = client.get(reverse(url_name), params)
        assert response.status_code == 200, url_name
        if url_name == "courses:topics":
            assert len(response.context["topics"]) == n
        else:
            assert len(response.context["page"]) == min(n, 25), url_name


def test_base_without_an_approved_plan_cannot_publish_through_the_page(client, base_admin, base):
    WorkPlanFactory(base=base, year=2022, status=WorkPlan.Status.RETURNED, reason="请补充")
    course = CourseFactory(provider=base, status=Course.Status.DRAFT)
    client.force_login(base_admin)
    response = client.post(reverse("courses:course_status", args=[course.pk]), {"status": "published"}, follow=True)
    assert "2022 年度工作计划尚未经管理单位同意" in response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_course_page_refuses_another_units_platform(client, base_admin, topic):
    foreign = PlatformFactory()
    client.force_login(base_admin)
    data = {
        "title": "放到他单位平台",
        "category": "public",
        "topic": topic.pk,
        "hours": "1.0",
        "mode": "online",
        "platform": foreign.pk,
        "year_from": 2022,
        "year_to": 2022,
    }
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["platform"]
    assert not Course.objects.exists()


def test_course_page_refuses_an_overlong_teacher_name(client, base_admin, topic):
    client.force_login(base_admin)
    data = {
        "title": "教师名过长",
        "category": "public",
        "topic": topic.pk,
        "hours": "1.0",
        "mode": "online",
        "url": "https://c.example.cn/1",
        "year_from": 2022,
        "year_to": 2022,
        "teacher_names": "张" * 65,
    }
    response = client.post(reverse("courses:course_create"), data)
    assert response.status_code == 200
    assert "授课教师姓名不能超过64个字" in str(response.context["form"].errors["teacher_names"])
    assert not Course.objects.exists() and not Teacher.objects.exists()


def test_absurd_year_parameters_list_nothing_instead_of_failing(client):
    huge = "9" * 30
    assert list(client.get(reverse("courses:guides"), {"year": huge}).context["page"]) == []
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    response = client.get(reverse("courses:topics"), {"year": huge})
    assert response.status_code == 200 and list(response.context["topics"]) == []
    assert list(client.get(reverse("courses:catalogue"), {"year": huge}).context["page"]) == []
