"""Excel in and out: roster and report exports, the import template and reading uploaded sheets."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.spreadsheets import FORMULA_REFUSED, append_row, formula_in, safe_cell, workbook_bytes

from .selectors import annual_hours_requirement, row_requirement_lines
from .services.intake import BulkRejected, RowError

IMPORT_HEADERS = [
    ("id_number", "身份证号"),
    ("year", "计入年度"),
    ("category", "科目类别（公需课/专业课）"),
    ("hours", "学时"),
    ("course", "课程编号（可空）"),
    ("title", "课程或培训名称"),
    ("source", "来源（平台课程学习/线下培训）"),
    ("completed_on", "完成日期（YYYY-MM-DD）"),
    ("external_ref", "外部编号（本单位内唯一）"),
    ("training", "工作计划培训编号（基地线下培训填写）"),
]
CATEGORY_WORDS = {"公需课": "public", "专业课": "professional", "public": "public", "professional": "professional"}
SOURCE_WORDS = {"平台课程学习": "platform", "线下培训": "offline", "platform": "platform", "offline": "offline"}


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


def import_template_xlsx() -> bytes:
    example = ["370102197001011234", 2022, "公需课", 6, "", "黄河流域生态保护和高质量发展专题", "线下培训"]
    example += ["2022-05-10", "OFFLINE-2022-0001", 1]
    return _book(_("学时记录导入"), [label for _key, label in IMPORT_HEADERS], [example])


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(str(value)).normalize()) if value != int(value) else str(int(value))
    return str(value).strip()


def read_import_rows(upload, *, max_rows: int) -> list[dict]:
    """Rows of an uploaded template as API-shaped dicts (read-only mode; capped)."""
    try:
        # data_only=False: formulas read as formulas, so their rows can be refused.
        wb = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on a broken package
        raise ValidationError(_("无法读取该Excel文件，请使用下载的模板。"), code="unreadable") from None
    ws = wb.worksheets[0]
    rows = []
    formula_rows = []
    header_seen = False
    for cells in ws.iter_rows():
        values = tuple(c.value for c in cells)
        if not header_seen:
            header_seen = True
            if [_cell(v) for v in values[: len(IMPORT_HEADERS)]] != [label for _k, label in IMPORT_HEADERS]:
                wb.close()
                raise ValidationError(_("表头与模板不一致，请使用下载的模板。"), code="bad_header")
            continue
        if not any(v not in (None, "") for v in values):
            continue
        if len(rows) >= max_rows:
            wb.close()
            raise ValidationError(_("单次最多导入 %(max)s 行。") % {"max": max_rows}, code="too_many_rows")
        formula = formula_in(cells[: len(IMPORT_HEADERS)])
        if formula:
            formula_rows.append(RowError(index=len(rows), errors={"file": str(FORMULA_REFUSED % {"cell": formula})}))
        data = {key: _cell(values[i]) if i < len(values) else "" for i, (key, _label) in enumerate(IMPORT_HEADERS)}
        data["category"] = CATEGORY_WORDS.get(data["category"], data["category"])
        data["source"] = SOURCE_WORDS.get(data["source"], data["source"]) if data["source"] else ""
        data["course"] = data["course"] or None
        data["training"] = data["training"] or None
        rows.append(data)
    wb.close()
    if formula_rows:
        raise BulkRejected(formula_rows)
    return rows
