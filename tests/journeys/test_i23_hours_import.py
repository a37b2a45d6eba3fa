"""Issue 23, hours import: the CE base (`base`) downloads the template under its Chinese name, fills
one row with a training picked from the template's own drop-down list, uploads it and reads the
outcome and the list of past imports; a file with a wrong value is refused with the row and the
column named. At 375 and 1280 px, axe-core clean."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role, User
from courses.models import WorkPlan, WorkPlanTraining
from credits.excel_import import IMPORT_HEADERS
from credits.models import HourRecord, HoursImport

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

COLUMN = {key: i + 1 for i, (key, _header) in enumerate(IMPORT_HEADERS)}


def _fill(template_path, out_path, row: dict) -> None:
    """The downloaded template with the example row removed and `row` in its place."""
    wb = load_workbook(template_path)
    ws = wb["学时记录"]
    ws.delete_rows(2)
    for key, value in row.items():
        ws.cell(row=2, column=COLUMN[key]).value = value
    wb.save(out_path)


def _person_without(training: WorkPlanTraining) -> User:
    """A professional the base may credit who has no record of this training yet."""
    return (
        User.objects.filter(memberships__role=Role.PROFESSIONAL, memberships__is_active=True)
        .exclude(hour_records__training=training)
        .order_by("id")
        .first()
    )


def test_base_imports_hours_from_the_template(demo, journey, tmp_path):
    today = timezone.localdate()
    admin = User.objects.get(username="base")
    base = admin.memberships.get(role=Role.BASE_ADMIN).organisation
    trainings = WorkPlanTraining.objects.filter(
        plan__base=base, plan__year=today.year, plan__status=WorkPlan.Status.APPROVED
    ).select_related("plan")

    for number, viewport in enumerate(VIEWPORTS):
        width = viewport["width"]
        visit = journey(viewport, "i23-hours-import", "base")
        page = visit.go("/hours/import/", expect="历史导入记录")
        template = visit.download("a", has_text="下载导入模板")
        assert template.suggested_filename == "学时记录导入模板.xlsx"
        template_path = tmp_path / f"模板{width}.xlsx"
        template.save_as(template_path)

        # The training as the drop-down offers it (the hidden list sheet feeding it).
        choices = [c.value for c in load_workbook(template_path)["选项"]["D"] if c.value]
        training = list(trainings)[number]
        label = next(choice for choice in choices if choice.startswith(training.title))
        person = _person_without(training)
        row = {
            "id_number": person.id_number,
            "year": today.year,
            "category": training.get_category_display(),
            "hours": float(training.hours),
            "source": "线下培训",
            "completed_on": today,
            "external_ref": f"I23-{width}",
            "training": label,
        }
        good = tmp_path / f"{width}培训学时.xlsx"
        _fill(template_path, good, row)
        page.set_input_files("input[type=file]", str(good))
        visit.click("#main form button[type=submit]", expect="导入成功")
        record = HourRecord.objects.get(recorded_by=base, external_ref=f"I23-{width}")
        assert record.training_id == training.pk and record.professional_id == person.pk
        past = page.locator("table.past-imports tbody tr").first
        assert good.name in past.inner_text() and "成功 1 条" in past.inner_text()

        # A wrong value: nothing stored, and the row and the column named.
        bad = tmp_path / f"{width}有误.xlsx"
        _fill(template_path, bad, {**row, "external_ref": f"I23-bad-{width}", "hours": "八"})
        page.set_input_files("input[type=file]", str(bad))
        visit.click("#main form button[type=submit]", expect="第2行「学时」：")
        assert not HourRecord.objects.filter(external_ref=f"I23-bad-{width}").exists()
        visit.go("/hours/import/", expect=bad.name)
        failed = page.locator("table.past-imports tbody tr").first
        assert "失败" in failed.inner_text()
        failed.locator("summary").click()
        visit.check("past import errors", expect="第2行「学时」：")
        visit.close()

    assert HoursImport.objects.filter(organisation=base).count() == 2 * len(VIEWPORTS)
