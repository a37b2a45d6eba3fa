"""Every text has a maximum length and every date a sane range, on every form and API input.

Model TextFields have no length limit and DateFields accept 0001-01-01 to 9999-12-31; a course
"from year 1 to 9999" or a 50 MB description would be stored as typed. Rather than touch each
app's models (and migrations), the limits are set where input is taken: `install()` (called by
portal's AppConfig) makes every ModelForm field built from a TextField, and every
ModelSerializer field DRF maps from one, carry the length limit, and gives every date and
date-time field of Django forms and DRF serializers (model-built or declared) the date range.
Explicitly declared text fields (forms.CharField, serializers.CharField and their subclasses)
that take input get the same limit unless they state their own max_length.

Numbers are typed in ASCII digits only: Python's int() and Decimal() also read "٢٠٢٦" and "９"
(and `str.isdigit` says yes to "²" and "①", which int() then refuses with a 500). `whole_number`
is the one parser for a whole number in text; `install()` makes the integer, decimal and float
fields of Django forms and DRF serializers refuse any other digit, and integers beyond a 64-bit
column (SQLite raises OverflowError on them).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

TEXT_MAX_LENGTH = 5000
# The largest integer a database column holds (SQLite INTEGER, PostgreSQL bigint).
INTEGER_MAX = 2**63 - 1
DATE_MIN = datetime.date(1990, 1, 1)
DATE_MAX = datetime.date(2099, 12, 31)


def validate_sane_date(value) -> None:
    """A date (or the date of a datetime) between DATE_MIN and DATE_MAX."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("日期超出合理范围（%(min)s 至 %(max)s）。") % {"min": DATE_MIN, "max": DATE_MAX}, code="date_out_of_range"
        )


def whole_number(value) -> int | None:
    """A non-negative whole number written in ASCII digits ("2026"; not "٢٠٢٦", "９", "²"), at most
    INTEGER_MAX; None for anything else. Ints pass through (bools are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= INTEGER_MAX else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= INTEGER_MAX else None


def _not_ascii(data) -> bool:
    return isinstance(data, str) and not data.isascii()


def _ascii_form_number(original):
    def to_python(self, value):
        if _not_ascii(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        number = original(self, value)
        if isinstance(number, int) and abs(number) > INTEGER_MAX:
            raise ValidationError(_("数字过大。"), code="too_large")
        return number

    to_python.ascii_only = True
    return to_python


def _ascii_serializer_number(original):
    def to_internal_value(self, data):
        if _not_ascii(data):
            self.fail("invalid")
        number = original(self, data)
        if isinstance(number, int) and abs(number) > INTEGER_MAX:
            raise serializers.ValidationError(_("数字过大。"), code="too_large")
        return number

    return to_internal_value


class BoundedCharField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        super().__init__(**kwargs)


def _bounded_formfield(original):
    def formfield(self, **kwargs):
        field = original(self, **kwargs)
        if field is not None and getattr(field, "max_length", None) is None and not self.choices:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
            field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))
        return field

    formfield.bounded = True
    return formfield


def _bounded_init(original):
    def __init__(self, *args, **kwargs):
        if kwargs.get("max_length") is None and not kwargs.get("read_only"):
            kwargs["max_length"] = TEXT_MAX_LENGTH
        original(self, *args, **kwargs)

    return __init__


def install() -> None:
    """Idempotent: applied once at start-up."""
    if getattr(models.TextField.formfield, "bounded", False):
        return
    models.TextField.formfield = _bounded_formfield(models.TextField.formfield)
    # Declared text inputs, e.g. a serializer's `reason = serializers.CharField()`.
    forms.CharField.__init__ = _bounded_init(forms.CharField.__init__)
    serializers.CharField.__init__ = _bounded_init(serializers.CharField.__init__)
    serializers.ModelSerializer.serializer_field_mapping[models.TextField] = BoundedCharField
    # default_validators apply to every instance not given its own validators list.
    for field_class in (forms.DateField, forms.DateTimeField, serializers.DateField, serializers.DateTimeField):
        field_class.default_validators = [*field_class.default_validators, validate_sane_date]
    for field_class in (forms.IntegerField, forms.DecimalField, forms.FloatField):
        field_class.to_python = _ascii_form_number(field_class.to_python)
    for field_class in (serializers.IntegerField, serializers.DecimalField, serializers.FloatField):
        field_class.to_internal_value = _ascii_serializer_number(field_class.to_internal_value)
