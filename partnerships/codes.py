"""Japanese public identifiers and their check digits.

* 全国地方公共団体コード (local government code): 5 digits + a check digit. The check digit is
  (11 − Σ dᵢ·wᵢ mod 11) mod 10 with weights 6,5,4,3,2 (総務省「全国地方公共団体コード」仕様).
* 法人番号 (corporate number): a leading check digit + 12 digits. The check digit is
  9 − (Σ Pₙ·Qₙ mod 9), Pₙ the n-th digit counted from the right of the 12, Qₙ 1 for odd n and 2
  for even n (国税庁「法人番号の指定に関する省令」).
* A municipality's 法人番号 is the check digit + "000020" + its 6-digit code.

The same arithmetic is expressed as database expressions in ``partnerships.db_checks`` so that the
database refuses what the model refuses.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LG_CODE_WEIGHTS = (6, 5, 4, 3, 2)
_SIX_DIGITS = re.compile(r"\d{6}")
_THIRTEEN_DIGITS = re.compile(r"\d{13}")


def lg_code_check_digit(first_five: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_five, LG_CODE_WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def corporate_number_check_digit(base12: str) -> str:
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return str(9 - total % 9)


def is_valid_lg_code(value: str) -> bool:
    return bool(_SIX_DIGITS.fullmatch(value or "")) and lg_code_check_digit(value[:5]) == value[5]


def is_valid_corporate_number(value: str) -> bool:
    return bool(_THIRTEEN_DIGITS.fullmatch(value or "")) and corporate_number_check_digit(value[1:]) == value[0]


def corporate_number_for_lg_code(code: str) -> str:
    """The 法人番号 of a local government, derived from its 6-digit code."""
    base = "000020" + code
    return corporate_number_check_digit(base) + base


def validate_lg_code(value: str) -> None:
    if not _SIX_DIGITS.fullmatch(value or ""):
        raise ValidationError(_("A local government code has exactly 6 digits (e.g. 272299)."), code="lg_code_format")
    expected = lg_code_check_digit(value[:5])
    if expected != value[5]:
        raise ValidationError(
            _("The check digit of %(value)s is wrong: the code should end in %(expected)s."),
            code="lg_code_check_digit",
            params={"value": value, "expected": expected},
        )


def validate_corporate_number(value: str) -> None:
    if not _THIRTEEN_DIGITS.fullmatch(value or ""):
        raise ValidationError(
            _("A corporate number (法人番号) has exactly 13 digits (e.g. 4000020270008)."),
            code="corporate_number_format",
        )
    expected = corporate_number_check_digit(value[1:])
    if expected != value[0]:
        raise ValidationError(
            _("The check digit of %(value)s is wrong: the number should start with %(expected)s."),
            code="corporate_number_check_digit",
            params={"value": value, "expected": expected},
        )


def resolve_lg_code(text, *, exists) -> str:
    """The 6-digit local government code a person or a spreadsheet wrote: 272299, the 5-digit code
    without its check digit (27229), or the 6-digit code whose leading zero Excel dropped (15865 for
    015865; 1100 for 01100). Full-width digits and spaces are accepted.

    A 5-digit text can be read both ways; ``exists(code) -> bool`` decides (the national list in the
    database: ``partnerships.selectors.lg_code_exists``), and when both or neither reading exists a
    ``ValidationError`` says so. A 6-digit code with a wrong check digit is refused with the digit it should end in."""
    import unicodedata

    raw = str(text if text is not None else "")
    value = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).replace("'", "")
    if re.fullmatch(r"\d+\.0", value):  # a number cell read as a float
        value = value[:-2]
    if not re.fullmatch(r"\d{4,6}", value):
        raise ValidationError(
            _("%(value)s is not a local government code: write its 6 digits (e.g. 272299) or its 5 (27229)."),
            code="lg_code_format",
            params={"value": raw},
        )
    if len(value) == 6:
        validate_lg_code(value)
        return value
    if len(value) == 4:  # a 5-digit code that lost its leading zero
        value = "0" + value
        return value + lg_code_check_digit(value)
    readings = [value + lg_code_check_digit(value)]
    padded = "0" + value
    if lg_code_check_digit(padded[:5]) == padded[5]:
        readings.append(padded)
    readings = [r for r in readings if 1 <= int(r[:2]) <= 47]
    found = [r for r in readings if exists(r)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(
            _("No local government has the code %(value)s (read as %(readings)s)."),
            code="lg_code_unknown",
            params={"value": raw, "readings": " / ".join(readings) or value},
        )
    raise ValidationError(
        _("The code %(value)s is ambiguous: it can be %(readings)s; write the 6 digits."),
        code="lg_code_ambiguous",
        params={"value": raw, "readings": " / ".join(found)},
    )
