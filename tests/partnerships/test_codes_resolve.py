"""resolve_lg_code: the codes people and spreadsheets write, resolved to one 6-digit code or refused."""

import pytest
from django.core.exceptions import ValidationError

from partnerships.codes import resolve_lg_code


def known(*codes):
    return lambda code: code in codes


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("272299", "272299"),
        ("27229", "272299"),  # 5 digits without the check digit
        ("15865", "015865"),  # Excel dropped the leading zero of 015865
        ("01586", "015865"),
        ("1100", "011002"),  # 01100 without its zero
        ("０１５８６５", "015865"),  # full-width
        (" 272299 ", "272299"),
        (15865, "015865"),  # a number cell
    ],
)
def test_resolves(written, expected):
    assert resolve_lg_code(written, exists=known("272299", "015865", "011002")) == expected


def test_a_wrong_check_digit_is_refused_with_the_right_one():
    with pytest.raises(ValidationError, match="should end in 9"):
        resolve_lg_code("272290", exists=known())


def test_ambiguous_and_unknown():
    # 13102 can be 中央区 without its check digit (131024) or 013102 with a dropped zero, if both existed
    with pytest.raises(ValidationError, match="ambiguous"):
        resolve_lg_code("13102", exists=lambda code: True)
    with pytest.raises(ValidationError, match="No local government"):
        resolve_lg_code("99999", exists=known())
    with pytest.raises(ValidationError, match="not a local government code"):
        resolve_lg_code("abc", exists=known())
