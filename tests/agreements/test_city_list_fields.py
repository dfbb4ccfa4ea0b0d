"""Issue 11: the fields a city's published list brings — precision of the signing date, unknown cost,
the city's own number — and their rules, in clean() and in the database alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from agreements.models import Agreement, Initiative
from core.templatetags.kyoso import cost, signed_on_display
from tests.factories import AgreementFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

MARCH_2022 = datetime.date(2022, 3, 1)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


@pytest.mark.parametrize(
    ("precision", "day", "valid"),
    [
        ("day", datetime.date(2022, 3, 6), True),
        ("month", MARCH_2022, True),
        ("month", datetime.date(2022, 3, 6), False),
        ("year", datetime.date(2022, 1, 1), True),
        ("year", MARCH_2022, False),
    ],
)
def test_a_month_or_year_precision_date_is_the_first_day_in_clean_and_in_the_database(city, precision, day, valid):
    """Given a signing date at a precision, when it is validated and when it is saved without clean(),
    then both accept it only when it is the first day of its month (month) or 1 January (year)."""
    agreement = AgreementFactory.build(
        municipality=city, public_id="272299-2022-001", signed_on=day, starts_on=day, signed_on_precision=precision
    )
    if valid:
        agreement.full_clean()
        agreement.save()
        assert refreshed(agreement).signed_on_precision == precision
        return
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert "signed_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_the_precision_is_day_by_default(city):
    """Given an agreement made without a precision, then its signing date is known to the day."""
    assert AgreementFactory(municipality=city).signed_on_precision == "day"


@pytest.mark.parametrize(("cost_jpy", "zero"), [(None, None), (0, True), (500_000, False)])
def test_zero_budget_is_null_when_the_cost_is_unknown(city, cost_jpy, zero):
    """Given an agreement and an initiative with a cost that is unknown, 0 or stated, then the database
    derives zero_budget as null, true or false: unknown is never zero-budget."""
    agreement = AgreementFactory(municipality=city, municipal_cost_jpy=cost_jpy)
    initiative = InitiativeFactory(agreement=agreement, municipal_cost_jpy=cost_jpy)
    assert refreshed(agreement).zero_budget is zero
    assert refreshed(initiative).zero_budget is zero


def test_the_cost_starts_unknown():
    """Given a new agreement or initiative, then its cost is empty (unknown), not 0."""
    assert Agreement().municipal_cost_jpy is None and Initiative().municipal_cost_jpy is None


def test_the_citys_number_is_unique_within_the_city_and_may_be_empty(city, other_city):
    """Given two agreements of a city with the same number in its list, then the second is refused by
    validate_constraints and by the database; another city may use the number; empty numbers repeat."""
    AgreementFactory(municipality=city, source_ref="12")
    AgreementFactory(municipality=other_city, source_ref="12")
    AgreementFactory(municipality=city, source_ref="")
    AgreementFactory(municipality=city, source_ref="")
    twin = AgreementFactory.build(municipality=city, public_id="272299-2024-900", source_ref="12")
    with pytest.raises(ValidationError):
        twin.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_source_columns_and_texts_as_written_are_stored_as_given(city):
    """Given the city's own columns and texts, then they are stored as they were written."""
    agreement = AgreementFactory(
        municipality=city,
        source_columns={"備考": "令和4年度から", "所管課": "企画課"},
        period_text="締結日から1年間（自動更新）",
        fields_text="防災、子育て",
        title_generated=True,
    )
    agreement = refreshed(agreement)
    assert agreement.source_columns == {"備考": "令和4年度から", "所管課": "企画課"}
    assert agreement.period_text == "締結日から1年間（自動更新）" and agreement.fields_text == "防災、子育て"
    assert agreement.title_generated is True


@pytest.mark.parametrize(
    ("precision", "day", "ja", "en"),
    [
        ("month", MARCH_2022, "2022年3月", "March 2022"),
        ("year", datetime.date(2022, 1, 1), "2022年", "2022"),
    ],
)
def test_a_month_only_date_is_shown_without_a_day(precision, day, ja, en):
    """Given a signing date known to the month (or year), then pages show 「2022年3月」 / "March 2022"."""
    agreement = Agreement(signed_on=day, signed_on_precision=precision)
    with translation.override("ja"):
        assert signed_on_display(agreement) == ja
    with translation.override("en"):
        assert signed_on_display(agreement) == en


def test_a_day_precision_date_is_shown_with_its_day():
    """Given a signing date known to the day, then it is shown as before (with its day)."""
    with translation.override("ja"):
        assert signed_on_display(Agreement(signed_on=datetime.date(2022, 3, 6))).startswith("2022年3月6日")


def test_an_unknown_cost_reads_unknown_and_zero_reads_zero_yen():
    """Given a cost that is unknown or 0, then pages show 「不明」/"Unknown" and 0円 — never the same."""
    with translation.override("en"):
        assert cost(None) == "Unknown" and cost(0) == "¥0"
    with translation.override("ja"):
        assert cost(0) == "0円"
