"""outcomes.evidence by hand-checked small cases: the before/after with its bootstrap interval, the
difference-in-differences recovering a planted effect, each reason it cannot support an estimate, the
small-number rule on every public output, members reading their own municipality unsuppressed, and the
comparison across municipalities (with its query counts)."""

import datetime
import hashlib
import itertools
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from outcomes import evidence
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.disclosure import shown
from outcomes.evidence import before_after, comparison, did_estimate, evidence_visible, figures_changed
from outcomes.figures import period_end
from outcomes.models import Case, IndicatorLink, MunicipalProcedure, OutcomeFigure, Procedure, ReferenceFigure
from outcomes.services import figures_recompute, public_figures
from partnerships.models import Role
from tests.factories import (
    AgreementFactory,
    InitiativeFactory,
    MembershipFactory,
    MunicipalityFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    UserFactory,
)

from .helpers import IMPORTED_AT, add_month

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2025, 4, 1)
_keys = itertools.count()


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


def populated(city, population=60_000):
    city.population, city.population_counted_on = population, D(2025, 1, 1)
    city.save()
    return city


def add_cases(city, procedure, received: D, days: list[int]) -> None:
    Case.objects.bulk_create(
        Case(
            municipality=city,
            procedure=procedure,
            case_key=hashlib.sha256(f"evidence-{next(_keys)}".encode()).hexdigest(),
            received_on=received,
            decided_on=received + datetime.timedelta(days=2 * d),
            processing_days=d,
            calendar_days=2 * d,
            imported_at=IMPORTED_AT,
        )
        for d in days
    )


def linked_kpi(city, procedure, *, starts_on=START, published=True, initiative=True, period=PeriodKind.MONTH):
    agreement = AgreementFactory(
        municipality=city, published=published, published_at=timezone.now() if published else None
    )
    kwargs = {"agreement": agreement}
    if initiative:
        kwargs["initiative"] = InitiativeFactory(agreement=agreement, starts_on=starts_on)
    kpi = OutcomeIndicatorFactory(**kwargs)
    IndicatorLink.objects.create(indicator=kpi, procedure=procedure, kind=StandardIndicator.MEDIAN_DAYS, period=period)
    return kpi


def officer_of(city, username="member"):
    user = UserFactory(username=username)
    MembershipFactory(user=user, municipality=city, organization=None, role=Role.VIEWER)
    return user


# --- before/after --------------------------------------------------------------------------------------

BEFORE_DAYS = [18, 19, 20, 21, 22] * 6  # median 20; 6 of 30 within 18 days
AFTER_DAYS = [8, 9, 10, 11, 12] * 6  # median 10; all within 18 days


@pytest.fixture
def before_after_city(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=18, publish_figures=True)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    add_cases(city, l01, D(2024, 3, 29), [99] * 5)  # received before the 12-month window: not counted
    return city


def test_before_after_difference_interval_and_share(before_after_city, l01):
    result = before_after(indicator=linked_kpi(before_after_city, l01))

    assert result.supported and result.reasons == []
    assert (result.before.n, result.before.median_days) == (30, Decimal("20.00"))
    assert (result.after.n, result.after.median_days) == (30, Decimal("10.00"))
    assert (result.before.start, result.before.end) == (D(2024, 4, 1), D(2025, 3, 31))
    assert (result.after.start, result.after.end) == (START, D(2025, 6, 2))  # the last case received
    assert result.difference == Decimal("-10.00")
    low, high = result.interval
    assert low <= Decimal("-10") <= high and high < 0
    assert result.before.within_standard_share == Decimal("0.2000")
    assert result.share_change == Decimal("0.8000")
    assert result.caveats


def test_the_bootstrap_is_reproducible():
    before, after = [3, 5, 8, 13, 21, 34] * 4, [2, 3, 5, 8, 13] * 5
    assert evidence.bootstrap_interval(before, after) == evidence.bootstrap_interval(before, after)
    assert evidence.bootstrap_resamples(before, after) == 9_999
    assert evidence.bootstrap_resamples([1] * 5_001, after) == 1_999


def test_before_after_is_cached_until_figures_change(before_after_city, l01, django_assert_num_queries):
    kpi = linked_kpi(before_after_city, l01)
    first = before_after(indicator=kpi)
    with django_assert_num_queries(0):
        assert before_after(indicator=kpi).interval == first.interval
    add_cases(before_after_city, l01, D(2025, 6, 3), [1] * 40)
    figures_changed(procedures=[l01])
    assert before_after(indicator=kpi).after.n == 70


def test_a_small_side_is_withheld_for_the_public_and_shown_to_members(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=True)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), [8, 9, 10, 11, 12])  # 5 cases: fewer than the threshold of 10
    kpi = linked_kpi(city, l01)

    public = before_after(indicator=kpi)
    assert not public.supported
    assert public.after.withheld and public.after.n is None and public.after.median_days is None
    assert public.difference is None and public.interval is None
    assert "Too few cases on one side to publish a figure" in public.reasons[0]

    member = before_after(indicator=kpi, public=False)
    assert (member.after.n, member.after.median_days, member.after.withheld) == (5, Decimal("10.00"), False)
    assert not member.supported and "at least 10 on each side" in member.reasons[0]


def test_under_2000_people_no_side_is_public(city, l01):
    populated(city, 1_500)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    result = before_after(indicator=linked_kpi(city, l01))
    assert result.before.withheld and result.after.withheld and not result.supported


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"starts_on": None}, "The initiative has no start date."),
        ({"initiative": False}, "The initiative has no start date."),
    ],
)
def test_no_start_date(before_after_city, l01, kwargs, reason):
    result = before_after(indicator=linked_kpi(before_after_city, l01, **kwargs))
    assert (result.supported, result.reasons, result.before) == (False, [reason], None)


def test_not_linked(city):
    result = before_after(indicator=OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city)))
    assert result.reasons == ["This KPI is not linked to a procedure."]


def test_no_cases_before_the_start(city, l01):
    """The retention job deleted the cases before the start: nothing to compare with."""
    populated(city)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    result = before_after(indicator=linked_kpi(city, l01))
    assert not result.supported and "no case records before or after the start" in result.reasons[0]


# --- difference-in-differences -------------------------------------------------------------------------


def month_figure(city, procedure, month: D, median, *, n=50):
    return OutcomeFigure(
        municipality=city,
        procedure=procedure,
        period=PeriodKind.MONTH,
        period_start=month,
        period_end=period_end(PeriodKind.MONTH, month),
        n=n,
        n_channel=n,
        n_satisfaction=0,
        n_within_standard=0,
        n_within_statutory=0,
        n_online=0,
        n_corrected=0,
        satisfaction_sum=0,
        median_days=Decimal(str(median)),
        p90_days=Decimal(str(median)),
        median_calendar_days=Decimal(str(median)),
        mean_calendar_days=Decimal(str(median)),
        correction_share=Decimal(0),
        computed_at=timezone.now(),
    )


MONTHS = [evidence.add_months(START, i) for i in range(-12, 12)]  # FY2024 and FY2025


def panel(procedure, cities, *, effect=-10.0, n_treated=50, treated_slope=0.0, months=MONTHS, seed=1):
    """Monthly medians: a city level + a common month shock + noise; the first city gets ``effect`` from
    START (and ``treated_slope`` per month throughout)."""
    rng = np.random.default_rng(seed)
    shocks = {m: rng.normal(0, 1.5) for m in MONTHS}
    figures = []
    for index, city in enumerate(cities):
        populated(city)
        MunicipalProcedure.objects.get_or_create(municipality=city, procedure=procedure, publish_figures=True)
        level = 20 + 2 * index
        for i, month in enumerate(months if index == 0 else MONTHS):
            y = level + shocks[month] + rng.normal(0, 0.5)
            if index == 0:
                y += (effect if month >= START else 0) + treated_slope * i
            n = n_treated if index == 0 else 50
            figures.append(month_figure(city, procedure, month, round(y * 2) / 2, n=n))
    OutcomeFigure.objects.bulk_create(figures)


@pytest.fixture
def cities(city):
    return [city, *(MunicipalityFactory() for _ in range(4))]


def test_did_recovers_a_planted_effect(cities, l01):
    panel(l01, cities)
    result = did_estimate(indicator=linked_kpi(cities[0], l01))

    assert result.supported, result.reasons
    low, high = result.interval
    assert low <= Decimal("-10") <= high
    assert abs(result.estimate + 10) < 1
    assert 0 <= result.p_value < 0.01
    assert (result.pre_periods, result.post_periods) == (12, 12)
    assert result.controls == sorted(cities[1:], key=lambda c: c.code)
    assert len(result.trend) == 24 and result.trend[0].period_start == D(2024, 4, 1)
    assert all(p.treated is not None and p.controls_mean is not None for p in result.trend)
    assert result.pre_trend_p_value is not None  # this draw's pre-period happens to drift (0.16 a month)
    assert any("unreliable" in c for c in result.caveats)
    assert len(result.placebo_estimates) == 4 and all(abs(p) < 1 for p in result.placebo_estimates)
    assert not any("placebo" in c for c in result.caveats)
    assert "C(city) + C(month)" in result.method


def test_did_without_an_effect_covers_zero(cities, l01):
    panel(l01, cities, effect=0)
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert result.interval[0] <= 0 <= result.interval[1] and result.p_value > 0.05


def test_diverging_pre_trends_are_a_caveat(cities, l01):
    panel(l01, cities, effect=0, treated_slope=-0.8)
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert result.pre_trend_p_value < evidence.PRE_TREND_ALPHA
    assert any("trend already differed" in c for c in result.caveats)


def test_too_few_controls(cities, l01):
    panel(l01, cities[:2])
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert not result.supported and result.estimate is None
    assert result.reasons == [
        "Too few comparison municipalities (1; at least 2 publishing this procedure's figures for enough "
        "months, without a similar initiative, are needed)."
    ]
    assert result.trend  # the lines are still there to look at


def test_a_municipality_with_its_own_initiative_is_no_control(cities, l01):
    panel(l01, cities)
    linked_kpi(cities[1], l01, starts_on=D(2025, 10, 1))
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert cities[1] not in result.controls and len(result.controls) == 3


def test_too_few_months_before_and_after(cities, l01):
    panel(l01, cities, months=[m for m in MONTHS if D(2024, 11, 1) <= m < D(2025, 6, 1)])
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert result.reasons == [
        "Too few months with a published figure before the start (5; at least 6 are needed).",
        "Too few months with a published figure after the start (2; at least 3 are needed).",
    ]


def test_a_control_with_too_few_months_is_dropped(cities, l01):
    panel(l01, cities)
    OutcomeFigure.objects.filter(municipality=cities[4], period_start__gte=D(2025, 2, 1)).delete()
    result = did_estimate(indicator=linked_kpi(cities[0], l01))
    assert result.dropped_controls == 1 and cities[4] not in result.controls and result.supported


def test_did_public_months_are_withheld_members_read_them(cities, l01):
    """The treated city's months have 5 cases each: the public cannot read them, its members can."""
    panel(l01, cities, n_treated=5)
    kpi = linked_kpi(cities[0], l01)
    public = did_estimate(indicator=kpi)
    assert not public.supported and public.pre_periods == 0
    assert all(p.treated is None for p in public.trend)
    member = did_estimate(indicator=kpi, public=False)
    assert member.supported and member.pre_periods == 12


def test_a_start_mid_month_leaves_that_month_out(cities, l01):
    panel(l01, cities)
    result = did_estimate(indicator=linked_kpi(cities[0], l01, starts_on=D(2025, 3, 15)))
    assert (result.pre_periods, result.post_periods) == (11, 12)  # March 2025 mixes both


def test_did_not_linked_or_no_start(city, l01):
    assert not did_estimate(indicator=OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city))).supported
    result = did_estimate(indicator=linked_kpi(city, l01, starts_on=None))
    assert result.reasons == ["The initiative has no start date."]


# --- who sees what -------------------------------------------------------------------------------------


def test_evidence_visible(city, l01, organization, partner):
    populated(city)
    setting = MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=True)
    kpi = linked_kpi(city, l01)
    hidden = linked_kpi(city, l01, published=False)
    PartyFactory(agreement=hidden.agreement, organization=organization)
    member = officer_of(city)
    stranger = officer_of(MunicipalityFactory(), "stranger")

    assert evidence_visible(indicator=kpi, user=None) == (True, True)
    assert evidence_visible(indicator=kpi, user=member) == (True, False)
    assert evidence_visible(indicator=kpi, user=stranger) == (True, True)
    assert evidence_visible(indicator=hidden, user=None) == (False, True)
    assert evidence_visible(indicator=hidden, user=partner) == (True, True)
    assert evidence_visible(indicator=hidden, user=member) == (True, False)
    setting.publish_figures = False
    setting.save()
    assert evidence_visible(indicator=kpi, user=None) == (False, True)
    assert evidence_visible(indicator=kpi, user=member) == (True, False)
    unlinked = OutcomeIndicatorFactory(agreement=kpi.agreement)
    assert evidence_visible(indicator=unlinked, user=member) == (False, True)


# --- the small-number rule's shortcut -------------------------------------------------------------------


@pytest.mark.parametrize("indicator", ["median_days", "online_share", "within_standard_share"])
def test_the_shortcut_gives_what_the_rule_gives(indicator):
    """``_latest_row`` skips the rule when nothing can be withheld: on random fiscal years, the same
    answer as the rule itself."""
    rng = np.random.default_rng(7)
    city = MunicipalityFactory.build(pk=1, population=60_000)
    for _trial in range(300):
        figures = []
        for k in range(int(rng.integers(1, 13))):
            n = int(rng.integers(1, 40))
            figures.append(light_figure(month(k), "month", n, rng))
        figures.append(light_figure(D(2025, 4, 1), "fiscal_year", sum(f.n for f in figures), rng))
        period = "month" if rng.random() < 0.5 else "fiscal_year"
        fast = evidence._latest_row(city, figures, indicator=indicator, period=period, public=True)
        latest = max((f for f in figures if f.period == period), key=lambda f: f.period_start)
        slow = next(r for r in shown(figures, threshold=10) if r.figure is latest)
        assert (fast.value, fast.n) == (slow.values[indicator], slow.values["n"])


def month(k):
    return evidence.add_months(D(2025, 4, 1), k)


def light_figure(start, period, n, rng):
    channel = int(rng.integers(0, n + 1))
    values = dict.fromkeys(evidence._FIGURE_COLUMNS)
    values.update(
        municipality_id=1, period=period, period_start=start, period_end=period_end(period, start), n=n,
        n_channel=channel, n_satisfaction=0, n_online=channel // 2, n_within_standard=n // 2,
        median_days=Decimal(int(rng.integers(1, 30))), within_standard_share=Decimal(n // 2) / n,
        online_share=Decimal(channel // 2) / channel if channel else None,
    )  # fmt: skip
    return evidence._Figure(**values)


# --- the comparison ------------------------------------------------------------------------------------


def year_figure(city, procedure, start, median, n):
    figure = month_figure(city, procedure, start, median, n=n)
    figure.period, figure.period_end, figure.standard_days = (
        PeriodKind.FISCAL_YEAR,
        period_end("fiscal_year", start),
        15,
    )
    return figure


@pytest.fixture
def compared(city, l01):
    """Four cities publishing L01 (one of them small in its latest year), one not publishing."""
    cities = [populated(city), *(populated(MunicipalityFactory()) for _ in range(4))]
    figures = [
        year_figure(cities[0], l01, D(2024, 4, 1), 30, 100),
        year_figure(cities[0], l01, D(2025, 4, 1), 12.5, 80),
        year_figure(cities[1], l01, D(2025, 4, 1), 20, 60),
        year_figure(cities[2], l01, D(2024, 4, 1), 15, 60),  # its latest is an older year
        year_figure(cities[3], l01, D(2025, 4, 1), 9, 4),  # 4 cases: withheld
        year_figure(cities[4], l01, D(2025, 4, 1), 5, 90),  # does not publish
    ]
    OutcomeFigure.objects.bulk_create(figures)
    for c in cities[:4]:
        MunicipalProcedure.objects.create(municipality=c, procedure=l01, standard_days=15, publish_figures=True)
    MunicipalProcedure.objects.create(municipality=cities[4], procedure=l01, standard_days=10)
    return cities


def test_comparison_rows(compared, l01):
    result = comparison(procedure=l01, highlight=compared[1])
    rows = [(r.municipality, r.period_start, r.value, r.n, r.suppressed, r.highlighted) for r in result.rows]
    assert rows == [
        (compared[0], D(2025, 4, 1), Decimal("12.50"), 80, False, False),
        (compared[2], D(2024, 4, 1), Decimal("15.00"), 60, False, False),
        (compared[1], D(2025, 4, 1), Decimal("20.00"), 60, False, True),
        (compared[3], D(2025, 4, 1), None, None, True, False),
    ]
    assert all(r.standard_days == 15 for r in result.rows)
    assert (result.indicator, result.period, result.references) == ("median_days", "fiscal_year", [])


def test_members_read_their_own_municipality_unsuppressed(compared, l01):
    member = officer_of(compared[3])
    rows = {r.municipality: r for r in comparison(procedure=l01, user=member).rows}
    assert (rows[compared[3]].value, rows[compared[3]].n, rows[compared[3]].member) == (Decimal("9.00"), 4, True)
    own = officer_of(compared[4], "own")  # not publishing: its members still see their own place
    rows = {r.municipality: r for r in comparison(procedure=l01, user=own).rows}
    assert rows[compared[4]].value == Decimal("5.00") and rows[compared[3]].value is None


def test_comparison_months_and_other_indicators(compared, l01):
    OutcomeFigure.objects.bulk_create(
        [
            month_figure(compared[0], l01, D(2025, 5, 1), 11, n=40),
            month_figure(compared[0], l01, D(2025, 6, 1), 7, n=40),
        ]
    )
    result = comparison(procedure=l01, period=PeriodKind.MONTH, indicator=StandardIndicator.CORRECTION_SHARE)
    assert [(r.municipality, r.period_start, r.value) for r in result.rows] == [
        (compared[0], D(2025, 6, 1), Decimal("0.0000"))
    ]


def test_comparison_references_of_the_latest_period(compared, l01):
    for start, name in ((D(2023, 4, 1), "古い"), (D(2024, 4, 1), "B広域連合"), (D(2024, 4, 1), "A市")):
        ReferenceFigure.objects.create(
            procedure=l01,
            insurer_name=name,
            period_start=start,
            period_end=period_end("fiscal_year", start),
            mean_calendar_days=Decimal("38.5"),
            source_title="要介護認定適正化事業",
            source_url="https://www.mhlw.go.jp/",
        )
    assert [r.insurer_name for r in comparison(procedure=l01).references] == ["A市", "B広域連合"]


def test_comparison_queries_and_cache(compared, l01, django_assert_num_queries):
    with django_assert_num_queries(3):  # settings with municipalities, the figures, the references
        first = comparison(procedure=l01)
    with django_assert_num_queries(0):
        again = comparison(procedure=l01, highlight=compared[0])
    assert [r.value for r in again.rows] == [r.value for r in first.rows] and again.rows[0].highlighted
    assert not first.rows[0].highlighted  # the cached rows are not changed by a highlight
    MunicipalProcedure.objects.filter(municipality=compared[1]).update(publish_figures=False)
    figures_changed()
    with django_assert_num_queries(3):
        assert len(comparison(procedure=l01).rows) == 3


def test_comparison_query_count_does_not_grow_with_municipalities(compared, l01, django_assert_num_queries):
    more = [populated(MunicipalityFactory()) for _ in range(10)]
    OutcomeFigure.objects.bulk_create(year_figure(c, l01, D(2025, 4, 1), 10, 50) for c in more)
    MunicipalProcedure.objects.bulk_create(
        MunicipalProcedure(municipality=c, procedure=l01, publish_figures=True) for c in more
    )
    with django_assert_num_queries(3):
        assert len(comparison(procedure=l01).rows) == 14


def test_comparison_queries_for_a_member(compared, l01, django_assert_num_queries):
    comparison(procedure=l01)  # the public part cached
    member = officer_of(compared[3])
    with django_assert_num_queries(3):  # the member's access, their municipality, its figures
        rows = comparison(procedure=l01, user=member).rows
        assert [(r.municipality.code, r.municipality.name) for r in rows]  # nothing lazy left to load
    assert sum(r.member for r in rows) == 1


@pytest.mark.parametrize("indicator", ["median_days", "online_share", "within_standard_share", "correction_share"])
@pytest.mark.parametrize("period", ["month", "fiscal_year"])
def test_comparison_shows_exactly_what_the_public_figures_show(l01, indicator, period):
    """The comparison reads only some columns and skips the rule when it cannot withhold anything: for
    cities with small and large months, online shares and all, each row is the public figure itself."""
    rng = np.random.default_rng(3)
    cities = [populated(MunicipalityFactory(), population) for population in (60_000, 60_000, 10_000, 1_500)]
    for city in cities:
        MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=8, publish_figures=True)
        for k in range(int(rng.integers(2, 12))):
            add_month(city, l01, evidence.add_months(D(2024, 4, 1), k), int(rng.integers(1, 30)),
                      channel=str(rng.choice(["online", "counter", ""])))  # fmt: skip
        figures_recompute(municipality=city, today=D(2026, 3, 31))
    rows = {r.municipality.pk: r for r in comparison(procedure=l01, indicator=indicator, period=period).rows}
    for city in cities:
        shown_rows = [r for r in public_figures(municipality=city, procedure=l01) if r.period == period]
        if not shown_rows:  # under 2,000 people: nothing public, the row says withheld
            assert rows[city.pk].suppressed and rows[city.pk].value is None
            continue
        latest = max(shown_rows, key=lambda r: r.period_start)
        row = rows[city.pk]
        assert (row.period_start, row.value, row.n) == (
            latest.period_start,
            latest.values[indicator],
            latest.values["n"],
        )
        assert row.suppressed == (indicator in latest.withheld or "n" in latest.withheld)
    if indicator != "correction_share":  # no case has a correction: 0 of the withheld months, so withheld too
        assert len({r.suppressed for r in rows.values()}) == 2  # some withheld, some not


def test_the_did_panel_reads_what_the_public_reads(l01):
    """The panel's months (fewer columns, the rule skipped where it cannot withhold) are the public
    figures' months: withheld ones missing, complementary suppression included."""
    rng = np.random.default_rng(5)
    cities = [populated(MunicipalityFactory(), population) for population in (60_000, 10_000, 60_000)]
    for city in cities:
        for k in range(24):
            n = int(rng.integers(1, 14)) if city is not cities[2] else 30
            add_month(city, l01, evidence.add_months(D(2024, 4, 1), k), n)
        figures_recompute(municipality=city, today=D(2026, 3, 31))
    first, last = D(2024, 7, 1), D(2025, 12, 1)  # the window cuts both fiscal years
    panel = evidence._monthly_medians(l01, cities, first, last)
    for city in cities:
        expected = {
            r.period_start: r.values["median_days"]
            for r in public_figures(municipality=city, procedure=l01)
            if r.period == "month" and first <= r.period_start <= last and r.values["median_days"] is not None
        }
        assert panel[city.pk] == expected
    assert 0 < len(panel[cities[0].pk]) < 18 and len(panel[cities[2].pk]) == 18
