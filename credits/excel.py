"""Excel out: roster and report exports (the hours import: `credits.excel_import`)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.spreadsheets import append_row, safe_cell, workbook_bytes

from .selectors import annual_hours_requirement, row_requirement_lines

EXPORT_CHUNK = 2000


def _bold(sheet, value):
    cell = safe_cell(sheet, value)
    if isinstance(cell, str):
        cell = WriteOnlyCell(sheet, value=cell)
    cell.font = Font(bold=True)
    return cell


def _book(title: str, headers: list[str], rows) -> bytes:
    """A write-only workbook: rows go to a temporary file as they come, so memory stays flat
    whatever their number (a 100,000-row roster stays far below 200 MB; bench/ measures it)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    append_row(ws, [_bold(ws, h) for h in headers])
    for row in rows:
        append_row(ws, row)
    return workbook_bytes(wb)


def _stream(rows):
    """A queryset read in chunks without keeping its rows (a list is read as it is)."""
    if hasattr(rows, "iterator"):
        return rows.iterator(chunk_size=EXPORT_CHUNK)
    return rows


def roster_xlsx(*, rows, policy, requirements=()) -> bytes:
    """Rows from `selectors.roster` (annotated with `requirements`); ID numbers masked. 是否达标 is the
    row's own `compliant`, which counts the requirements when the year's policy makes them binding."""
    headers = [_("姓名"), _("身份证号"), _("科室/部门"), _("公需课学时"), _("专业课学时"), _("总学时")]
    headers += [_("公需课缺少"), _("专业课缺少"), _("总学时缺少")]
    headers += [_("专门要求：%(requirement)s") % {"requirement": r} for r in requirements]
    headers += [_("是否达标")]

    def lines():
        for m in _stream(rows):
            c = annual_hours_requirement(policy=policy, public=m.public_hours, professional=m.professional_hours)
            yield [
                m.user.display_name,
                m.user.masked_id_number,
                m.department,
                float(c.public),
                float(c.professional),
                float(c.total),
                float(c.missing.public),
                float(c.missing.professional),
                float(c.missing.total),
                *(_("已完成") if line.met else _("未完成") for line in row_requirement_lines(m, requirements)),
                _("达标") if m.compliant else _("未达标"),
            ]

    return _book(_("学时达标名单"), headers, lines())


def rates_xlsx(*, rows, unit_label: str) -> bytes:
    headers = [unit_label, _("专业技术人员数"), _("达标人数"), _("达标率（%）")]
    headers += [_("公需课不足人数"), _("专业课不足人数")]
    return _book(
        _("达标率统计"),
        headers,
        ([r.label, r.staff, r.compliant, float(r.rate), r.public_short, r.professional_short] for r in rows),
    )
