"""Credits exports cannot carry formulas, the records import refuses them (issue 13, point 2)."""

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from credits import excel
from credits.models import HourRecord

from .test_pages import sheet

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example.com", "点击")'


def test_a_report_label_that_looks_like_a_formula_is_written_as_text():
    rows = [SimpleNamespace(label=HYPERLINK, staff=3, compliant=1, rate=33.3, public_short=1, professional_short=1)]
    ws = load_workbook(io.BytesIO(excel.rates_xlsx(rows=rows, unit_label="单位"))).active
    cell = ws["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HYPERLINK, "s", True)


def test_a_formula_cell_in_the_records_import_is_a_refused_row(client, role_users, policy):
    admin = role_users[Role.BASE_ADMIN]
    person = role_users[Role.PROFESSIONAL]
    bad = [person.id_number, 2022, "公需课", "=2*3", "", "课程", "线下培训", "2022-05-01", "R1", 1]
    client.force_login(admin)
    response = client.post(reverse("credits:import"), {"file": sheet([bad])})
    body = response.content.decode()
    assert response.status_code == 200
    assert "第2行：" in body and "D2" in body and "公式" in body
    assert not HourRecord.objects.exists()
