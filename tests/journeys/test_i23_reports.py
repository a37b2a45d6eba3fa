"""Issue 23, reports and the change log, at 375 and 1280 px: the city reads its report with two
figures to a row on a phone and a column named for what it lists; the province changes the year
policy on its page and reads the change in the log in Beijing time, by name (the database's own
history too, where PostgreSQL records it); the city's 材料报送 page names the call's year."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from credits.models import YearPolicy
from submissions.models import Call

from .conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)
BEIJING_TIME = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2}")
MACHINE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T|\+00:00|year-policy:|requirement:\d")


def _tops(page, selector: str) -> list[float]:
    return [round(box["y"]) for box in (page.locator(selector).nth(i).bounding_box() for i in range(3))]


def test_city_report_change_log_and_the_calls_year(demo, journey):
    year = timezone.localdate().year
    policy = YearPolicy.objects.get(year=year)
    province_name = User.objects.get(username="province").display_name
    call = Call.objects.get(audience=Call.Audience.CITY_BUREAUS, deadline__gt=timezone.now())
    for n, viewport in enumerate(VIEWPORTS):
        phone = viewport["width"] < 720

        # The city's report: the roster summary's figures, two to a row on a phone.
        city = journey(viewport, "i23-city", "city")
        page = city.go("/hours/city/", expect="达标概况")
        tops = _tops(page, ".summary-figures > div")
        if phone:
            assert tops[0] == tops[1] < tops[2], tops
        else:
            assert tops[0] == tops[1] == tops[2], tops
        assert page.locator("table.data thead th").first.inner_text().strip() == "用人单位"
        assert "单位/市" not in page.inner_text("#main")

        # The unit's 材料报送 page: the intro asks for this call's year, not the notice's 2022.
        page = city.go("/submissions/", expect=call.name)
        intro = page.locator("#main h1 + p").inner_text()
        assert f"{call.year}年度继续教育材料" in intro and "2022年度继续教育材料" not in intro

        # The province's report lists cities.
        province = journey(viewport, "i23-province", "province")
        page = province.go("/hours/province/", expect="达标概况")
        assert page.locator("table.data thead th").first.inner_text().strip() == "市"

        # The province changes the year's review threshold on the policy page...
        threshold = 150 + 10 * n
        page = province.go("/hours/policies/", expect="年度学时政策")
        province.click(f"a[href='/hours/policies/{year}/']", expect="学时折算规则")
        page.fill("input[name=review_threshold]", str(threshold))
        page.locator("#main form button[type=submit]").click()
        province.check("policy saved", expect="学时政策已保存")
        policy.refresh_from_db()
        assert policy.review_threshold == threshold

        # ...and reads it in the change log: when in Beijing time, what by name, hours as people write.
        page = province.go("/accounts/setting-changes/", expect="设置变更记录")
        row = page.locator("table.data tbody tr").first
        text = row.inner_text()
        assert BEIJING_TIME.search(text), text
        assert f"{year}年度学时政策" in text and province_name in text
        assert re.search(rf"单位登记复核阈值（学时）：[^\n]*→ {threshold}\b", text), text
        assert not MACHINE_TEXT.search(page.inner_text("#main"))

        # The database's own history of the policy (PostgreSQL records it; SQLite says it does not).
        page = province.go("/accounts/setting-changes/?kind=year_policy", expect="变更历史")
        if connection.vendor == "postgresql":
            text = page.locator("table.data tbody tr").first.inner_text()
            assert BEIJING_TIME.search(text) and province_name in text, text
            assert f"→ {threshold}" in text and not MACHINE_TEXT.search(text), text
        else:
            assert "SQLite" in page.inner_text("#main")
