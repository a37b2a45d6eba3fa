"""Figures and dates written the way Chinese readers and official documents expect them.
Templates use them through the `portal` template filters; documents and exports call them directly."""

import datetime
from decimal import Decimal

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
