"""Figures and dates written the way Chinese readers and official documents expect them.
Templates use them through the `portal` template filters; documents and exports call them directly."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone


def format_hours(value) -> str:
    """Hours as people write them: 24, 1.5 (one decimal place, no needless ".0")."""
    if value is None or value == "":
        return "0"
    return f"{Decimal(value):.1f}".removesuffix(".0")


def format_percent(value) -> str:
    """A share as a percentage: 0.7 -> 70%, 0.125 -> 12.5%."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value) * 100:.1f}".removesuffix(".0") + "%"


def cn_year(value) -> str:
    """A year as Chinese documents write it: 2022年."""
    if value is None or value == "":
        return ""
    return f"{int(value)}年"


def cn_date(value) -> str:
    """A date as official documents write it: 2022年4月25日, never 2022年04月25日. A date-time is
    dated in local (Asia/Shanghai) time."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    """A moment in Beijing time as people write it: 2026年12月28日 23:59:59 (a stored UTC
    2026-12-28T15:59:59+00:00). ISO text (as audit records store it) is read first."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value) if len(value) == 10 else datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{cn_date(value)} {value:%H:%M:%S}"
    return cn_date(value)


def cn_datetime_minutes(value) -> str:
    """A moment to the minute, in Beijing time: 2026年12月8日 14:30 (times people set or read as
    a clock time: a deadline's day and hour, when something was sent)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{cn_date(value)} {value:%H:%M}"
    return cn_date(value)


def format_score(value) -> str:
    """A score as people read it: 85.50 -> 85.5, 90.00 -> 90, 85.25 -> 85.25 (at most two decimal
    places, no trailing zeros). Nothing to show is "—"."""
    if value is None or value == "":
        return "—"
    text = str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)).rstrip("0").removesuffix(".")
    return "0" if text == "-0" else text


def format_points(value) -> str:
    """A score with its unit: 85.5 分."""
    shown = format_score(value)
    return shown if shown == "—" else f"{shown} 分"


def cn_date_range(start, end) -> str:
    """Two dates as one span, the end's year left out when it is the start's:
    2026年12月3日—12月18日; 2026年12月28日—2027年1月5日. Date-times are dated in local time."""
    if not start or not end:
        return cn_date(start or end)
    first, last = (
        timezone.localtime(v) if isinstance(v, datetime.datetime) and timezone.is_aware(v) else v for v in (start, end)
    )
    tail = f"{last.month}月{last.day}日" if first.year == last.year else cn_date(last)
    return f"{cn_date(first)}—{tail}"
