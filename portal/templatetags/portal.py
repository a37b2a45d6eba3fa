import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

from accounts.validators import mask_id_number, mask_phone

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def masked_phone(value: str | None) -> str:
    return mask_phone(value)


@register.filter
def hours(value) -> str:
    """Hours as people write them: 24, 1.5 (one decimal place, no needless ".0")."""
    if value is None or value == "":
        return "0"
    text = f"{Decimal(value):.1f}"
    return text.removesuffix(".0")


@register.filter
def percent(value) -> str:
    """A share as a percentage: 0.7 -> 70%, 0.125 -> 12.5%."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value) * 100:.1f}"
    return text.removesuffix(".0") + "%"


@register.filter
def cn_year(value) -> str:
    """A year as Chinese documents write it: 2022年."""
    if value is None or value == "":
        return ""
    return f"{int(value)}年"


@register.filter
def cn_date(value) -> str:
    """A date or date-time as people read it, without zero padding: 2022年4月30日 (local time)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


@register.simple_tag
def progress_bar(value, target, label: str = "") -> str:
    """An accessible progress bar (pure HTML/CSS, no script): value against a target."""
    value = Decimal(value or 0)
    target = Decimal(target or 0)
    percent = 100 if target <= 0 else min(100, int(value * 100 / target))
    state = "ok" if value >= target else "short"
    return format_html(
        '<div class="bar bar-{}" role="progressbar" aria-label="{}" aria-valuemin="0" aria-valuemax="{}" '
        'aria-valuenow="{}"><span class="bar-fill w-{}"></span></div>',
        state,
        label,
        target,
        value,
        percent - percent % 5,
    )
