"""Attachment 3's 课程及师资简介 cell introduces the course and its teachers (issue 23): each
teacher's name, title and introduction from the catalogue, and what the unit wrote about them."""

import pytest

from documents import generators, selectors
from documents.data import RecommendationRow, TeacherLine
from selection.models import Recommendation
from tests.courses.factories import TeacherFactory

from .factories import unit_package
from .helpers import open_docx

pytestmark = pytest.mark.django_db


def test_the_cell_names_each_teacher_with_title_and_introduction():
    row = RecommendationRow(
        "课程",
        "本课程讲授黄河流域生态保护。",
        "https://x.example.cn",
        "",
        teacher_intro="授课团队经验丰富。",
        teachers=(TeacherLine("张明", "教授", "长期从事生态学研究。"), TeacherLine("李华")),
    )
    assert generators.course_and_teachers(row) == (
        "本课程讲授黄河流域生态保护。\n主讲教师：张明（教授）：长期从事生态学研究。；李华\n授课团队经验丰富。"
    )


def test_attachment3_read_back_holds_the_teachers_of_each_course(django_assert_num_queries):
    unit, recommendations = unit_package()
    course = recommendations[0].course
    course.teachers.add(
        TeacherFactory(organisation=unit, name="王教授", professional_title="教授", bio="山东大学生态学教授。"),
        TeacherFactory(organisation=unit, name="赵讲师", professional_title="讲师", bio=""),
    )
    Recommendation.objects.filter(pk=recommendations[0].pk).update(teacher_intro="团队长期承担省级培训。")
    # The recommendations (with course and pledge), then every course's teachers at once.
    with django_assert_num_queries(2):
        doc = selectors.recommendation_table_doc(unit, 2022)
    table = open_docx(generators.attachment3(doc)).tables[0]
    cell = table.rows[1].cells[2].text
    assert "主讲教师：王教授（教授）：山东大学生态学教授。；赵讲师（讲师）" in cell
    assert "团队长期承担省级培训。" in cell
    assert cell.startswith(recommendations[0].intro)
    assert "主讲教师" not in table.rows[2].cells[2].text  # the other course has no teachers
