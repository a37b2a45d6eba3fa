"""Department and base (issue 14, Done when): the department writes and publishes a year's study
guide that the public then reads; the base adds a course by hand and imports another from the
Excel template, and publishes the imported drafts in one go."""

import io

import pytest
from openpyxl import Workbook

from courses import excel
from courses.models import Course, StudyGuide

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)


def course_file(path, title: str):
    """One filled row in the template's columns, as a base would fill it."""
    values = {
        "title": title,
        "category": "公需课",
        "topic": "知识产权",
        "sector": "",
        "hours": "3",
        "mode": "线上",
        "platform": "",
        "url": "https://study.example.cn/ip-2026",
        "year_from": 2026,
        "year_to": 2026,
        "teachers": "张三、李四",
        "is_original": "是",
        "copyright_holder": "本单位",
        "description": "",
        "place": "",
        "start_date": "",
        "end_date": "",
    }
    workbook = Workbook()
    workbook.active.append(excel.HEADERS)
    workbook.active.append([values[field] for field, _header in excel.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def department_publishes_a_study_guide(journey):
    for viewport, year in zip(VIEWPORTS, [2027, 2028], strict=True):
        department = journey(viewport, "department", "department")
        page = department.go("/courses/manage/guides/", expect="学习指南管理")
        department.click("a", has_text="新建年度学习指南", expect="新建年度学习指南")
        page.fill("input[name=year]", str(year))
        page.fill("textarea[name=hours_requirement]", "专业科目学习每年累计不少于60学时。")
        page.fill("textarea[name=learning_forms]", "网络学习、面授培训。")
        department.click("#main form.card button[type=submit]", expect="学习指南已创建")
        department.click("a", has_text="添加标题/条目")
        page.fill("input[name=section-heading]", "卫生健康法律法规")
        page.fill("textarea[name=section-body]", "《中华人民共和国基本医疗卫生与健康促进法》。")
        department.click("#main form button[type=submit]", expect="卫生健康法律法规")
        department.click("button[value=publish]", expect="学习指南已发布。")
        guide = StudyGuide.objects.get(department__name="山东省卫生健康委员会", year=year)
        assert guide.is_published

        public = journey(viewport, "guide-reader")
        public.go("/courses/guides/", expect=guide.title)
        public.click("a", has_text=guide.title, expect="卫生健康法律法规")


def base_adds_imports_and_publishes_courses(journey, tmp_path):
    for viewport in VIEWPORTS:
        width = viewport["width"]
        base = journey(viewport, "base", "base")
        page = base.go("/courses/mine/", expect="新建课程")

        base.click("a", has_text="新建课程", expect="新建课程")
        title = f"专业技术人员数字素养提升（{width}）"
        page.fill("input[name=title]", title)
        page.select_option("select[name=category]", label="公需课")
        page.select_option("select[name=topic]", label="2026 · 信息化及网络安全")
        page.fill("input[name=hours]", "2")
        page.select_option("select[name=mode]", "online")
        page.fill("input[name=url]", "https://study.example.cn/digital")
        page.fill("input[name=year_from]", "2026")
        page.fill("input[name=year_to]", "2026")
        base.click("#main form button[type=submit]", expect=title)
        assert Course.objects.filter(title=title).exists()

        base.go("/courses/mine/")
        base.click("a", has_text="Excel 批量导入", expect="Excel 批量导入课程")
        template = base.download("a", has_text="下载导入模板")
        assert template.suggested_filename == "课程导入模板.xlsx"
        imported = f"知识产权保护与运用实务（{width}）"
        page.set_input_files("input[type=file]", str(course_file(tmp_path / f"课程{width}.xlsx", imported)))
        base.click("#main form button[type=submit]", expect="导入")
        course = Course.objects.get(title=imported)
        assert course.status == Course.Status.DRAFT

        base.go("/courses/mine/", expect=imported)
        page.check(f"input[name=course][value='{course.pk}']")
        base.click("button", has_text="发布所选草稿", expect="发布")
        course.refresh_from_db()
        assert course.status == Course.Status.PUBLISHED

        public = journey(viewport, "catalogue-after-publish")
        public.go(f"/courses/?search={imported}", expect=imported)


def test_department_and_base_journeys(demo, journey, tmp_path):
    # One seeded demo for both journeys: they touch different things (a guide, courses).
    department_publishes_a_study_guide(journey)
    base_adds_imports_and_publishes_courses(journey, tmp_path)
