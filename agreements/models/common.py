"""Pieces shared by the agreement models."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_upload_size(file) -> None:
    """Uploads are limited to KYOSO_MAX_UPLOAD_BYTES (default 20 MB)."""
    from django.conf import settings

    limit = settings.KYOSO_MAX_UPLOAD_BYTES
    if file and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": round(file.size / 1_048_576, 1), "limit": round(limit / 1_048_576, 1)},
        )


FIRST_YEAR, LAST_YEAR = 1950, 2100


def validate_plausible_date(value) -> None:
    """Dates of partnerships fall between 1950 and 2100: year 1 or 9999 is a typing slip, not a date."""
    if value and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="implausible_year",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


PLAUSIBLE = [validate_plausible_date]


def zero_budget_field():
    """A zero-budget flag derived by the database from municipal_cost_jpy (never set by hand).

    True when the cost is stated as 0, false when it is stated and not 0, NULL when the cost is
    unknown (NULL): an unknown cost is never counted as a zero-budget project.
    """
    return models.GeneratedField(
        expression=models.Case(
            models.When(municipal_cost_jpy__isnull=True, then=models.Value(None, output_field=models.BooleanField())),
            models.When(municipal_cost_jpy=0, then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        ),
        output_field=models.BooleanField(null=True),
        db_persist=True,
        verbose_name=_("zero-budget"),
    )


def municipal_cost_field():
    """The municipality's cost in yen: empty when unknown, 0 for a zero-budget project."""
    return models.PositiveBigIntegerField(
        _("municipal cost (yen)"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Empty: unknown. 0: a zero-budget project."),
    )


def dates_in_order(first: str, second: str, name: str) -> models.CheckConstraint:
    """A CheckConstraint that ``first`` ≤ ``second`` when both are set."""
    return models.CheckConstraint(
        condition=Q(**{f"{first}__isnull": True})
        | Q(**{f"{second}__isnull": True})
        | Q(**{f"{first}__lte": models.F(second)}),
        name=name,
    )


def check_dates_in_order(instance, first: str, second: str, message) -> dict:
    """Model-level twin of ``dates_in_order``: returns {second: message} when out of order."""
    a, b = getattr(instance, first), getattr(instance, second)
    if a and b and a > b:
        return {second: message}
    return {}


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
