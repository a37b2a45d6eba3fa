"""The hours import as a CE base uses it (issue 23): the template names its courses and trainings in
drop-downs, explains each column, has a Chinese file name; the upload reads those labels, words its
errors as "第N行「列名」：…", refuses the template's example row, and every upload is kept in the
unit's list of past imports."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from accounts.models import Role
from accounts.validators import mask_id_number
from courses.models import Category, WorkPlan
from credits.excel_import import EXAMPLE_REF, IMPORT_HEADERS, LEGACY_HEADERS
from credits.models import HourRecord, HoursImport, YearSummary
from tests.factories import OrganisationFactory, user_with_role
from tests.queries import expect_queries

from .factories import CourseFactory, YearPolicyFactory, plan_training, professional_of

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
HEADERS = [header for _key, header in IMPORT_HEADERS]
COLUMN = {key: i for i, (key, _header) in enumerate(IMPORT_HEADERS)}


@pytest.fixture
def this_year(db):
    return YearPolicyFactory(year=YEAR)


@pytest.fixture
def admin(base):
    return user_with_role(Role.BASE_ADMIN, base)


def template(client):
    response = client.get(reverse("credits:import_template"))
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def filled(client, rows, *, keep_example=False) -> SimpleUploadedFile:
    """The downloaded template with `rows` (dicts by intake field) in place of the example row."""
    _response, wb = template(client)
    ws = wb["学时记录"]
    if not keep_example:
        ws.delete_rows(2)
    first = 3 if keep_example else 2
    for offset, row in enumerate(rows):
        for key, value in row.items():
            ws.cell(row=first + offset, column=COLUMN[key] + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("十二月培训学时.xlsx", out.getvalue())


def training_row(person, label, ref="PX-1", **fields):
    return {
        "id_number": person.id_number,
        "year": YEAR,
        "category": "专业课",
        "hours": 8,
        "source": "线下培训",
        "completed_on": timezone.localdate(),
        "external_ref": ref,
        "training": label,
        **fields,
    }


def labels(wb, column: str) -> list[str]:
    lists = wb["选项"]
    return [c.value for c in lists[column] if c.value]


# --- the template -------------------------------------------------------------------------------


def test_the_template_has_a_chinese_name_drop_downs_and_instructions(client, base, admin, this_year):
    training = plan_training(base, year=YEAR)
    course = CourseFactory(provider=base, year_from=YEAR, year_to=YEAR, title="职业道德与法律法规")
    plan_training(OrganisationFactory(national_base=True), year=YEAR)  # another base's
    elsewhere = plan_training(OrganisationFactory(national_base=True), year=YEAR, status=WorkPlan.Status.SUBMITTED)
    client.force_login(admin)
    response, wb = template(client)

    assert f"filename*=utf-8''{quote('学时记录导入模板.xlsx')}" in response["Content-Disposition"]
    assert wb.sheetnames == ["学时记录", "填写说明", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["学时记录"]
    assert [c.value for c in ws[1]] == HEADERS
    by_type = {}
    for validation in ws.data_validations.dataValidation:
        by_type.setdefault(validation.type, []).append(validation)
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in by_type["list"]}
    assert set(lists) == {"B2", "C2", "E2", "G2", "J2"}  # year, category, course, form, training
    assert all(formula.startswith("'选项'!") for formula in lists.values())
    assert "decimal" in by_type and "date" in by_type and "textLength" in by_type

    trainings = labels(wb, "D")
    assert trainings == [f"{training.title}（{YEAR}年度工作计划第1项）"]
    assert elsewhere.title not in str(trainings)
    assert labels(wb, "C") == [f"职业道德与法律法规（课程编号{course.pk}）"]
    assert labels(wb, "A") == ["公需课", "专业课"]

    guide = wb["填写说明"]
    explained = [row[0].value for row in guide.iter_rows(min_row=2) if row[0].value]
    assert set(HEADERS) <= set(explained)
    assert "示例" in " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    example = [c.value for c in ws[2]]
    assert example[COLUMN["external_ref"]] == EXAMPLE_REF
    assert example[COLUMN["training"]] == trainings[0]


def test_a_city_bureau_template_has_no_training_drop_down(client, this_year):
    city = OrganisationFactory(city_bureau=True, city="jinan", name="济南市人社局测试")
    client.force_login(user_with_role(Role.CITY_STAFF, city))
    _response, wb = template(client)
    formulas = [v.formula1 for v in wb["学时记录"].data_validations.dataValidation if v.type == "list"]
    assert all("$D$" not in f for f in formulas)


# --- importing ------------------------------------------------------------------------------------


def test_a_row_filled_from_the_drop_downs_is_imported_and_listed(client, base, admin, this_year, employer):
    training = plan_training(base, year=YEAR)
    course = CourseFactory(provider=base, category=Category.PUBLIC, hours=Decimal("3.0"))
    person = professional_of(employer)
    client.force_login(admin)
    _response, wb = template(client)
    training_label, course_label = labels(wb, "D")[0], labels(wb, "C")[0]
    online = {
        "id_number": person.id_number,
        "year": YEAR,
        "category": "公需课",
        "hours": 3,
        "course": course_label,
        "source": "平台课程学习",
        "completed_on": timezone.localdate(),
        "external_ref": "PT-1",
    }
    # One bad row: the good one beside it is not stored either.
    upload = filled(client, [training_row(person, training_label), {**online, "hours": "三"}])
    response = client.post(reverse("credits:import"), {"file": upload})
    assert response.status_code == 200 and "第3行「学时」：" in response.content.decode()
    assert not HourRecord.objects.exists() and not YearSummary.objects.exists()

    upload = filled(client, [training_row(person, training_label), online])
    response = client.post(reverse("credits:import"), {"file": upload})
    assert response.status_code == 302
    records = {r.external_ref: r for r in HourRecord.objects.all()}
    assert records["PX-1"].training_id == training.pk and records["PX-1"].title == training.title
    assert records["PT-1"].course_id == course.pk
    failed, done = HoursImport.objects.order_by("id")
    assert failed.outcome == "failed" and failed.rows == 2
    assert (done.outcome, done.rows, done.created, done.uploaded_by, done.organisation) == (
        "succeeded",
        2,
        2,
        admin,
        base,
    )
    body = client.get(reverse("credits:import")).content.decode()
    assert "十二月培训学时.xlsx" in body and "成功 2 条" in body and "失败，未导入" in body


def test_the_example_row_is_refused_even_when_it_would_pass(client, base, admin, this_year, employer):
    plan_training(base, year=YEAR)
    person = professional_of(employer)
    client.force_login(admin)
    # The example row made valid (a real person, today's date); only its 示例 reference is left.
    upload = filled(
        client,
        [],
        keep_example=True,
    )
    wb = load_workbook(io.BytesIO(upload.read()))
    ws = wb["学时记录"]
    ws.cell(row=2, column=COLUMN["id_number"] + 1).value = person.id_number
    ws.cell(row=2, column=COLUMN["completed_on"] + 1).value = timezone.localdate()
    out = io.BytesIO()
    wb.save(out)
    response = client.post(reverse("credits:import"), {"file": SimpleUploadedFile("t.xlsx", out.getvalue())})
    body = response.content.decode()
    assert response.status_code == 200
    assert "含有模板的示例行" in body and "第2行「外部编号」：这是模板中的示例行" in body
    assert not HourRecord.objects.exists()
    assert HoursImport.objects.get().outcome == "failed"
    # The very same row with a reference of the base's own is imported: only the mark refused it.
    ws.cell(row=2, column=COLUMN["external_ref"] + 1).value = "PX-2026-0001"
    out = io.BytesIO()
    wb.save(out)
    response = client.post(reverse("credits:import"), {"file": SimpleUploadedFile("t.xlsx", out.getvalue())})
    assert response.status_code == 302 and HourRecord.objects.get().external_ref == "PX-2026-0001"


def test_another_bases_training_cannot_be_picked(client, base, admin, this_year, employer):
    other = OrganisationFactory(national_base=True)
    theirs = plan_training(other, year=YEAR)
    client.force_login(user_with_role(Role.BASE_ADMIN, other))
    _response, wb = template(client)
    their_label = labels(wb, "D")[0]
    person = professional_of(employer)
    client.force_login(admin)
    for value, message in (
        (their_label, "请从下拉列表选择本基地已同意的年度工作计划中的培训。"),
        (theirs.pk, "该培训不在本基地已经管理单位同意的年度工作计划中。"),
    ):
        response = client.post(reverse("credits:import"), {"file": filled(client, [training_row(person, value)])})
        assert f"第2行「工作计划培训」：{message}" in response.content.decode()
    assert not HourRecord.objects.exists()


def test_a_training_title_alone_is_read_when_it_is_unique(client, base, admin, this_year, employer):
    training = plan_training(base, year=YEAR)
    person = professional_of(employer)
    client.force_login(admin)
    response = client.post(reverse("credits:import"), {"file": filled(client, [training_row(person, training.title)])})
    assert response.status_code == 302 and HourRecord.objects.get().training_id == training.pk


def test_errors_name_the_row_and_the_column_in_the_users_terms(client, base, admin, this_year, employer):
    training = plan_training(base, year=YEAR, hours="8.0")
    person = professional_of(employer)
    client.force_login(admin)
    _response, wb = template(client)
    label = labels(wb, "D")[0]
    rows = [
        training_row(person, label, "A1", id_number="37010219700101123X"),
        {},  # a blank line: Excel still numbers it
        training_row(person, "不存在的培训", "A2", category="公需"),
        training_row(person, label, "A3", hours=99, category="公需课"),
    ]
    response = client.post(reverse("credits:import"), {"file": filled(client, rows)})
    body = response.content.decode()
    assert response.status_code == 200 and "有 3 行数据有误，全部未导入" in body
    assert "第2行「身份证号」：" in body
    assert "第4行「工作计划培训」：请从下拉列表选择本基地已同意的年度工作计划中的培训。" in body
    assert "第4行「科目类别」：请从下拉列表选择：公需课 或 专业课。" in body
    assert "第5行「学时」：学时不能超过培训项目学时（8.0）。" in body
    assert "第5行「科目类别」：科目类别与培训项目类别不一致。" in body
    assert "。；" not in body and "public" not in body
    assert not HourRecord.objects.exists() and not YearSummary.objects.exists()

    # A person already credited with the training: named by masked ID number and title, no record id.
    client.post(reverse("credits:import"), {"file": filled(client, [training_row(person, label, "B1")])})
    first = HourRecord.objects.get()
    response = client.post(
        reverse("credits:import"),
        {"file": filled(client, [training_row(person, label, "B2"), training_row(person, label, "B3")])},
    )
    body = response.content.decode()
    masked = mask_id_number(person.id_number)
    assert f"第2行「工作计划培训」：{masked} {YEAR}年度已登记过培训「{training.title}」" in body
    assert "记录编号" not in body and f"（{first.pk}）" not in body
    assert HourRecord.objects.count() == 1


def test_a_repeat_inside_the_file_names_the_earlier_line(client, base, admin, this_year, employer):
    plan_training(base, year=YEAR)
    person = professional_of(employer)
    client.force_login(admin)
    _response, wb = template(client)
    label = labels(wb, "D")[0]
    rows = [training_row(person, label, "C1"), training_row(person, label, "C2")]
    body = client.post(reverse("credits:import"), {"file": filled(client, rows)}).content.decode()
    assert "第3行「工作计划培训」：与第2行重复：同一人同一年度同一培训只计一次。" in body
    assert not HourRecord.objects.exists()


# --- past imports ---------------------------------------------------------------------------------


def _past(organisation, user, n):
    for i in range(n):
        HoursImport.objects.create(
            organisation=organisation,
            uploaded_by=user,
            file_name=f"文件{i}.xlsx",
            rows=3,
            outcome="failed" if i % 2 else "succeeded",
            created=0 if i % 2 else 3,
            errors=["第2行「学时」：学时必须是数字，例如 1.5。"] if i % 2 else [],
            error_count=i % 2,
        )


def test_past_imports_are_the_units_own_newest_first(client, base, admin, this_year):
    _past(base, admin, 2)
    other_base = OrganisationFactory(national_base=True)
    _past(other_base, user_with_role(Role.BASE_ADMIN, other_base), 1)
    HoursImport.objects.filter(organisation=other_base).update(file_name="别的基地.xlsx")
    client.force_login(admin)
    body = client.get(reverse("credits:import")).content.decode()
    assert body.index("文件1.xlsx") < body.index("文件0.xlsx")
    assert "别的基地.xlsx" not in body and "学时必须是数字" in body
    client.force_login(user_with_role(Role.BASE_ADMIN, other_base))
    body = client.get(reverse("credits:import")).content.decode()
    assert "别的基地.xlsx" in body and "文件0.xlsx" not in body
    client.force_login(user_with_role(Role.CITY_STAFF))
    body = client.get(reverse("credits:import")).content.decode()
    assert "文件0.xlsx" not in body and "别的基地.xlsx" not in body and "本单位还没有导入过学时记录" in body


def test_a_file_on_the_old_template_with_raw_numbers_is_still_read(client, base, admin, this_year, employer):
    training = plan_training(base, year=YEAR)
    person = professional_of(employer)
    wb = Workbook()
    ws = wb.active
    for column, header in enumerate(LEGACY_HEADERS, start=1):
        ws.cell(row=1, column=column).value = header
    row = training_row(person, training.pk, "OLD-1", completed_on=timezone.localdate().isoformat())
    for key, value in row.items():
        ws.cell(row=2, column=COLUMN[key] + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    client.force_login(admin)
    response = client.post(reverse("credits:import"), {"file": SimpleUploadedFile("old.xlsx", out.getvalue())})
    assert response.status_code == 302 and HourRecord.objects.get().training_id == training.pk


def test_a_failed_upload_is_kept_with_its_errors_and_changes_nothing(client, base, admin, this_year, employer):
    client.force_login(admin)
    person = professional_of(employer)
    bad = training_row(person, "", "D1", hours="很多")
    response = client.post(reverse("credits:import"), {"file": filled(client, [bad])})
    assert response.status_code == 200
    kept = HoursImport.objects.get()
    assert kept.outcome == "failed" and kept.rows == 1 and kept.error_count == len(kept.errors) >= 1
    assert any(line.startswith("第2行「学时」：") for line in kept.errors)
    assert not HourRecord.objects.exists()


@pytest.mark.parametrize("role", [Role.EMPLOYER_ADMIN, Role.PROFESSIONAL, Role.PROVINCE_STAFF])
def test_units_without_a_platform_role_may_not_import(client, role, this_year, employer):
    client.force_login(user_with_role(role, employer if role != Role.PROVINCE_STAFF else None))
    assert client.get(reverse("credits:import")).status_code == 403
    assert client.get(reverse("credits:import_template")).status_code == 403
    upload = SimpleUploadedFile("x.xlsx", b"x")
    assert client.post(reverse("credits:import"), {"file": upload}).status_code == 403
    assert not HoursImport.objects.exists()


@pytest.mark.parametrize("n", [1, 30])
def test_the_import_page_reads_the_same_queries_for_one_past_import_and_many(client, base, admin, n):
    _past(base, admin, n)
    client.force_login(admin)
    with expect_queries(*PAGE_QUERIES):
        assert client.get(reverse("credits:import")).status_code == 200


PAGE_QUERIES = [
    "django_session",  # the session
    "accounts_user",  # the user
    "accounts_membership",  # their roles (the page's permission, the menu)
    "accounts_organisation",  # the unit they import for
    "credits_hoursimport",  # how many past imports (the pagination)
    "credits_hoursimport",  # this page of them, with who uploaded each (joined)
]


def test_the_templates_dates_are_of_this_year(client, base, admin, this_year):
    client.force_login(admin)
    _response, wb = template(client)
    dates = [v for v in wb["学时记录"].data_validations.dataValidation if v.type == "date"]
    assert dates[0].formula2 == f"DATE({YEAR},12,31)"
    assert wb["学时记录"].cell(row=2, column=COLUMN["completed_on"] + 1).value.date() == datetime.date(YEAR, 5, 10)


@pytest.mark.parametrize("value", ["0", "²", "٢", "课程编号3"])
def test_a_course_not_from_the_drop_down_is_refused_in_the_users_terms(client, base, admin, this_year, employer, value):
    client.force_login(admin)
    row = training_row(professional_of(employer), "", "E1", course=value, training=None, source="平台课程学习")
    body = client.post(reverse("credits:import"), {"file": filled(client, [row])}).content.decode()
    assert "第2行「平台课程」：请从下拉列表选择本单位学习平台上的课程。" in body
    assert not HourRecord.objects.exists()


def test_staff_read_past_imports_in_the_admin_and_cannot_change_them(client, base, admin, django_user_model):
    from credits.services import log_hours_import

    log_hours_import(
        organisation=base, actor=admin, file_name="三月培训.xlsx", rows=2, errors=["第2行「学时」：学时必须大于0。"]
    )
    staff = django_user_model.objects.create_superuser("root", "root@example.cn", "x-long-password-1")
    client.force_login(staff)
    listing = client.get(reverse("admin:credits_hoursimport_changelist"))
    assert listing.status_code == 200 and "三月培训.xlsx" in listing.content.decode()
    assert client.get(reverse("admin:credits_hoursimport_add")).status_code == 403
    record = HoursImport.objects.get()
    client.post(reverse("admin:credits_hoursimport_delete", args=[record.pk]), {"post": "yes"})
    assert HoursImport.objects.filter(pk=record.pk).exists()
    client.force_login(admin)
    assert client.get(reverse("admin:credits_hoursimport_changelist")).status_code == 302
