"""Province and city report charts people can read (issue 14): horizontal bars sorted by rate with
the name as text above each bar, 无人员 instead of 0 % for units without staff, a table too."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from accounts.models import Role
from courses.models import Category
from tests.factories import OrganisationFactory, user_with_role

from .factories import approved_record, professional_of

pytestmark = pytest.mark.django_db


def _compliant(person):
    approved_record(person, hours="30", category=Category.PUBLIC)
    approved_record(person, hours="60", category=Category.PROFESSIONAL)


def _bar_labels(body):
    chart = body.split('class="hbars"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<div class="hbar-label"><span>([^<]+)</span><span class="num">([^<]+)', chart)


def test_province_chart_sorts_cities_and_says_no_one_for_empty_cities(client, role_users, policy):
    qingdao = OrganisationFactory(city="qingdao")
    _compliant(professional_of(qingdao))
    professional_of(qingdao)
    _compliant(professional_of(OrganisationFactory(city="yantai")))
    client.force_login(role_users[Role.PROVINCE_STAFF])
    body = client.get(reverse("credits:province_report"), {"year": 2022}).content.decode()
    labels = _bar_labels(body)
    assert [name for name, _ in labels[:2]] == ["烟台市", "青岛市"]
    assert labels[0][1].strip() == "100%" and labels[1][1].strip() == "50%"
    # The fixture employer of role_users is in 济南 with one professional (not compliant).
    empty = [(name, figure.strip()) for name, figure in labels if figure.strip() == "无人员"]
    assert len(empty) == 13 and ("菏泽市", "无人员") in empty
    assert labels[-1][1].strip() == "无人员"
    assert "0.0%" not in body and "<text" not in body  # names are HTML text, never shrunken SVG text
    assert "达标情况明细表" in body and "<table" in body


def test_city_chart_and_table_for_employers(client, policy):
    staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="weihai"))
    school = OrganisationFactory(name="威海测试中学", city="weihai")
    OrganisationFactory(name="威海空单位", city="weihai")
    _compliant(professional_of(school))
    client.force_login(staff)
    body = client.get(reverse("credits:city_report"), {"year": 2022}).content.decode()
    labels = {name: figure.strip() for name, figure in _bar_labels(body)}
    assert labels["威海测试中学"].startswith("100%") and labels["威海空单位"] == "无人员"
    table = body.split('aria-labelledby="table-title"', 1)[1]
    assert "威海空单位" in table and "无人员" in table


def test_report_exports_have_chinese_file_names(client, role_users, policy):
    client.force_login(role_users[Role.PROVINCE_STAFF])
    response = client.get(reverse("credits:province_report"), {"year": 2022, "format": "xlsx"})
    assert "全省2022年度各市学时达标情况.xlsx" in unquote(response["Content-Disposition"])
    staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="jinan"))
    client.force_login(staff)
    response = client.get(reverse("credits:city_report"), {"year": 2022, "format": "xlsx"})
    assert "济南市2022年度各用人单位学时达标情况.xlsx" in unquote(response["Content-Disposition"])


def _first_header(body):
    table = body.split('aria-labelledby="table-title"', 1)[1]
    return re.search(r"<th>([^<]+)</th>", table).group(1)


def test_the_reports_column_says_what_it_lists_and_figures_sit_two_to_a_row(client, role_users, policy):
    """Issue 23: a city report lists units, the province's lists cities (never "单位/市"); the
    figures are the employer summary's compact list (two to a row on a phone), not a card each."""
    staff = user_with_role(Role.CITY_STAFF, OrganisationFactory(city_bureau=True, city="weihai"))
    client.force_login(staff)
    body = client.get(reverse("credits:city_report"), {"year": 2022}).content.decode()
    assert _first_header(body) == "用人单位" and "单位/市" not in body
    figures = body.split('class="summary-figures', 1)[1].split("</dl>", 1)[0]
    assert figures.count("<dt>") == 3 and "达标率" in figures
    client.force_login(role_users[Role.PROVINCE_STAFF])
    body = client.get(reverse("credits:province_report"), {"year": 2022}).content.decode()
    assert _first_header(body) == "市" and "单位/市" not in body
