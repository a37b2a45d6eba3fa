from decimal import Decimal

import qrcode
import qrcode.image.svg
from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.validators import mask_id_number, mask_phone
from portal import formats
from portal.error_summary import problems_in

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def form_errors(context) -> list:
    """The problems of every form the page's view validated, for the error summary in base.html."""
    return problems_in(context.flatten().values())


@register.filter
def masked_id(value: str | None) -> str:
    return mask_id_number(value)


@register.filter
def masked_phone(value: str | None) -> str:
    return mask_phone(value)


register.filter("hours", formats.format_hours)
register.filter("percent", formats.format_percent)
register.filter("cn_year", formats.cn_year)
register.filter("cn_date", formats.cn_date)
register.filter("cn_datetime", formats.cn_datetime)
register.filter("cn_date_range", formats.cn_date_range)
register.filter("cn_datetime_minutes", formats.cn_datetime_minutes)
register.filter("score", formats.format_score)
register.filter("points", formats.format_points)


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


@register.simple_tag
def qr_svg(url: str, label: str = "") -> str:
    """A QR code of `url` as inline SVG (no image request, no script; prints sharply). The SVG is
    generated here from the URL's bits only, so it carries no text of the URL into the page."""
    if not url:
        return ""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr" ', 1)
    return mark_safe(svg)  # noqa: S308 -- built by qrcode from path data; the label is escaped
