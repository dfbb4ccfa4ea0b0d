"""A KPI linked to (procedure, standard indicator, period kind) gets its values computed from the figures:
accepted at once, measured by the municipality, n as the sample size, the method written out, recomputed
after a re-import, and no value where the figure is withheld."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from agreements.choices import MeasuredBy, ReviewStatus
from agreements.models import Measurement
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.models import IndicatorLink, MunicipalProcedure, Procedure
from outcomes.services import COMPUTED_SOURCE, figures_recompute, indicator_link_save
from tests.factories import AgreementFactory, MeasurementFactory, OutcomeIndicatorFactory

from .conftest import TODAY
from .helpers import add_month

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def cases(city, l01):
    """60,000 people (threshold 10); April 12 cases online (1…12 days), May 15 and June 3 at the counter
    (June withheld, and April with it)."""
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10)
    add_month(city, l01, D(2025, 4, 1), 12, channel="online")
    add_month(city, l01, D(2025, 5, 1), 15, channel="counter")
    add_month(city, l01, D(2025, 6, 1), 3, channel="counter")
    figures_recompute(municipality=city, today=TODAY)


@pytest.fixture
def kpi(city):
    return OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), unit="日")


def test_a_linked_kpi_gets_an_accepted_computed_value(cases, kpi, l01, editor):
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)

    m = Measurement.objects.get(indicator=kpi)
    assert (m.period_start, m.period_end) == (D(2025, 4, 1), D(2026, 3, 31))
    # 1…12, 1…15, 1…3: 30 values, median of the 15th and 16th (6 and 7)
    assert (m.value, m.sample_size) == (Decimal("6.5"), 30)
    assert (m.review_status, m.measured_by, m.verified, m.source) == (
        ReviewStatus.ACCEPTED,
        MeasuredBy.CITY,
        False,
        COMPUTED_SOURCE,
    )
    assert m.method == "案件記録から自動計算（L01 要介護・要支援認定の申請、処理日数の中央値、営業日、n=30）"


def test_withheld_months_give_no_value(cases, kpi, l01, editor):
    indicator_link_save(
        indicator=kpi, procedure=l01, kind=StandardIndicator.P90_DAYS, period=PeriodKind.MONTH, by=editor
    )
    values = list(Measurement.objects.filter(indicator=kpi).values_list("period_start", "value", "sample_size"))
    assert values == [(D(2025, 5, 1), Decimal("13.6"), 15)]  # April and June withheld


def test_a_share_in_percent(cases, kpi, l01, editor):
    kpi.unit, kpi.direction, kpi.baseline_value, kpi.target_value = "%", "higher", Decimal("10"), Decimal("80")
    kpi.save()
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.ONLINE_SHARE, by=editor)
    assert Measurement.objects.get(indicator=kpi).value == Decimal("40.00")  # 12 of 30 online


def test_a_reimport_recomputes_and_unchanged_values_are_not_rewritten(city, cases, kpi, l01, editor):
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    versions = Measurement.history.count()

    figures_recompute(municipality=city, today=TODAY)
    assert Measurement.history.count() == versions  # same figures: nothing written

    add_month(city, l01, D(2025, 7, 1), 40)  # 1…40 more days
    figures_recompute(municipality=city, procedures=[l01], today=TODAY)
    m = Measurement.objects.get(indicator=kpi)
    assert (m.value, m.sample_size) == (Decimal("11"), 70)  # the 35th and 36th of 70 are both 11
    assert m.method.endswith("n=70）")


def test_a_value_that_becomes_withheld_is_removed(city, cases, kpi, l01, editor):
    indicator_link_save(
        indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, period=PeriodKind.MONTH, by=editor
    )
    assert Measurement.objects.filter(indicator=kpi).count() == 1
    city.population = 10_000  # threshold 20: May's 15 cases are too few now
    city.save()
    figures_recompute(municipality=city, today=TODAY)
    assert not Measurement.objects.filter(indicator=kpi).exists()


def test_a_typed_in_value_of_another_period_stays(cases, kpi, l01, editor):
    MeasurementFactory(indicator=kpi, period_start=D(2023, 4, 1), period_end=D(2024, 3, 31), value=Decimal("9"))
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    assert Measurement.objects.filter(indicator=kpi).count() == 2


def test_only_editors_of_the_municipality_link(cases, kpi, l01, viewer, other_editor, city):
    for user in (viewer, other_editor):
        with pytest.raises(PermissionDenied):
            indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=user)
    foreign = Procedure.objects.create(
        code="X-9", name="他市の手続", municipality=other_editor.memberships.get().municipality
    )
    with pytest.raises(ValidationError):
        indicator_link_save(indicator=kpi, procedure=foreign, kind=StandardIndicator.MEDIAN_DAYS, by=None)


# --- the unit rule: the KPI's unit must suit the standard indicator ------------------------------------


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("日", StandardIndicator.MEDIAN_DAYS),
        (" 営業日 ", StandardIndicator.P90_DAYS),
        ("Days", StandardIndicator.MEDIAN_DAYS),
        ("％", StandardIndicator.WITHIN_STANDARD_SHARE),
        ("割合", StandardIndicator.CORRECTION_SHARE),
        ("点", StandardIndicator.SATISFACTION_MEAN),
        ("-", StandardIndicator.SATISFACTION_MEAN),
    ],
)
def test_a_unit_that_suits_the_indicator_is_linked(cases, kpi, l01, editor, unit, kind):
    kpi.unit = unit
    kpi.save()
    link = indicator_link_save(indicator=kpi, procedure=l01, kind=kind, by=editor)
    assert link.pk and link.kind == kind


@pytest.mark.parametrize(
    ("unit", "kind", "accepted"),
    [
        ("%", StandardIndicator.MEDIAN_DAYS, "営業日"),
        ("か月", StandardIndicator.P90_DAYS, "営業日"),
        ("日", StandardIndicator.ONLINE_SHARE, "割合（0〜1）"),
        ("件", StandardIndicator.CORRECTION_SHARE, "％"),
        ("%", StandardIndicator.SATISFACTION_MEAN, "点"),
    ],
)
def test_a_unit_that_does_not_suit_is_refused_and_nothing_is_saved(cases, kpi, l01, editor, unit, kind, accepted):
    kpi.unit = unit
    kpi.save()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        indicator_link_save(indicator=kpi, procedure=l01, kind=kind, by=editor)
    (message,) = refused.value.message_dict["kind"]
    assert f"“{unit}” does not suit {StandardIndicator(kind).label}" in message
    assert "Change the KPI's unit" in message and accepted in message
    assert "lower" not in message and "higher" not in message  # says nothing of the direction
    assert not IndicatorLink.objects.exists()
    assert not Measurement.objects.filter(indicator=kpi).exists()


def test_a_refused_unit_leaves_an_existing_link_as_it_was(cases, kpi, l01, editor):
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    with pytest.raises(ValidationError):
        indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.ONLINE_SHARE, by=editor)
    assert IndicatorLink.objects.get(indicator=kpi).kind == StandardIndicator.MEDIAN_DAYS
    assert Measurement.objects.get(indicator=kpi).value == Decimal("6.5")


def test_a_share_as_a_ratio_is_not_multiplied(cases, kpi, l01, editor):
    kpi.unit = "割合"
    kpi.save()
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.ONLINE_SHARE, by=editor)
    assert Measurement.objects.get(indicator=kpi).value == Decimal("0.4")  # 12 of 30 online


def test_another_municipalitys_procedure_is_refused_before_the_unit(cases, kpi, other_city, editor):
    foreign = Procedure.objects.create(code="X-8", name="他市の手続", municipality=other_city)
    kpi.unit = "件"
    kpi.save()
    with pytest.raises(ValidationError) as refused:
        indicator_link_save(indicator=kpi, procedure=foreign, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    assert set(refused.value.message_dict) == {"procedure"}
    assert not IndicatorLink.objects.exists()
