"""Course uploads people can use: every problem of every row with its column, the same file twice
creates nothing new, a template with drop-downs and instructions, and a bulk publish of the drafts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from courses import excel
from courses.models import Course
from tests.factories import user_with_role

from .factories import CourseFactory, PlatformFactory
from .test_excel import row, xlsx

pytestmark = pytest.mark.django_db


def test_every_problem_of_a_row_is_listed_with_its_column(base_admin, base):
    result = excel.import_courses(
        actor=base_admin, provider=base, file=xlsx([row(category="其他", hours="abc", mode="函授", is_original="也许")])
    )
    assert result.bad_rows == 1
    assert {(e.row, e.column) for e in result.errors} == {
        (2, "科目类别"),
        (2, "学时"),
        (2, "学习形式"),
        (2, "是否原创"),
    }
    assert not Course.objects.exists()


def test_the_same_file_uploaded_twice_creates_nothing_new(base_admin, base):
    rows = [row(), row(title="第二门课程")]
    first = excel.import_courses(actor=base_admin, provider=base, file=xlsx(rows))
    assert first.created == 2 and first.skipped == []
    second = excel.import_courses(actor=base_admin, provider=base, file=xlsx(rows))
    assert second.ok and second.created == 0 and second.skipped == [2, 3]
    assert Course.objects.count() == 2


def test_another_units_course_of_the_same_name_does_not_block_the_upload(base_admin, base):
    CourseFactory(title="知识产权保护与运用")  # a city bureau's course
    result = excel.import_courses(actor=base_admin, provider=base, file=xlsx([row()]))
    assert result.created == 1 and result.skipped == []


def test_a_row_repeated_in_one_file_names_the_first(base_admin, base):
    result = excel.import_courses(actor=base_admin, provider=base, file=xlsx([row(), row(title="别的"), row()]))
    assert [(e.row, e.column) for e in result.errors] == [(4, "")]
    assert "第 2 行" in result.errors[0].reason
    assert not Course.objects.exists()


def test_upload_page_shows_row_column_and_reason_and_reports_skipped_rows(client, base_admin, base):
    client.force_login(base_admin)
    page = client.post(reverse("courses:upload"), {"file": xlsx([row(hours="0")])}).content.decode()
    assert "<td>学时</td>" in page and "学时必须大于 0。" in page
    response = client.post(reverse("courses:upload"), {"file": xlsx([row()])}, follow=True)
    assert "已导入 1 门课程" in response.content.decode()
    response = client.post(reverse("courses:upload"), {"file": xlsx([row()])}, follow=True)
    assert "1 门课程本单位已有" in response.content.decode()
    assert Course.objects.count() == 1


def test_template_has_drop_downs_an_instructions_sheet_and_only_the_units_own_platforms(client, base_admin, base):
    PlatformFactory(owner=base, name="本基地平台")
    PlatformFactory(name="他单位平台")
    client.force_login(base_admin)
    response = client.get(reverse("courses:upload_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == excel.HEADERS
    validated = {str(v.sqref).split(":")[0][0] for v in sheet.data_validations.dataValidation}
    letters = {header: chr(ord("A") + i) for i, header in enumerate(excel.HEADERS)}
    for header in ("科目类别", "学习形式", "是否原创", "公需课专题", "所在学习平台"):
        assert letters[header] in validated, header
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    values = {cell.value for column in options.iter_cols() for cell in column}
    assert "本基地平台" in values and "他单位平台" not in values
    guide = wb["填写说明"]
    assert [c.value for c in guide[1]] == ["列名", "是否必填", "填写要求"]
    assert {r[0] for r in guide.iter_rows(min_row=2, max_row=len(excel.HEADERS) + 1, values_only=True)} == set(
        excel.HEADERS
    )


def test_the_template_is_for_course_providers_only(client):
    client.force_login(user_with_role(Role.PROFESSIONAL))
    assert client.get(reverse("courses:upload_template")).status_code == 403


class TestBulkPublish:
    url = reverse("courses:bulk_publish")

    def test_a_provider_publishes_its_ticked_drafts(self, client, base_admin, base, approved_2022):
        drafts = [CourseFactory(provider=base, status=Course.Status.DRAFT) for _ in range(2)]
        client.force_login(base_admin)
        response = client.post(self.url, {"course": [d.pk for d in drafts]}, follow=True)
        assert "已发布 2 门课程" in response.content.decode()
        assert set(Course.objects.values_list("status", flat=True)) == {Course.Status.PUBLISHED}

    def test_one_course_that_may_not_be_published_stops_all(self, client, base_admin, base, approved_2022):
        ok = CourseFactory(provider=base, status=Course.Status.DRAFT)
        no_plan = CourseFactory(provider=base, status=Course.Status.DRAFT, year_from=2023, year_to=2023, title="无计划")
        client.force_login(base_admin)
        page = client.post(self.url, {"course": [ok.pk, no_plan.pk]}, follow=True).content.decode()
        assert "未发布任何课程" in page and "《无计划》" in page and "2023" in page
        assert set(Course.objects.values_list("status", flat=True)) == {Course.Status.DRAFT}

    def test_another_units_drafts_are_not_reachable(self, client, base_admin, base):
        foreign = CourseFactory(status=Course.Status.DRAFT)
        client.force_login(base_admin)
        page = client.post(self.url, {"course": [foreign.pk]}, follow=True).content.decode()
        assert "请选择要发布的草稿课程" in page
        foreign.refresh_from_db()
        assert foreign.status == Course.Status.DRAFT

    def test_people_without_the_right_are_refused(self, client, base):
        draft = CourseFactory(provider=base, status=Course.Status.DRAFT)
        client.force_login(user_with_role(Role.PROFESSIONAL))
        assert client.post(self.url, {"course": [draft.pk]}).status_code == 403
        client.logout()
        assert client.post(self.url, {"course": [draft.pk]}).status_code == 302
        draft.refresh_from_db()
        assert draft.status == Course.Status.DRAFT

    def test_only_post(self, client, base_admin):
        client.force_login(base_admin)
        assert client.get(self.url).status_code == 405

    def test_the_list_offers_ticks_for_drafts_only(self, client, base_admin, base, approved_2022):
        draft = CourseFactory(provider=base, status=Course.Status.DRAFT)
        published = CourseFactory(provider=base)
        client.force_login(base_admin)
        page = client.get(reverse("courses:my_courses")).content.decode()
        assert f'name="course" value="{draft.pk}"' in page
        assert f'name="course" value="{published.pk}"' not in page
        assert "发布所选草稿" in page
