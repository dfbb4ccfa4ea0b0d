"""Small numbers protected (issue 15, section 5): the thresholds by population, primary and
complementary suppression, and an attacker who reads every public output — the months and the fiscal
years of the API, n and every share × n — and tries to recover each withheld value. It must fail."""

import datetime
import itertools
import math
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from outcomes.choices import PeriodKind
from outcomes.disclosure import VALUES, shown, threshold_for
from outcomes.figures import fiscal_year_start
from outcomes.models import Case, MunicipalProcedure, OutcomeFigure, Procedure
from outcomes.services import figures_recompute

from .conftest import TODAY
from .helpers import make_case

D = datetime.date
T = 10  # a municipality of 60,000 people
MONTHS = [D(2025, m, 1) for m in range(4, 13)] + [D(2026, m, 1) for m in range(1, 4)]


# --- thresholds ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "threshold"),
    [(None, 20), (1_999, None), (2_000, 20), (24_999, 20), (25_000, 10), (3_700_000, 10)],
)
def test_thresholds_by_population(population, threshold):
    assert threshold_for(SimpleNamespace(population=population)) == threshold


def test_thresholds_are_settings(settings):
    settings.KYOSO_SMALL_NUMBER_MIN_CASES = 5
    settings.KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION = 500
    assert threshold_for(SimpleNamespace(population=100_000)) == 5
    assert threshold_for(SimpleNamespace(population=1_000)) == 20
    assert threshold_for(SimpleNamespace(population=400)) is None


# --- the rule on figures made by hand ------------------------------------------------------------------


def fake(kind, start, n, **counts):
    """A figure with the counts the rule reads; each share computed from its count."""
    values = {"n_channel": n, "n_satisfaction": 0, "n_within_standard": 0, "n_within_statutory": 0}
    values |= {"n_online": 0, "n_corrected": 0, "satisfaction_sum": 0, **counts}
    figure = SimpleNamespace(period=kind, period_start=start, period_end=start, standard_days=None, n=n, **values)
    for name in VALUES[1:]:
        setattr(figure, name, Decimal(1))
    figure.correction_share = Decimal(figure.n_corrected) / n if n else None
    figure.online_share = Decimal(figure.n_online) / figure.n_channel if figure.n_channel else None
    figure.within_standard_share = figure.within_statutory_share = figure.satisfaction_mean = None
    return figure


def year_of(month_counts: dict, **year_counts):
    """Month figures and their fiscal year's, from {month start: n} (and per-month count dicts)."""
    figures, total = [], {"n": 0, "n_corrected": 0, "n_online": 0, "n_channel": 0}
    for start, spec in month_counts.items():
        n, counts = (spec, {}) if isinstance(spec, int) else spec
        if n:
            figures.append(fake(PeriodKind.MONTH, start, n, **counts))
            total["n"] += n
            for key in ("n_corrected", "n_online"):
                total[key] += counts.get(key, 0)
            total["n_channel"] += counts.get("n_channel", n)
    n = total.pop("n")
    figures.append(fake(PeriodKind.FISCAL_YEAR, D(2025, 4, 1), n, **total))
    return figures


def pattern(rows):
    """Which periods' n are withheld."""
    return {(r.period, r.period_start): r.values["n"] is None for r in rows}


def test_a_small_month_takes_the_smallest_other_month_with_it():
    rows = shown(year_of({MONTHS[0]: 30, MONTHS[1]: 12, MONTHS[2]: 3, MONTHS[3]: 14}), threshold=T)
    n = {(r.period, r.period_start): r.values["n"] for r in rows}
    assert n == {
        ("month", MONTHS[0]): 30,
        ("month", MONTHS[1]): None,  # 12, the smallest of the others
        ("month", MONTHS[2]): None,  # 3 < 10
        ("month", MONTHS[3]): 14,
        ("fiscal_year", D(2025, 4, 1)): 59,
    }
    assert all(r.suppressed for r in rows if r.values["n"] is None)


def test_two_small_months_still_take_a_large_one():
    """9 + 9 = 18 would be read off the year; an attacker knowing both are under 10 gets 9 and 9."""
    rows = shown(year_of({MONTHS[0]: 9, MONTHS[1]: 9, MONTHS[2]: 50, MONTHS[3]: 40}), threshold=T)
    assert [r.values["n"] for r in rows] == [None, None, 50, None, 108]


def test_every_month_a_single_case_withholds_the_year():
    rows = shown(year_of(dict.fromkeys(MONTHS, 1)), threshold=T)
    assert all(r.values["n"] is None for r in rows)


def test_a_year_of_only_small_months_is_published_when_no_month_follows():
    rows = shown(year_of({MONTHS[0]: 4, MONTHS[1]: 5, MONTHS[2]: 6}), threshold=T)
    assert [r.values["n"] for r in rows] == [None, None, None, 15]


def test_no_correction_anywhere_withholds_the_years_correction_share():
    """Every month 0 %: the year's 0 % would say the withheld month had none either."""
    rows = shown(year_of({MONTHS[0]: 20, MONTHS[1]: 3, MONTHS[2]: 25}), threshold=T)
    year = rows[-1]
    assert year.values["n"] == 48 and year.values["correction_share"] is None
    assert "correction_share" in year.withheld and year.suppressed


def test_an_online_share_from_few_channels_is_withheld_alone():
    rows = shown(year_of({MONTHS[0]: (30, {"n_channel": 4, "n_online": 2}), MONTHS[1]: 40}), threshold=T)
    april = rows[0]
    assert april.values["n"] == 30 and april.values["online_share"] is None and april.suppressed
    assert april.withheld == {"online_share"}


def test_members_see_everything_and_the_tiny_town_nothing():
    figures = year_of({MONTHS[0]: 3, MONTHS[1]: 40})
    assert [r.values["n"] for r in shown(figures, threshold=T, public=False)] == [3, 40, 43]
    assert shown(figures, threshold=None) == []


# --- the attacker --------------------------------------------------------------------------------------


def public_outputs(rows):
    """What the public reads: per period, n and the count behind each share (share × n) when shown."""
    out = {}
    for r in rows:
        n = r.values["n"]
        share = r.values["correction_share"]
        out[(r.period, r.period_start)] = {
            "n": n,
            "corrected": None if share is None or n is None else round(share * n),
            "share": share,
        }
    return out


def recover(outputs, figures_like, threshold) -> dict:
    """Every withheld month value the attacker can pin down: {(month, what): value}. Attacks: the year
    minus the published months (one unknown); all ones; a share of 0 or 1 at the year with the rest
    known; and, knowing the rule, every assignment of the withheld months' n that the rule would have
    withheld exactly so — a month with one possible value is recovered."""
    found = {}
    years = {start: o for (kind, start), o in outputs.items() if kind == PeriodKind.FISCAL_YEAR}
    for year_start, year in years.items():
        months = {s: o for (k, s), o in outputs.items() if k == PeriodKind.MONTH and fiscal_year_start(s) == year_start}
        hidden = [s for s, o in months.items() if o["n"] is None]
        if not hidden or year["n"] is None:
            continue
        rest = year["n"] - sum(o["n"] for o in months.values() if o["n"] is not None)
        if len(hidden) == 1:
            found[(hidden[0], "n")] = rest
        if rest == len(hidden):
            found.update({(s, "n"): 1 for s in hidden})
        if year["share"] is not None:
            corrected = year["corrected"] - sum(o["corrected"] or 0 for o in months.values() if o["n"] is not None)
            if corrected == 0:
                found.update({(s, "share"): 0 for s in hidden})
            if corrected == rest:
                found.update({(s, "share"): 1 for s in hidden})
        # knowing the rule: which n for the withheld months give the same pattern?
        possible = {s: set() for s in hidden}
        if math.comb(rest - 1, len(hidden) - 1) > 20_000:
            continue  # too many to try here; the differences above still are
        for values in compositions(rest, len(hidden)):
            trial = dict(zip(hidden, values, strict=True))
            guess = year_of({s: trial.get(s, o["n"]) for s, o in months.items()})
            if pattern(shown(guess, threshold=threshold)) == pattern_of(outputs, year_start):
                for s, v in trial.items():
                    possible[s].add(v)
        for s, values in possible.items():
            if len(values) == 1:
                found[(s, "n rule-aware")] = values.pop()
    return found


def compositions(total, parts):
    """Every way of writing ``total`` as ``parts`` positive integers, in order."""
    for cuts in itertools.combinations(range(1, total), parts - 1):
        bounds = (0, *cuts, total)
        yield [bounds[i + 1] - bounds[i] for i in range(parts)]


def pattern_of(outputs, year_start):
    return {(k, s): o["n"] is None for (k, s), o in outputs.items() if fiscal_year_start(s) == year_start}


def attack(month_counts, threshold=T):
    figures = year_of(month_counts)
    rows = shown(figures, threshold=threshold)
    for r in rows:  # primary: no published n is small
        assert r.values["n"] is None or r.values["n"] >= threshold
    return recover(public_outputs(rows), figures, threshold)


@pytest.mark.parametrize(
    "months",
    [
        [12, 15, 3],
        [30, 12, 3, 14],
        [9, 9, 50, 40],
        [4, 5, 6],
        [1] * 12,
        [2, 1, 1, 10],
        [1, 10, 25],
        [0, 3, 0, 11, 11],
        [5, 0, 20, 20, 20, 1],
    ],
)
def test_the_attacker_recovers_nothing(months):
    assert attack(dict(zip(MONTHS, months, strict=False))) == {}


def test_the_attacker_recovers_nothing_from_random_years():
    rng = random.Random(15)
    for _ in range(60):
        months = [rng.choice([0, 0, 1, 2, 3, 5, 8, 9, 10, 11, 12, 14, 18, 25]) for _ in range(rng.randint(2, 4))]
        assert attack(dict(zip(MONTHS, months, strict=False))) == {}, months


def test_the_attacker_would_succeed_without_complementary_suppression():
    """The attack is real: with primary suppression alone, the year gives the small month away."""
    figures = year_of({MONTHS[0]: 12, MONTHS[1]: 15, MONTHS[2]: 3})
    rows = shown(figures, threshold=T)
    outputs = public_outputs(rows)
    outputs[(PeriodKind.MONTH, MONTHS[0])] = {"n": 12, "corrected": 0, "share": Decimal(0)}  # unhide April
    assert recover(outputs, figures, T)[(MONTHS[2], "n")] == 3


# --- end to end: through the API ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_gives_nothing_back(city):
    """Cases → figures → the public API's months and years: no withheld value comes back."""
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    l01 = Procedure.objects.get(code="L01", municipality__isnull=True)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=5, publish_figures=True)
    rng = random.Random(7)
    counts = {MONTHS[0]: 14, MONTHS[1]: 2, MONTHS[2]: 30, MONTHS[4]: 11, MONTHS[8]: 7}
    Case.objects.bulk_create(
        make_case(
            city, l01, start.replace(day=10), rng.randint(0, 12), rng.randint(1, 40), corrected=rng.random() < 0.3
        )
        for start, n in counts.items()
        for _ in range(n)
    )
    figures_recompute(municipality=city, today=TODAY)

    client = APIClient()
    outputs = {}
    for kind in PeriodKind.values:
        for row in client.get(
            "/api/v1/outcomes/", {"municipality": city.code, "procedure": "L01", "period": kind}
        ).json()["results"]:
            n, share = row["n"], row["correction_share"]
            outputs[(kind, D.fromisoformat(row["period_start"]))] = {
                "n": n,
                "corrected": None if n is None or share is None else round(Decimal(str(share)) * n),
                "share": share,
            }
    assert outputs[(PeriodKind.FISCAL_YEAR, D(2025, 4, 1))]["n"] == 64
    assert [outputs[(PeriodKind.MONTH, m)]["n"] for m in counts] == [14, None, 30, None, None]
    assert recover(outputs, None, T) == {}
    assert OutcomeFigure.objects.get(period=PeriodKind.MONTH, period_start=MONTHS[1]).n == 2  # stored, not shown
