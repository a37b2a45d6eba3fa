from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.hours import parse_hours

CAP = Decimal("200.0")


@pytest.mark.parametrize(("raw", "expected"), [("1.5", "1.5"), (" 30 ", "30.0"), (2, "2.0"), ("200.0", "200.0")])
def test_hours_with_at_most_one_decimal_place_are_accepted(raw, expected):
    assert parse_hours(raw, maximum=CAP) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "hours_invalid"),
        ("NaN", "hours_invalid"),
        (None, "hours_invalid"),
        ("0", "hours_not_positive"),
        ("-1", "hours_not_positive"),
        ("1.25", "hours_precision"),
        ("200.1", "hours_too_large"),
        ("1e27", "hours_too_large"),  # quantizing it would raise InvalidOperation (a 500)
        ("123456789012345678901234567890.05", "hours_too_large"),
    ],
)
def test_bad_hours_get_a_chinese_error(raw, code):
    with pytest.raises(ValidationError) as info:
        parse_hours(raw, maximum=CAP)
    assert info.value.code == code
    assert "学时" in info.value.messages[0]
