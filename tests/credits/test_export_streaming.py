"""The roster export streams (issue 15, point 2): rows are read in chunks and written to a write-only
workbook, so its memory does not grow with the number of staff; the cells stay as before."""

import io
import tracemalloc
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Membership, Role, User
from credits import excel, selectors
from credits.models import YearSummary
from tests.factories import valid_id_number


def _staff(employer, n, start=0):
    users = User.objects.bulk_create(
        User(username=f"s{start + i}", name=f"员工{start + i}", id_number=valid_id_number(start + i)) for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=employer, role=Role.PROFESSIONAL, department="内科") for u in users
    )
    YearSummary.objects.bulk_create(
        YearSummary(professional=u, year=2022, public_hours=Decimal("30.0"), professional_hours=Decimal("60.0"))
        for u in users[::2]
    )


def _export_peak(employer, policy) -> tuple[int, bytes]:
    rows = selectors.roster(organisation_id=employer.pk, year=2022)
    tracemalloc.start()
    content = excel.roster_xlsx(rows=rows, policy=policy)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, content


def test_export_memory_does_not_grow_with_the_staff(policy, employer, monkeypatch):
    monkeypatch.setattr(excel, "EXPORT_CHUNK", 200)
    _staff(employer, 500)
    small, _content = _export_peak(employer, policy)
    _staff(employer, 3500, start=500)
    large, content = _export_peak(employer, policy)
    # Eight times the rows: a workbook held in memory peaks about eight times higher.
    assert large < small * 2, (small, large)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4001
    assert rows[0][:3] == ("姓名", "身份证号", "科室/部门") and rows[0][-1] == "是否达标"
    assert sorted({r[-1] for r in rows[1:]}) == ["未达标", "达标"]


@pytest.mark.parametrize("rows_as_list", [False, True])
def test_a_list_of_rows_exports_the_same_cells(policy, employer, rows_as_list):
    _staff(employer, 5)
    rows = selectors.roster(organisation_id=employer.pk, year=2022)
    content = excel.roster_xlsx(rows=list(rows) if rows_as_list else rows, policy=policy)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].font.bold
    assert [c.value for c in sheet[2]][:7] == [
        "员工0",
        User.objects.get(username="s0").masked_id_number,
        "内科",
        30,
        60,
        90,
        0,
    ]
