"""Hours (学时) as people type them: a positive number with at most one decimal place."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TENTH = Decimal("0.1")


def parse_hours(value, *, maximum: Decimal) -> Decimal:
    """Turn input into hours (> 0, one decimal place, at most `maximum`) or raise a Chinese
    ValidationError. Each caller names its own sane maximum (a course, a ledger record)."""
    text = str(value).strip()
    # ASCII digits only: Decimal() also reads "٢" and "９" (portal.bounds).
    if not text.isascii() or "_" in text:
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_invalid")
    try:
        hours = Decimal(text)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_invalid") from None
    if not hours.is_finite():
        raise ValidationError(_("学时必须是数字，例如 1.5。"), code="hours_invalid")
    if hours <= 0:
        raise ValidationError(_("学时必须大于 0。"), code="hours_not_positive")
    # The maximum first: quantizing a huge value (1e27) raises InvalidOperation, a 500.
    if hours > maximum:
        raise ValidationError(_("学时不能超过 %(max)s，请核对。") % {"max": maximum}, code="hours_too_large")
    if hours != hours.quantize(TENTH):
        raise ValidationError(_("学时最多保留一位小数。"), code="hours_precision")
    return hours.quantize(TENTH)
