"""Small numbers protected (issue 15, section 5; docs/outcomes.md): what the public may read of a
municipality's figures.

The rule follows the 介護DB guideline, the published Japanese rule closest to our unit:

* **Threshold** T: a public figure computed from fewer than T cases is withheld. T is
  ``KYOSO_SMALL_NUMBER_MIN_CASES`` (10); in a municipality of fewer than
  ``KYOSO_SMALL_NUMBER_SMALL_TOWN_POPULATION`` (25,000) people, or whose population is not known,
  ``KYOSO_SMALL_NUMBER_MIN_CASES_SMALL_TOWN`` (20); under ``KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION``
  (2,000) people no case-based figure is public at all.
* **Primary suppression**: a period with n < T is withheld whole (n and every figure). Within a
  published period, the online share is withheld when fewer than T cases give a 申請方法, the mean
  satisfaction when fewer than T give a 満足度 (their denominators are not published). A period with
  no case has no row: a count of 0 may show.
* **Complementary suppression**: the months of a fiscal year add up to the year (n, and every count
  behind a share: share × n). When a month is withheld and the year is published, the year minus the
  published months would give the withheld ones. So the withheld months of a published year always
  include at least one month that was not small by itself: when all of them are small, the published
  month with the fewest cases (the earliest of equals) is withheld too. The difference then covers a
  small month and a month of at least T cases together, and no month's n (nor count) follows from it.
  Should the withheld months' total still equal their number (every one of them a single case), the
  year is withheld as well.
* **Shares and means across the year**: the year's count behind a share (or its sum of satisfaction)
  minus the published months' leaves the withheld months' together. When that remainder is at an
  extreme — none of them, or all of them (every answer 1, or every answer 5) — each withheld month's
  value would follow (0 %, 100 %, 1.00, 5.00), so the year's value of that field is withheld too.

Members of the municipality read the figures unsuppressed (``public=False``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from .choices import PeriodKind
from .figures import fiscal_year_start

# The published figures of a period, in the API's order (``*_days`` in business days unless calendar).
VALUES = (
    "n",
    "median_days",
    "p90_days",
    "median_calendar_days",
    "mean_calendar_days",
    "within_standard_share",
    "within_statutory_share",
    "online_share",
    "correction_share",
    "satisfaction_mean",
)
# A figure withheld within a published period, and the count it is computed from.
FIELD_DENOMINATORS = {"online_share": "n_channel", "satisfaction_mean": "n_satisfaction"}
# Each share or mean: (its count or sum, its denominator, the lowest and highest value of one case).
TOTALS = {
    "within_standard_share": ("n_within_standard", "n", 0, 1),
    "within_statutory_share": ("n_within_statutory", "n", 0, 1),
    "online_share": ("n_online", "n_channel", 0, 1),
    "correction_share": ("n_corrected", "n", 0, 1),
    "satisfaction_mean": ("satisfaction_sum", "n_satisfaction", 1, 5),
}


def threshold_for(municipality) -> int | None:
    """The fewest cases a public figure of ``municipality`` may come from; None: no public figure."""
    population = municipality.population
    if population is not None and population < settings.KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION:
        return None
    if population is None or population < settings.KYOSO_SMALL_NUMBER_SMALL_TOWN_POPULATION:
        return settings.KYOSO_SMALL_NUMBER_MIN_CASES_SMALL_TOWN
    return settings.KYOSO_SMALL_NUMBER_MIN_CASES


@dataclass
class PublicFigure:
    """One period as it may be shown: ``values`` with the withheld ones None, ``suppressed`` when any
    value is withheld (``withheld`` names them)."""

    figure: object  # the OutcomeFigure
    values: dict = field(default_factory=dict)
    withheld: set = field(default_factory=set)

    @property
    def suppressed(self) -> bool:
        return bool(self.withheld)

    @property
    def period(self) -> str:
        return self.figure.period

    @property
    def period_start(self):
        return self.figure.period_start

    @property
    def period_end(self):
        return self.figure.period_end

    @property
    def standard_days(self):
        return self.figure.standard_days


def shown(figures, *, threshold: int | None, public: bool = True) -> list[PublicFigure]:
    """The figures of ONE procedure of one municipality (months and fiscal years together: the rule
    compares them), each with what may be shown. ``public=False``: everything (members)."""
    figures = list(figures)
    rows = [PublicFigure(figure=f, values={name: getattr(f, name) for name in VALUES}) for f in figures]
    if not public:
        return rows
    if threshold is None:
        return []
    hidden = {id(r) for r in rows if r.figure.n < threshold}  # primary, whole rows
    small = set(hidden)
    years = {r.period_start: r for r in rows if r.period == PeriodKind.FISCAL_YEAR}
    months = defaultdict(list)
    for r in rows:
        if r.period == PeriodKind.MONTH:
            months[fiscal_year_start(r.period_start)].append(r)
    for start, members in months.items():
        year = years.get(start)
        if year is None or id(year) in hidden:
            continue
        withheld = [m for m in members if id(m) in hidden]
        if not withheld:
            continue
        published = sorted((m for m in members if id(m) not in hidden), key=lambda m: (m.figure.n, m.period_start))
        if all(id(m) in small for m in withheld) and published:
            hidden.add(id(published[0]))
            withheld.append(published[0])
        if sum(m.figure.n for m in withheld) <= len(withheld) or len(withheld) == 1:
            hidden.add(id(year))
    for r in rows:
        if id(r) in hidden:
            r.withheld = set(VALUES)
        else:
            r.withheld = {
                name
                for name, denominator in FIELD_DENOMINATORS.items()
                if r.values[name] is not None and getattr(r.figure, denominator) < threshold
            }
    for start, members in months.items():
        year = years.get(start)
        if year is not None and id(year) not in hidden:
            _withhold_extreme_totals(year, members)
    for r in rows:
        for name in r.withheld:
            r.values[name] = None
    return rows


def _withhold_extreme_totals(year: PublicFigure, months: list[PublicFigure]) -> None:
    """Withhold the year's share (or mean) when the withheld months' remainder is all or nothing."""
    for name, (count, denominator, low, high) in TOTALS.items():
        if name in year.withheld or year.values[name] is None:
            continue
        withheld = [m for m in months if name in m.withheld and getattr(m.figure, name) is not None]
        if not withheld:
            continue
        shown_months = [m for m in months if name not in m.withheld]
        rest = getattr(year.figure, count) - sum(getattr(m.figure, count) for m in shown_months)
        cases = getattr(year.figure, denominator) - sum(getattr(m.figure, denominator) for m in shown_months)
        if cases > 0 and rest in (low * cases, high * cases):
            year.withheld.add(name)
