"""The department's requirements (issue 23): the health commission requires a course it finds by
searching the catalogue in the form, binds only its own sector's units, sees the chosen year's
topics only, and deletes a requirement through a confirmation that says what happens."""

from pathlib import Path

import pytest

from accounts.models import Organisation
from courses.models import Course, Topic
from credits.models import Requirement

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "required-course-picker-phone.png"
YEAR = 2026


def test_department_requires_a_course_it_searched_for(demo, journey):
    health = Organisation.objects.get(name="山东省卫生健康委员会")
    courses = list(Course.objects.published().offered_in(YEAR).filter(sector=health).order_by("title")[:2])
    assert len(courses) == 2, "the demo has two of the health commission's courses in 2026"
    other_sectors = ["山东高速集团有限公司", "济南市第一中学", "浪潮集团有限公司"]
    for viewport, course in zip(VIEWPORTS, courses, strict=True):
        department = journey(viewport, "i23-department", "department")
        page = department.go(f"/hours/requirements/?year={YEAR}", expect="新增要求")

        # 本行业单位: the hospitals of the health sector only.
        units = page.inner_text("#id_employers")
        assert "山东省立医院" in units and "德州市人民医院" in units
        assert not any(name in units for name in other_sectors), units
        # The topics are the year's twelve, not every year's.
        page.select_option("select[name=kind]", "topic_hours")
        assert page.locator("#id_course").is_hidden()
        assert page.locator("select[name=topic] option").count() == Topic.objects.filter(year=YEAR).count() + 1
        page.fill("input[name=year]", str(YEAR - 1))
        department.click("button[value=year]", expect="新增要求")
        topics = [t for t in page.locator("select[name=topic] option").all_inner_texts() if t != "请选择"]
        assert sorted(topics) == sorted(str(t) for t in Topic.objects.filter(year=YEAR - 1))
        page.fill("input[name=year]", str(YEAR))

        # The required course: search the catalogue, pick a match, bind a hospital.
        page.select_option("select[name=kind]", "course")
        assert page.locator("select[name=topic]").is_hidden()
        phone = viewport is VIEWPORTS[0]
        # By provider on the phone (several matches to tell apart), by a part of the title on the desktop.
        page.fill("input[name=course_query]", course.provider.name if phone else course.title[:4])
        department.click("button[value=search]", expect=course.title)
        assert page.input_value("input[name=year]") == str(YEAR)
        choice = page.locator(".course-choices li", has_text=course.title).first
        assert course.provider.name in choice.inner_text() and f"编号 {course.pk}" in choice.inner_text()
        choice.locator("input[type=radio]").check()
        page.check("#id_employers li:has-text('山东省立医院') input")
        page.fill("input[name=note]", "卫生健康行业专业技术人员须完成本课程")
        if phone:
            # The phone's screen from the form's heading down: year, kind, the search and its matches.
            page.locator("form.requirement-form h2").evaluate("title => title.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(SCREENSHOT))
        department.click("#main form.requirement-form button[type=submit]:not([name])", expect="专门学习要求已设置")
        requirement = Requirement.objects.get(organisation=health, year=YEAR, course=course)
        assert [e.name for e in requirement.employers.all()] == ["山东省立医院"]

        # Deleting asks first and says what happens; only the confirmation deletes.
        department.click(f"a[href='/hours/requirements/{requirement.pk}/delete/']", expect="删除后不能恢复")
        assert "山东省立医院" in page.inner_text("#main")
        assert Requirement.objects.filter(pk=requirement.pk).exists()
        department.click("button", has_text="确认删除", expect="已删除该要求")
        assert not Requirement.objects.filter(pk=requirement.pk).exists()
