"""One way to write spreadsheet cells, and to read uploaded ones.

Text that people typed (a course title, a unit's name, a reviewer's comment) ends up in
exports that others open in Excel or WPS. openpyxl stores a string starting with "=" as a
formula, and spreadsheet programs treat text starting with "=", "+", "-", "@", a tab or a
carriage return as the start of a formula when the cell is edited (CSV/formula injection:
`=HYPERLINK("http://evil", "点击")`). Every export appends its rows through `append_row` (or
sets one cell with `write_cell`), which
writes such text as text, marked with Excel's quote prefix, and drops the control characters
the file format cannot hold.

Imports read cells with `formula_in`, which names the first cell of a row that holds a formula:
such rows are refused, since a formula's value is whatever the program last computed (or
nothing at all) and may point anywhere.
"""

import io

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_REFUSED = _("单元格 %(cell)s 含有公式：请只填写文字或数值，公式不会被导入。")


def safe_cell(sheet, value):
    """The value itself when openpyxl writes it faithfully, else a text cell for it."""
    if not isinstance(value, str):
        return value
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not cleaned.startswith(FORMULA_STARTS):
        return cleaned
    cell = WriteOnlyCell(sheet, value=cleaned)
    # Set after the value: openpyxl types a string starting with "=" as a formula on assignment.
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append_row(sheet, values) -> None:
    """Append one row (normal or write-only sheet); text is always written as text."""
    sheet.append([safe_cell(sheet, value) for value in values])


def write_cell(sheet, *, row: int, column: int, value) -> None:
    """Write one cell of a normal sheet; text is always written as text. The only place that
    calls openpyxl's `cell(..., value=...)` (tests/portal/test_spreadsheets.py checks)."""
    safe = safe_cell(sheet, value)
    if not isinstance(safe, Cell):
        sheet.cell(row=row, column=column, value=safe)
        return
    cell = sheet.cell(row=row, column=column, value=safe.value)
    # Set after the value, as in safe_cell.
    cell.data_type, cell.quotePrefix = "s", True


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def formula_in(cells) -> str | None:
    """The coordinate (e.g. "B7") of the first formula among a row's cells, or None.

    The workbook must be opened with data_only=False, so that formulas read as formulas."""
    for cell in cells:
        if getattr(cell, "data_type", None) == "f":
            return getattr(cell, "coordinate", None) or "?"
    return None
