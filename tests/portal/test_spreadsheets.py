"""One helper writes every spreadsheet cell (issue 13, point 2): text that starts like a formula
stays text, in every export."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from portal.spreadsheets import append_row, formula_in, workbook_bytes, write_cell

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "courses", "credits", "selection", "submissions", "documents", "portal"]


@pytest.mark.parametrize("write_only", [False, True])
def test_text_that_starts_like_a_formula_is_written_as_text(write_only):
    wb = Workbook(write_only=write_only)
    sheet = wb.create_sheet() if write_only else wb.active
    texts = ['=HYPERLINK("http://evil.example.com","点击")', "+1", "-1", "@A1", "\t=1", "\r=1"]
    append_row(sheet, [*texts, "普通文字", 3, None])
    cells = next(load_workbook(io.BytesIO(workbook_bytes(wb))).active.iter_rows())
    assert formula_in(cells) is None
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[: len(texts)]] == [(t, "s", True) for t in texts]
    assert (cells[6].value, cells[6].quotePrefix, cells[7].value) == ("普通文字", False, 3)


def test_control_characters_a_workbook_cannot_hold_are_dropped_not_a_crash():
    wb = Workbook()
    append_row(wb.active, ["课程\x01名称\x1f"])
    assert load_workbook(io.BytesIO(workbook_bytes(wb))).active["A1"].value == "课程名称"


def test_a_formula_is_found_by_its_cell():
    wb = Workbook()
    wb.active.append(["文字", "=1+1"])
    wb_read = load_workbook(io.BytesIO(workbook_bytes(wb)), read_only=True)
    assert formula_in(next(wb_read.active.iter_rows())) == "B1"


SHEET_APPEND = re.compile(r"\b(ws|sheet|worksheet|active)\.append\(")


def test_every_export_writes_its_rows_through_the_helper():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.name != "spreadsheets.py" and "openpyxl" in (text := path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), start=1)
        if SHEET_APPEND.search(line)
    ]
    assert offenders == [], "write rows with portal.spreadsheets.append_row:\n" + "\n".join(offenders)


def test_one_cell_written_by_the_helper_stays_text():
    wb = Workbook()
    for column, value in enumerate(['=HYPERLINK("http://evil.example.com","点击")', "普通文字", 3], start=1):
        write_cell(wb.active, row=1, column=column, value=value)
    cells = next(load_workbook(io.BytesIO(workbook_bytes(wb))).active.iter_rows())
    assert formula_in(cells) is None
    assert (cells[0].data_type, cells[0].quotePrefix, cells[1].value, cells[2].value) == ("s", True, "普通文字", 3)


CELL_WITH_VALUE = re.compile(r"\.cell\((?=[^)]*\bvalue\s*=)")


def test_no_cell_is_written_outside_the_helper():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.name != "spreadsheets.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CELL_WITH_VALUE.search(line)
    ]
    assert offenders == [], "write cells with portal.spreadsheets.write_cell:\n" + "\n".join(offenders)
