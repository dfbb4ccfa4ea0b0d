"""The figures (outcomes.figures, services.figures_recompute) against hand-worked cases: medians of odd
and even n, the 90th percentile by linear interpolation (type 7), shares over the cases where the field
is known, months and fiscal years of 処分日 across 3/31 – 4/1, and a recompute after a re-import."""

import datetime
from decimal import Decimal

import pytest

from outcomes.choices import PeriodKind
from outcomes.figures import _counts_python, _counts_sql, median, percentile
from outcomes.models import Case, MunicipalProcedure, OutcomeFigure, Procedure
from outcomes.services import cases_import, figures_recompute

from .conftest import GOOD_ROWS, TODAY, csv_bytes
from .helpers import add_case

pytestmark = pytest.mark.django_db
D = datetime.date


def figure(city, procedure, kind, start):
    return OutcomeFigure.objects.get(municipality=city, procedure=procedure, period=kind, period_start=start)


@pytest.fixture
def l01(db):
    """要介護・要支援認定の申請: statutory limit 30 calendar days."""
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def worked(city, l01):
    """April 2025: five cases; May 2025: four; the city's 標準処理期間 4 business days."""
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=4, publish_figures=True)
    april = D(2025, 4, 30)
    add_case(city, l01, april, 1, 1, channel="online", satisfaction=5)
    add_case(city, l01, april, 2, 3, channel="online", satisfaction=4, corrected=True)
    add_case(city, l01, april, 3, 5, channel="counter")
    add_case(city, l01, april, 4, 6)
    add_case(city, l01, april, 10, 31)  # beyond the statutory 30 days
    may = D(2025, 5, 15)
    add_case(city, l01, may, 2, 2, channel="mail")
    add_case(city, l01, may, 4, 6, channel="mail", satisfaction=1)
    add_case(city, l01, may, 6, 9, channel="online")
    add_case(city, l01, may, 8, 12, channel="online", corrected=True)
    figures_recompute(municipality=city, today=TODAY)


def test_a_month_of_odd_n(city, l01, worked):
    """Days 1 2 3 4 10: median the 3rd = 3; p90: h = 0.9 × 4 = 3.6, x4 + 0.6 × (x5 − x4) = 4 + 3.6 = 7.6.
    Calendar days 1 3 5 6 31: median 5, mean 46 / 5 = 9.2. Within 4 business days: 4 of 5; within 30
    calendar days: 4 of 5; online: 2 of the 3 that give a channel; corrected: 1 of 5; satisfaction
    (5 + 4) / 2."""
    f = figure(city, l01, PeriodKind.MONTH, D(2025, 4, 1))
    assert (f.period_end, f.n, f.n_channel, f.n_satisfaction) == (D(2025, 4, 30), 5, 3, 2)
    assert (f.median_days, f.p90_days) == (Decimal("3"), Decimal("7.6"))
    assert (f.median_calendar_days, f.mean_calendar_days) == (Decimal("5"), Decimal("9.2"))
    assert (f.within_standard_share, f.within_statutory_share) == (Decimal("0.8"), Decimal("0.8"))
    assert f.online_share == Decimal("0.6667")
    assert f.correction_share == Decimal("0.2")
    assert f.satisfaction_mean == Decimal("4.5")
    assert (f.standard_days, f.statutory_limit_days) == (4, 30)


def test_a_month_of_even_n(city, l01, worked):
    """Days 2 4 6 8: median (4 + 6) / 2 = 5; p90: h = 2.7, x3 + 0.7 × (x4 − x3) = 6 + 1.4 = 7.4.
    Calendar days 2 6 9 12: median 7.5, mean 29 / 4 = 7.25."""
    f = figure(city, l01, PeriodKind.MONTH, D(2025, 5, 1))
    assert (f.period_end, f.n) == (D(2025, 5, 31), 4)
    assert (f.median_days, f.p90_days) == (Decimal("5"), Decimal("7.4"))
    assert (f.median_calendar_days, f.mean_calendar_days) == (Decimal("7.5"), Decimal("7.25"))
    assert (f.within_standard_share, f.online_share, f.correction_share) == (
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("0.25"),
    )
    assert f.satisfaction_mean == Decimal("1")


def test_the_fiscal_year(city, l01, worked):
    """All nine: 1 2 2 3 4 4 6 8 10, median the 5th = 4; p90: h = 7.2, 8 + 0.2 × 2 = 8.4."""
    f = figure(city, l01, PeriodKind.FISCAL_YEAR, D(2025, 4, 1))
    assert (f.period_end, f.n, f.n_channel, f.n_satisfaction) == (D(2026, 3, 31), 9, 7, 3)
    assert (f.median_days, f.p90_days) == (Decimal("4"), Decimal("8.4"))
    assert f.median_calendar_days == Decimal("6")
    assert f.mean_calendar_days == Decimal("8.33")  # 75 / 9
    assert f.within_standard_share == Decimal("0.6667")  # 6 of 9
    assert f.online_share == Decimal("0.5714")  # 4 of 7
    assert f.satisfaction_mean == Decimal("3.33")  # 10 / 3
    assert OutcomeFigure.objects.filter(municipality=city).count() == 3


def test_the_fiscal_year_turns_between_3_31_and_4_1(city, l01):
    add_case(city, l01, D(2025, 3, 31), 2, 2)
    add_case(city, l01, D(2025, 4, 1), 3, 3)
    add_case(city, l01, D(2026, 1, 5), 4, 10)  # January belongs to the fiscal year begun the April before
    figures_recompute(municipality=city, today=TODAY)

    years = dict(OutcomeFigure.objects.filter(period=PeriodKind.FISCAL_YEAR).values_list("period_start", "n"))
    assert years == {D(2024, 4, 1): 1, D(2025, 4, 1): 2}
    months = dict(OutcomeFigure.objects.filter(period=PeriodKind.MONTH).values_list("period_start", "period_end"))
    assert months == {
        D(2025, 3, 1): D(2025, 3, 31),
        D(2025, 4, 1): D(2025, 4, 30),
        D(2026, 1, 1): D(2026, 1, 31),
    }
    f = figure(city, l01, PeriodKind.FISCAL_YEAR, D(2024, 4, 1))
    assert f.period_end == D(2025, 3, 31)


def test_unknowns_give_no_share(city, l01):
    """No 標準処理期間, no channel, no satisfaction: those figures are null, not 0. One case: the median
    and the 90th percentile are that case."""
    add_case(city, l01, D(2025, 6, 2), 7, 9)
    figures_recompute(municipality=city, today=TODAY)
    f = figure(city, l01, PeriodKind.MONTH, D(2025, 6, 1))
    assert (f.median_days, f.p90_days) == (Decimal("7"), Decimal("7"))
    assert (f.within_standard_share, f.online_share, f.satisfaction_mean) == (None, None, None)
    assert (f.within_statutory_share, f.correction_share) == (Decimal("1"), Decimal("0"))
    m01 = Procedure.objects.get(code="M01", municipality__isnull=True)  # no statutory limit
    add_case(city, m01, D(2025, 6, 2), 1, 1)
    figures_recompute(municipality=city, procedures=[m01], today=TODAY)
    assert figure(city, m01, PeriodKind.MONTH, D(2025, 6, 1)).within_statutory_share is None


def test_the_percentile_method():
    """Type 7 by hand: h = 0.9 (n − 1); x⌊h⌋+1 + frac(h) × (x⌊h⌋+2 − x⌊h⌋+1)."""
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Decimal("0.9")) == Decimal("9.1")  # h = 8.1
    assert percentile([5], Decimal("0.9")) == 5
    assert percentile([0, 100], Decimal("0.9")) == 90
    assert median([1, 3]) == 2 and median([1, 2, 9]) == 2 and median([1, 2, 3, 10]) == Decimal("2.5")


@pytest.mark.postgres
def test_sql_and_python_give_the_same_figures(city, l01, worked, postgres_only):
    m01 = Procedure.objects.get(code="M01", municipality__isnull=True)
    for i in range(37):
        add_case(
            city,
            m01,
            D(2025, 3 + i % 6, 1 + i % 27),
            (i * 7) % 13,
            (i * 11) % 29,
            channel=["", "online", "mail"][i % 3],
        )

    def key(c):
        return (c.procedure_id, c.period, c.period_start)

    assert sorted(_counts_sql(city, None), key=key) == sorted(_counts_python(city, None), key=key)


def test_a_reimport_recomputes(city):
    """cases_import recomputes the figures of the procedures it touched, in its transaction."""
    cases_import(municipality=city, name="cases.csv", source=csv_bytes(GOOD_ROWS), by=None, today=TODAY)
    c11 = Procedure.objects.get(code="C11", municipality__isnull=True)
    assert figure(city, c11, PeriodKind.MONTH, D(2025, 4, 1)).median_days == Decimal("15")

    moved = GOOD_ROWS[0][:3] + ["2025-05-01", "", "", "窓口", ""]  # now decided on 1 May, no correction
    cases_import(municipality=city, name="cases.csv", source=csv_bytes([moved]), by=None, today=TODAY)

    assert not OutcomeFigure.objects.filter(procedure=c11, period=PeriodKind.MONTH, period_start=D(2025, 4, 1)).exists()
    may = figure(city, c11, PeriodKind.MONTH, D(2025, 5, 1))
    assert (may.n, may.online_share, may.correction_share) == (1, Decimal("0"), Decimal("0"))
    assert OutcomeFigure.objects.filter(municipality=city).count() == 6  # C11, L01, M01: a month and a year each


def test_figures_of_a_period_before_the_retention_cutoff_are_kept(city, l01, settings):
    """The retention job deletes old cases; their figures stay, and a recompute does not shrink them."""
    add_case(city, l01, D(2020, 5, 1), 3, 4)
    add_case(city, l01, D(2020, 5, 2), 5, 6)
    figures_recompute(municipality=city, today=D(2025, 4, 1))
    Case.objects.filter(decided_on=D(2020, 5, 1)).delete()  # as the retention job would

    figures_recompute(municipality=city, today=D(2025, 6, 1))  # cutoff 2020-06-01

    assert figure(city, l01, PeriodKind.MONTH, D(2020, 5, 1)).n == 2
    assert figure(city, l01, PeriodKind.FISCAL_YEAR, D(2020, 4, 1)).n == 2
