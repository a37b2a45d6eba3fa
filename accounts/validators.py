"""Resident identity card numbers (居民身份证号码), GB 11643-1999.

18 characters: 6-digit address code, 8-digit birth date (YYYYMMDD), 3-digit sequence, and a
check character computed with ISO 7064 MOD 11-2 over the first 17 digits.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
# The earliest birth year any working professional can have, and no one is born tomorrow.
_EARLIEST_BIRTH_YEAR = 1900


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(value: str) -> str:
    """Strip spaces and upper-case a trailing x, as people type them."""
    return (value or "").strip().replace(" ", "").upper()


def birth_date_of(id_number: str) -> datetime.date:
    return datetime.datetime.strptime(id_number[6:14], "%Y%m%d").date()


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless value is a valid 18-character resident ID number."""
    number = normalise_id_number(value)
    if not _SHAPE.match(number):
        raise ValidationError(_("身份证号应为18位：前17位为数字，最后一位为数字或X。"), code="id_number_format")
    try:
        born = birth_date_of(number)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不存在。"), code="id_number_birth_date") from None
    if born.year < _EARLIEST_BIRTH_YEAR or born > datetime.date.today():
        raise ValidationError(_("身份证号中的出生日期不合理。"), code="id_number_birth_date")
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验码错误，请核对后重新输入。"), code="id_number_checksum")


def mask_id_number(value: str | None) -> str:
    """Show the first four and last four characters only: 3701**********123X."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_phone(value: str | None) -> str:
    """Mobile numbers keep their first three and last four digits: 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"
