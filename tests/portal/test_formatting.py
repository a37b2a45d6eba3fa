"""Figures as Chinese readers expect them: 24 学时 (not 24.0), 70%, 2022年, 2022年4月30日."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from portal.formats import cn_date, cn_datetime, cn_year
from portal.formats import format_hours as hours
from portal.formats import format_percent as percent


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("24.0"), "24"), (Decimal("1.5"), "1.5"), ("30", "30"), (None, "0"), (0, "0")],
)
def test_hours_have_no_needless_decimal(value, shown):
    assert hours(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(Decimal("0.700"), "70%"), (Decimal("0.125"), "12.5%"), (1, "100%"), (None, "")]
)
def test_shares_are_percentages(value, shown):
    assert percent(value) == shown


def test_years_and_dates_are_written_the_chinese_way():
    assert cn_year(2022) == "2022年"
    assert cn_date(datetime.date(2022, 4, 5)) == "2022年4月5日"


def test_a_datetime_is_dated_in_shanghai_time():
    # 2022-04-30 20:00 UTC is already 1 May in Shanghai.
    moment = datetime.datetime(2022, 4, 30, 20, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert cn_date(moment) == "2022年5月1日"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-28T15:59:59+00:00", "2026年12月28日 23:59:59"),
        ("2026-12-09T23:59:00+08:00", "2026年12月9日 23:59:00"),
        (datetime.datetime(2026, 12, 28, 15, 59, 59, tzinfo=datetime.UTC), "2026年12月28日 23:59:59"),
        ("2022-12-31", "2022年12月31日"),
        (None, ""),
    ],
)
def test_a_moment_is_written_in_beijing_time_with_seconds(value, shown):
    assert cn_datetime(value) == shown
