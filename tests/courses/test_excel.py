"""Course lists as Excel: template, all-or-nothing upload with per-row errors, refusals, export."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from courses import excel, export
from courses.models import Course, Mode
from portal.spreadsheets import formula_in
from tests.factories import user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, PlatformFactory, TeacherFactory, TopicFactory

pytestmark = pytest.mark.django_db


def xlsx(rows, header=None, write_only=False) -> SimpleUploadedFile:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet() if write_only else wb.active
    ws.append(excel.HEADERS if header is None else header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("courses.xlsx", buffer.getvalue())


def row(**values):
    base = {
        "title": "知识产权保护与运用",
        "category": "公需课",
        "topic": "知识产权",
        "sector": "",
        "hours": "2.0",
        "mode": "线上",
        "platform": "",
        "url": "https://c.example.cn/1",
        "year_from": 2022,
        "year_to": 2022,
        "teachers": "张三、李四",
        "is_original": "是",
        "copyright_holder": "本单位",
        "description": "",
        "place": "",
        "start_date": "",
        "end_date": "",
    }
    base.update(values)
    return [base[field] for field, _header in excel.COLUMNS]


def test_template_has_the_chinese_headers(client, base_admin):
    client.force_login(base_admin)
    response = client.get(reverse("courses:upload_template"))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == excel.HEADERS
    assert "课程名称" in excel.HEADERS and "学时" in excel.HEADERS


def test_valid_upload_creates_draft_courses_with_teachers(base_admin, base, department):
    platform = PlatformFactory(owner=base)
    file = xlsx(
        [
            row(platform=platform.name),
            row(
                title="医疗质量管理",
                category="专业课",
                topic="",
                sector=department.name,
                mode="线下",
                place="济南",
                start_date="2022-05-01",
                end_date="2022-05-03",
                hours=12,
            ),
        ]
    )
    result = excel.import_courses(actor=base_admin, provider=base, file=file)
    assert result.ok and result.created == 2
    assert set(Course.objects.values_list("status", flat=True)) == {Course.Status.DRAFT}
    assert Course.objects.get(title="知识产权保护与运用").teachers.count() == 2
    assert Course.objects.get(title="医疗质量管理").sector == department


def test_every_bad_row_is_reported_by_number_and_nothing_is_stored(base_admin, base):
    foreign = PlatformFactory()
    file = xlsx(
        [
            row(),
            row(hours="0"),
            row(hours="abc"),
            row(topic=""),
            row(platform=foreign.name),
            row(hours="-1"),
            row(hours="100000"),
            row(category="其他"),
        ]
    )
    result = excel.import_courses(actor=base_admin, provider=base, file=file)
    assert not result.ok
    rows = {e.row: e.reason for e in result.errors}
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9]
    assert rows[3] == "学时必须大于 0。"
    assert "数字" in rows[4]
    assert "公需课必须选择公需科目专题" in rows[5]
    assert "不属于本单位" in rows[6]
    assert not Course.objects.exists()


def test_a_file_that_is_not_a_real_xlsx_is_refused(base_admin, base):
    fake = SimpleUploadedFile("courses.xlsx", "课程名称,学时\n测试,2\n".encode())
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=fake)
    assert "有效的" in str(exc.value)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    docx = SimpleUploadedFile("courses.xlsx", buffer.getvalue())
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=docx)
    assert "Excel" in str(exc.value)
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("empty.xlsx", b""), "文件为空"),
        (lambda: xlsx([], header=[]), "空"),
        (lambda: xlsx([]), "没有课程数据"),
        (lambda: xlsx([row()], header=["名称", "学时"]), "表头不正确"),
    ],
)
def test_empty_files_and_wrong_headers_are_refused(base_admin, base, file, message):
    file = file() if callable(file) else file
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=file)
    assert message in str(exc.value)
    assert not Course.objects.exists()


def test_more_rows_than_the_cap_are_refused(base_admin, base, monkeypatch):
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 5)
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=xlsx([row(title=f"课{i}") for i in range(6)]))
    assert "行数过多" in str(exc.value)
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("header", "write_only", "message"),
    [
        # openpyxl's normal mode declares the sheet's dimension: refused before reading a row.
        (excel.HEADERS, False, "行数过多"),
        # write-only mode declares none: refused once the cap is passed while reading.
        (excel.HEADERS, True, "行数过多"),
        (["junk", "x"], True, "表头不正确"),
    ],
)
def test_100000_rows_of_junk_are_refused(base_admin, base, header, write_only, message):
    # How fast the refusal is, is measured in bench/bench_catalogue.py, not asserted here.
    file = xlsx(([f"junk{i}", "x"] for i in range(100_000)), header=header, write_only=write_only)
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=file)
    assert message in exc.value.messages[0]
    assert not Course.objects.exists()


def test_100000_blank_looking_rows_are_not_all_walked(base_admin, base, monkeypatch):
    """Rows of spaces are skipped as blank, but they count towards the same cap (with slack)."""
    monkeypatch.setattr(excel, "MAX_IMPORT_ROWS", 50)
    file = xlsx(([" ", " "] for _ in range(100_000)), write_only=True)
    with pytest.raises(ValidationError) as exc:
        excel.import_courses(actor=base_admin, provider=base, file=file)
    assert exc.value.code == "too_many_rows"
    assert not Course.objects.exists()


def test_a_file_with_thousands_of_bad_rows_reports_the_first_ones_and_the_total(base_admin, base):
    result = excel.import_courses(
        actor=base_admin, provider=base, file=xlsx([row(hours="0") for _ in range(excel.MAX_REPORTED_ERRORS + 50)])
    )
    assert len(result.errors) == excel.MAX_REPORTED_ERRORS
    assert result.bad_rows == excel.MAX_REPORTED_ERRORS + 50
    assert result.errors[0] == excel.RowError(row=2, column="学时", reason="学时必须大于 0。")
    assert not Course.objects.exists()


def test_upload_page_lists_bad_rows(client, base_admin):
    client.force_login(base_admin)
    response = client.post(reverse("courses:upload"), {"file": xlsx([row(), row(hours="0")])})
    page = response.content.decode()
    assert response.status_code == 200
    assert "学时必须大于 0。" in page and ">3<" in page
    assert not Course.objects.exists()
    response = client.post(reverse("courses:upload"), {"file": xlsx([row()])})
    assert response.status_code == 302
    assert Course.objects.count() == 1


def test_bureau_staff_export_the_catalogue_with_masked_nothing_personal(client):
    CourseFactory(title="导出课程一")
    CourseFactory(title="导出草稿", status=Course.Status.DRAFT)
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    response = client.get(reverse("courses:export"), {"year": 2022})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0] == export.EXPORT_HEADERS
    assert {v[1] for v in values[1:]} == {"导出课程一", "导出草稿"}
    response = client.get(reverse("courses:export"), {"year": 2022, "search": "草稿"})
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 2


def test_the_catalogue_export_dates_offline_trainings_as_documents_do(client):
    """Issue 23: one date convention in every export (2022年5月8日), hours as a number (30, not "30.0")."""
    CourseFactory(
        title="线下培训班",
        mode=Mode.OFFLINE,
        hours=Decimal("30.0"),
        place="济南",
        start_date=datetime.date(2022, 5, 8),
        end_date=datetime.date(2022, 5, 10),
    )
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    ws = load_workbook(io.BytesIO(client.get(reverse("courses:export"), {"year": 2022}).content)).active
    header, row = [[c.value for c in r] for r in ws.iter_rows()]
    by_header = dict(zip(header, row, strict=True))
    assert by_header["开始日期"] == "2022年5月8日" and by_header["结束日期"] == "2022年5月10日"
    assert by_header["学时"] == 30


def test_city_staff_export_the_published_catalogue_and_only_their_own_drafts(client):
    staff = user_with_role(Role.CITY_STAFF)
    own_city = staff.memberships.get().organisation
    CourseFactory(title="已发布课程")
    CourseFactory(title="他单位草稿", status=Course.Status.DRAFT)
    CourseFactory(title="本局草稿", status=Course.Status.DRAFT, provider=own_city)
    client.force_login(staff)
    response = client.get(reverse("courses:export"), {"year": 2022})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert {r[1] for r in rows} == {"已发布课程", "本局草稿"}


@pytest.mark.parametrize("n", [1, 30])
def test_export_runs_constant_queries(client, n):
    for _ in range(n):
        course = CourseFactory()
        course.teachers.set([TeacherFactory(organisation=course.provider)])
    client.force_login(user_with_role(Role.PROVINCE_STAFF))
    # session + user + roles, courses, teachers, audit insert (+ savepoints)
    with expect_queries(
        "django_session",
        "accounts_user",
        "accounts_membership",
        "courses_course",
        "courses_course_teachers",
        "accounts_auditevent",
    ):
        response = client.get(reverse("courses:export"))
    assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == n + 1


def test_overlong_cells_and_bad_urls_are_reported_not_truncated(base_admin, base):
    file = xlsx([row(title="课" * 201), row(url="not a url"), row(place="地" * 201)])
    result = excel.import_courses(actor=base_admin, provider=base, file=file)
    rows = {e.row: e.reason for e in result.errors}
    assert "课程名称不能超过200个字" in rows[2]
    assert "学习网址" in rows[3]
    assert "培训地点不能超过200个字" in rows[4]
    assert not Course.objects.exists()


def test_an_overlong_teacher_name_is_a_row_error_not_a_database_error(base_admin, base):
    result = excel.import_courses(actor=base_admin, provider=base, file=xlsx([row(), row(teachers="张" * 65)]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "授课教师")]
    assert "授课教师姓名不能超过64个字" in result.errors[0].reason
    assert not Course.objects.exists()


def test_topic_and_platform_names_in_the_templates_option_lists_are_text_not_formulas(client, base, base_admin):
    PlatformFactory(owner=base, name='=HYPERLINK("http://evil.example.com","平台")')
    TopicFactory(name="=1+1")
    client.force_login(base_admin)
    workbook = load_workbook(io.BytesIO(client.get(reverse("courses:upload_template")).content))
    lists = workbook["选项"]
    assert all(formula_in(row) is None for row in lists.iter_rows())
    names = {cell.value for row in lists.iter_rows() for cell in row}
    assert {"=1+1", '=HYPERLINK("http://evil.example.com","平台")'} <= names
