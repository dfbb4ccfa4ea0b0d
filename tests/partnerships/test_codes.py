"""Check digits of 全国地方公共団体コード and 法人番号."""

import pytest
from django.core.exceptions import ValidationError

from partnerships.codes import (
    corporate_number_for_lg_code,
    is_valid_corporate_number,
    is_valid_lg_code,
    validate_corporate_number,
    validate_lg_code,
)


@pytest.mark.parametrize("code", ["270008", "272299", "130001", "011002", "131016", "473821"])
def test_valid_local_government_codes_pass(code):
    """Real codes (大阪府, 四條畷市, 東京都, 札幌市, 千代田区, 与那国町) are accepted."""
    assert is_valid_lg_code(code)
    validate_lg_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("272290", "should end in 9"),
        ("27229", "exactly 6 digits"),
        ("2722999", "exactly 6 digits"),
        ("27229x", "exactly 6 digits"),
        ("", "exactly 6 digits"),
    ],
)
def test_invalid_local_government_codes_say_what_is_wrong(code, message):
    """A wrong check digit names the right one; a wrong length says 6 digits."""
    assert not is_valid_lg_code(code)
    with pytest.raises(ValidationError) as error:
        validate_lg_code(code)
    assert message in str(error.value)


def test_corporate_number_of_osaka_prefecture():
    """大阪府's 法人番号 is 4000020270008, derived from its code."""
    assert corporate_number_for_lg_code("270008") == "4000020270008"
    assert is_valid_corporate_number("4000020270008")


def test_corporate_number_of_shijonawate():
    assert corporate_number_for_lg_code("272299") == "6000020272299"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("5000020270008", "should start with 4"),
        ("400002027000", "exactly 13 digits"),
        ("40000202700080", "exactly 13 digits"),
        ("4000O20270008", "exactly 13 digits"),
    ],
)
def test_invalid_corporate_numbers_say_what_is_wrong(number, message):
    assert not is_valid_corporate_number(number)
    with pytest.raises(ValidationError) as error:
        validate_corporate_number(number)
    assert message in str(error.value)
