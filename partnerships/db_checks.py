"""Check-digit rules as database expressions, for CheckConstraints.

Portable between SQLite and PostgreSQL: substr, cast and modulo only. They mirror
``partnerships.codes`` so the database rejects a bad code even when a caller skips full_clean().
"""

from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Cast, Length, Mod, Substr
from django.db.models.lookups import Exact

from .codes import LG_CODE_WEIGHTS


def _digit(field: str, position: int):
    return Cast(Substr(field, position, 1), output_field=IntegerField())


def lg_code_is_valid(field: str) -> Q:
    weighted = sum((_digit(field, i + 1) * w for i, w in enumerate(LG_CODE_WEIGHTS)), start=Value(0))
    check = Mod(Value(11) - Mod(weighted, Value(11)), Value(10))
    return Q(**{f"{field}__regex": r"^[0-9]{6}$"}) & Q(Exact(_digit(field, 6), check))


def corporate_number_is_valid(field: str) -> Q:
    # Position 13 is the rightmost digit (n = 1, weight 1); position 2 is n = 12 (weight 2).
    weighted = sum((_digit(field, pos) * (1 if (14 - pos) % 2 else 2) for pos in range(2, 14)), start=Value(0))
    check = Value(9) - Mod(weighted, Value(9))
    return Q(**{f"{field}__regex": r"^[0-9]{13}$"}) & Q(Exact(Length(F(field)), 13)) & Q(Exact(_digit(field, 1), check))
