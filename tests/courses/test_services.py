"""The catalogue's rules, checked through the services every page, API call and upload uses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from courses import selectors, services
from courses.models import Category, Course, Mode, Topic, WorkPlan
from tests.factories import OrganisationFactory, user_with_role

from .factories import CourseFactory, GuideFactory, PlatformFactory, SectionFactory, WorkPlanFactory

pytestmark = pytest.mark.django_db


def course_data(**overrides) -> dict:
    data = {
        "title": "知识产权保护与运用",
        "category": Category.PUBLIC,
        "topic": Topic.objects.get(year=2022, name="知识产权"),
        "hours": Decimal("2.0"),
        "mode": Mode.ONLINE,
        "url": "https://course.example.cn/ip",
        "year_from": 2022,
        "year_to": 2022,
        "status": Course.Status.DRAFT,
    }
    data.update(overrides)
    return data


def test_2022_topics_are_exactly_the_notice_lists():
    topics = {(t.group, t.name) for t in Topic.objects.filter(year=2022)}
    assert topics == {
        ("required", "习近平新时代中国特色社会主义思想"),
        ("required", "党的十九大和十九届历次全会精神"),
        ("required", "黄河流域生态保护和高质量发展"),
        ("emphasised", "八大发展战略、十大创新"),
        ("emphasised", "专业技术人员职业道德和能力建设"),
        ("elective", "疫情防控"),
        ("elective", "医养健康"),
        ("elective", "信息化及网络安全"),
        ("elective", "电子商务"),
        ("elective", "知识产权"),
        ("elective", "人才国际化"),
        ("elective", "人文素养"),
    }


@pytest.mark.parametrize("raw", ["0", "-1", "0.0", "abc", "", "1e9", "500", "NaN", "Infinity", "1.55"])
def test_hours_of_zero_negative_non_numeric_or_absurd_are_refused(raw):
    with pytest.raises(ValidationError) as exc:
        services.parse_hours(raw)
    assert exc.value.messages[0]


@pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-2"), Decimal("201")])
def test_saving_a_course_with_bad_hours_changes_nothing(base_admin, base, hours):
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(hours=hours))
    assert "hours" in exc.value.message_dict
    assert not Course.objects.exists()


def test_public_course_without_topic_is_refused(base_admin, base):
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(topic=None))
    assert exc.value.message_dict["topic"] == ["公需课必须选择公需科目专题。"]
    assert not Course.objects.exists()


def test_professional_course_needs_an_industry_department_sector(base_admin, base, department):
    data = course_data(category=Category.PROFESSIONAL, topic=None)
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=data)
    assert "sector" in exc.value.message_dict
    course = services.save_course(actor=base_admin, provider=base, data={**data, "sector": department})
    assert course.sector == department


def test_course_on_another_units_platform_is_refused(base_admin, base):
    foreign = PlatformFactory()
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(platform=foreign))
    assert exc.value.message_dict["platform"] == ["只能选择本单位的学习平台。"]
    assert not Course.objects.exists()


def test_offline_training_needs_a_place_and_dates(base_admin, base):
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(mode=Mode.OFFLINE))
    assert {"place", "start_date"} <= set(exc.value.message_dict)


def test_base_publishing_without_an_approved_plan_is_refused(base_admin, base):
    WorkPlanFactory(base=base, year=2022, status=WorkPlan.Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(status=Course.Status.PUBLISHED))
    assert exc.value.error_dict["status"][0].code == "work_plan_not_approved"
    assert "2022" in exc.value.message_dict["status"][0]
    assert not Course.objects.exists()


def test_base_publishing_needs_an_approved_plan_for_every_offered_year(base_admin, base, approved_2022):
    draft = services.save_course(actor=base_admin, provider=base, data=course_data(year_to=2023))
    with pytest.raises(ValidationError) as exc:
        services.set_course_status(actor=base_admin, course=draft, status=Course.Status.PUBLISHED)
    assert "2023" in exc.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == Course.Status.DRAFT
    WorkPlanFactory(base=base, year=2023)
    published = services.set_course_status(actor=base_admin, course=draft, status=Course.Status.PUBLISHED)
    assert published.status == Course.Status.PUBLISHED


def test_city_bureau_publishes_without_a_work_plan():
    city = OrganisationFactory(city_bureau=True)
    staff = user_with_role(Role.CITY_STAFF, city)
    course = services.save_course(actor=staff, provider=city, data=course_data(status=Course.Status.PUBLISHED))
    assert course.status == Course.Status.PUBLISHED


def test_no_one_edits_another_units_course(base_admin):
    other = CourseFactory()
    with pytest.raises(PermissionDenied):
        services.save_course(actor=base_admin, provider=other.provider, data={"title": "改名"}, course=other)
    other.refresh_from_db()
    assert other.title != "改名"


def test_employer_cannot_provide_courses():
    employer = OrganisationFactory()
    admin = user_with_role(Role.EMPLOYER_ADMIN, employer)
    with pytest.raises(PermissionDenied):
        services.save_course(actor=admin, provider=employer, data=course_data())


def test_teachers_are_created_once_per_unit(base_admin, base):
    course = services.save_course(actor=base_admin, provider=base, data=course_data(), teacher_names=["张三", "李四"])
    again = services.save_course(
        actor=base_admin, provider=base, data=course_data(title="第二门"), teacher_names=["张三"]
    )
    assert sorted(t.name for t in course.teachers.all()) == ["张三", "李四"]
    assert again.teachers.get().pk in {t.pk for t in course.teachers.all()}


# --- work plans ----------------------------------------------------------------------------


def test_managing_unit_approves_a_submitted_plan(base_admin, base, department_staff):
    plan = services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="计划")
    assert plan.status == WorkPlan.Status.SUBMITTED
    decided = services.decide_work_plan(actor=department_staff, plan=plan, approve=True)
    assert decided.status == WorkPlan.Status.APPROVED
    assert decided.decided_by == department_staff
    assert selectors.has_approved_work_plan(base=base, year=2022)


def test_another_units_staff_cannot_decide_the_plan(base_admin, base):
    plan = services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="计划")
    outsider = user_with_role(Role.DEPARTMENT_STAFF)
    with pytest.raises(PermissionDenied):
        services.decide_work_plan(actor=outsider, plan=plan, approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_work_plan(actor=base_admin, plan=plan, approve=True)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_returning_a_plan_needs_a_reason_and_it_can_be_resubmitted(base_admin, base, department_staff):
    plan = services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="计划")
    with pytest.raises(ValidationError):
        services.decide_work_plan(actor=department_staff, plan=plan, approve=False, reason=" ")
    returned = services.decide_work_plan(actor=department_staff, plan=plan, approve=False, reason="内容不完整")
    assert returned.status == WorkPlan.Status.RETURNED
    again = services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="完整计划")
    assert again.pk == plan.pk and again.status == WorkPlan.Status.SUBMITTED and again.reason == ""


def test_an_approved_plan_is_final(base_admin, base, approved_2022):
    with pytest.raises(ValidationError):
        services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="改")
    with pytest.raises(ValidationError):
        services.decide_work_plan(
            actor=user_with_role(Role.DEPARTMENT_STAFF, base.parent), plan=approved_2022, approve=False, reason="x"
        )


def test_empty_plan_is_refused(base_admin, base):
    with pytest.raises(ValidationError):
        services.submit_work_plan(actor=base_admin, base=base, year=2022, title="", content="  ")
    assert not WorkPlan.objects.exists()


# --- guides --------------------------------------------------------------------------------


def test_department_publishes_its_guide_with_three_levels(department, department_staff):
    guide = services.save_guide(
        actor=department_staff, department=department, data={"year": 2022, "hours_requirement": "不少于90学时"}
    )
    assert guide.title == "2022年度专业技术人员继续教育指南"
    with pytest.raises(ValidationError):
        services.publish_guide(actor=department_staff, guide=guide)
    top = services.save_section(actor=department_staff, guide=guide, heading="医疗质量")
    second = services.save_section(actor=department_staff, guide=guide, heading="质量管理", parent=top)
    third = services.save_section(actor=department_staff, guide=guide, heading="指标", parent=second)
    assert (top.level, second.level, third.level) == (1, 2, 3)
    with pytest.raises(ValidationError):
        services.save_section(actor=department_staff, guide=guide, heading="第四级", parent=third)
    published = services.publish_guide(actor=department_staff, guide=guide)
    assert published.is_published and published.published_at
    tree = selectors.section_tree(guide=guide)
    assert tree[0]["children"][0]["children"][0]["section"] == third


def test_one_guide_per_department_and_year(department, department_staff):
    services.save_guide(actor=department_staff, department=department, data={"year": 2022})
    with pytest.raises(ValidationError):
        services.save_guide(actor=department_staff, department=department, data={"year": 2022})


def test_other_department_cannot_edit_the_guide(department):
    guide = GuideFactory(department=department)
    outsider = user_with_role(Role.DEPARTMENT_STAFF)
    with pytest.raises(PermissionDenied):
        services.save_section(actor=outsider, guide=guide, heading="x")


def test_professional_courses_link_to_their_sectors_published_guide(department):
    guide = GuideFactory(department=department, year=2022, status="published", published_at="2022-04-01T00:00Z")
    SectionFactory(guide=guide)
    course = CourseFactory(professional=True, sector=department)
    assert selectors.guides_for_course(course=course) == [guide]
    assert list(selectors.courses_of_guide(guide=guide)) == [course]


# --- topics --------------------------------------------------------------------------------


def test_provincial_staff_copy_a_years_topics_and_edit_them():
    staff = user_with_role(Role.PROVINCE_STAFF)
    assert services.copy_topics_to_year(actor=staff, from_year=2022, to_year=2023) == 12
    assert services.copy_topics_to_year(actor=staff, from_year=2022, to_year=2023) == 0
    topic = Topic.objects.get(year=2023, name="疫情防控")
    services.save_topic(actor=staff, topic=topic, year=2023, group="elective", name="公共卫生安全", order=6)
    assert Topic.objects.filter(year=2023, name="公共卫生安全").exists()
    assert Topic.objects.filter(year=2022, name="疫情防控").exists()


def test_only_provincial_staff_manage_topics():
    with pytest.raises(PermissionDenied):
        services.copy_topics_to_year(actor=user_with_role(Role.CITY_STAFF), from_year=2022, to_year=2023)


def test_a_topic_in_use_cannot_be_deleted():
    staff = user_with_role(Role.PROVINCE_STAFF)
    course = CourseFactory()
    with pytest.raises(ValidationError):
        services.delete_topic(actor=staff, topic=course.topic)


# --- selectors other apps call ---------------------------------------------------------------


def test_course_belongs_to_its_provider_and_its_platforms_owner():
    platform = PlatformFactory()
    course = CourseFactory(platform=platform, provider=platform.owner)
    assert selectors.course_belongs_to(course=course, organisation=platform.owner)
    assert not selectors.course_belongs_to(course=course, organisation=OrganisationFactory(city_bureau=True))
    fresh = Course.objects.get(pk=course.pk)
    assert selectors.course_belongs_to(course=fresh, organisation=platform.owner)


def test_recommendable_courses_are_published_public_online_on_own_platform():
    platform = PlatformFactory()
    owner = platform.owner
    good = CourseFactory(provider=owner, platform=platform)
    CourseFactory(provider=owner, platform=platform, status=Course.Status.DRAFT)
    CourseFactory(provider=owner, platform=None)
    CourseFactory(provider=owner, platform=platform, year_from=2021, year_to=2021)
    assert list(selectors.recommendable_courses(organisation=owner, year=2022)) == [good]
    no_platform = OrganisationFactory(city_bureau=True)
    CourseFactory(provider=no_platform)
    assert not selectors.recommendable_courses(organisation=no_platform, year=2022).exists()


def test_department_publishes_professional_courses_of_its_own_sector_only(department, department_staff):
    data = course_data(
        category=Category.PROFESSIONAL,
        topic=None,
        mode=Mode.OFFLINE,
        place="济南",
        start_date="2022-05-01",
        end_date="2022-05-02",
        url="",
    )
    other_sector = OrganisationFactory(department=True)
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=department_staff, provider=department, data={**data, "sector": other_sector})
    assert exc.value.message_dict["sector"] == ["行业主管部门只能发布本行业的专业课。"]
    course = services.save_course(actor=department_staff, provider=department, data={**data, "sector": department})
    assert course.sector == department


def test_overlong_title_is_refused_not_truncated(base_admin, base):
    with pytest.raises(ValidationError) as exc:
        services.save_course(actor=base_admin, provider=base, data=course_data(title="课" * 201))
    assert "title" in exc.value.message_dict
