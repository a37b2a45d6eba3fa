import pytest
from django.core.exceptions import ValidationError

from accounts.validators import check_character, mask_id_number, mask_phone, validate_id_number
from tests.factories import valid_id_number

# A published GB 11643 example: 11010519491231002X.
KNOWN_VALID = "11010519491231002X"


def test_known_valid_number_passes():
    validate_id_number(KNOWN_VALID)


def test_lower_case_x_is_accepted():
    validate_id_number(KNOWN_VALID.lower())


def test_check_character_of_known_number():
    assert check_character(KNOWN_VALID[:17]) == "X"


@pytest.mark.parametrize("n", [0, 1, 57, 899, 12345])
def test_generated_numbers_are_valid(n):
    validate_id_number(valid_id_number(n))


def test_wrong_checksum_is_rejected_with_chinese_message():
    bad = KNOWN_VALID[:17] + "1"
    with pytest.raises(ValidationError) as info:
        validate_id_number(bad)
    assert info.value.code == "id_number_checksum"
    assert "校验码错误" in info.value.messages[0]


@pytest.mark.parametrize("first17", ["11010519490230002", "11010519491331002", "11010519490000002"])
def test_impossible_birth_date_is_rejected(first17):
    number = first17 + check_character(first17)
    with pytest.raises(ValidationError) as info:
        validate_id_number(number)
    assert info.value.code == "id_number_birth_date"


def test_future_birth_date_is_rejected():
    first17 = "11010521990101002"
    with pytest.raises(ValidationError) as info:
        validate_id_number(first17 + check_character(first17))
    assert info.value.code == "id_number_birth_date"


@pytest.mark.parametrize("value", ["", "123", "1101051949123100211", "11010519491231002Y", "A1010519491231002X"])
def test_malformed_numbers_are_rejected(value):
    with pytest.raises(ValidationError) as info:
        validate_id_number(value)
    assert info.value.code == "id_number_format"


def test_mask_keeps_first_and_last_four():
    assert mask_id_number("37010219800101123X") == "3701**********123X"
    assert mask_id_number(None) == ""


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
