"""Evidence of an initiative's effect on a service (issue 15, section 4; docs/outcomes.md, "導入前後の比較と
他自治体との比較"): a procedure's latest figure in every municipality that publishes it (他自治体との比較), the
before/after of a linked KPI's municipality around the initiative's start (導入前後の比較), and a
difference-in-differences estimate against municipalities without such an initiative (差の差分析).

Everything public goes through the small-number rule (``disclosure``): the comparison and the panel of
the difference-in-differences read the figures as the public may read them, and a side of the
before/after with fewer cases than the municipality's threshold is withheld whole. Members of the KPI's
municipality (``evidence_visible``) read their own municipality unsuppressed; other municipalities are
always read as the public reads them.

The statistics come from maintained libraries: SciPy's ``scipy.stats.bootstrap`` (the interval of the
before/after) and statsmodels' OLS with cluster-robust standard errors (the two-way fixed effects model).
When the data cannot support a statement, ``supported`` is False and ``reasons`` say why in plain words:
no number is given then.

The thresholds below are the documented minimums (docs/outcomes.md).
"""

from __future__ import annotations

import datetime
import warnings
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Agreement
from core.dates import add_months, month_start
from partnerships.access import access_for
from partnerships.models import Municipality

from .cache import cache_version, figures_changed  # noqa: F401 — figures_changed: read from here too
from .choices import PeriodKind, StandardIndicator
from .disclosure import FIELD_DENOMINATORS, TOTALS, VALUES, shown, threshold_for
from .figures import fiscal_year_start, median, period_end
from .models import Case, IndicatorLink, MunicipalProcedure, OutcomeFigure, ReferenceFigure

# --- the documented minimums and windows ---------------------------------------------------------------

# Before/after: the cases received in the WINDOW_MONTHS before the start (before), and from the start for
# up to WINDOW_MONTHS (after); a side needs at least MIN_CASES_PER_SIDE cases for an interval at all.
WINDOW_MONTHS = 12
MIN_CASES_PER_SIDE = 10
# The bootstrap: resamples, confidence level, interval method and the fixed seed (reproducible).
BOOTSTRAP_RESAMPLES = 9_999
BOOTSTRAP_METHOD = "percentile"
CONFIDENCE = 0.95
SEED = 20250401
BOOTSTRAP_LARGE = 5_000
BOOTSTRAP_RESAMPLES_LARGE = 1_999
BOOTSTRAP_BATCH_VALUES = 2_000_000  # resampled values held at once (16 MB of floats per side)

# Difference-in-differences: the months of figures used around the start (month of 処分日), the fewest
# months before/after the start the treated municipality and each comparison municipality need, and the
# fewest comparison municipalities.
DID_MONTHS_BEFORE = 24
DID_MONTHS_AFTER = 24
MIN_PRE_MONTHS = 6
MIN_POST_MONTHS = 3
MIN_CONTROL_PRE_MONTHS = 6
MIN_CONTROL_POST_MONTHS = 3
MIN_CONTROLS = 2
# At most this many comparison municipalities enter the model (those with the most months), and this many
# placebo fits are run: the model's dummies grow with the municipalities (1,741 would not fit in memory).
MAX_CONTROLS = 50
MAX_PLACEBOS = 10
# Fewer clusters than this: cluster-robust standard errors are said to be unreliable.
FEW_CLUSTERS = 30
# The pre-trend check: the difference of linear slopes before the start is flagged below this p-value.
PRE_TREND_ALPHA = 0.10

# The comparison is cached under a version bumped whenever figures or settings change
# (``figures_changed``); CACHE_SECONDS bounds what a change of population (the threshold) may leave.
CACHE_SECONDS = 300

DAYS = Decimal("0.01")
SHARE = Decimal("0.0001")


def _round(value, step: Decimal) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(float(value))).quantize(step, rounding=ROUND_HALF_UP)


def _significant(value: float) -> float:
    """A p-value to three significant digits (a very small one stays above 0)."""
    return float(f"{value:.3g}")


# --- who may see what ----------------------------------------------------------------------------------


def evidence_visible(*, indicator, user) -> tuple[bool, bool]:
    """(may see the evidence of this KPI at all, read as the public reads it): the one access rule for
    the API and the pages. Members (officers) of the KPI's municipality see it unsuppressed, published or
    not. Anyone else only when the KPI is linked, the agreement is visible to them (published, or they
    are a party) and the municipality publishes the procedure's figures — and then suppressed."""
    municipality_id = indicator.agreement.municipality_id
    link = _link_of(indicator)
    if link is None:
        return False, True
    if access_for(user).is_officer(municipality_id):
        return True, False
    if not Agreement.objects.visible_to(user).filter(pk=indicator.agreement_id).exists():
        return False, True
    published = MunicipalProcedure.objects.filter(
        municipality_id=municipality_id, procedure_id=link.procedure_id, publish_figures=True
    ).exists()
    return published, True


# --- the comparison across municipalities --------------------------------------------------------------


@dataclass
class ComparisonRow:
    municipality: Municipality
    period_start: datetime.date | None
    period_end: datetime.date | None
    value: Decimal | None
    n: int | None
    standard_days: int | None
    suppressed: bool
    highlighted: bool = False
    member: bool = False  # read unsuppressed by a member of this municipality


@dataclass
class Comparison:
    procedure: object
    indicator: str
    period: str
    rows: list[ComparisonRow]
    references: list  # ReferenceFigure rows of the procedure's latest period (may be empty)


# What the small-number rule reads of a figure (a light tuple, not a model instance). For one indicator
# only its value, its count and the denominators are read (``_columns``); the rule decides each field on
# n, its own denominator and its own count, so the others may stay empty.
_FIGURE_COLUMNS = (
    "municipality_id",
    "period",
    "period_start",
    "period_end",
    "standard_days",
    "n_channel",
    "n_satisfaction",
    *sorted({count for count, *_rest in TOTALS.values()} - {"n", "n_channel", "n_satisfaction"}),
    *VALUES,
)
_Figure = namedtuple("_Figure", _FIGURE_COLUMNS)
_ALWAYS = {"municipality_id", "period", "period_start", "period_end", "standard_days", "n", "n_channel",
           "n_satisfaction"}  # fmt: skip


def _columns(indicator: str | None) -> list[str]:
    """The SQL select list: every column, or those ``indicator`` needs (the others NULL)."""
    needed = set(_FIGURE_COLUMNS) if indicator is None else {*_ALWAYS, indicator, *TOTALS.get(indicator, ())[:1]}
    return [f"f.{c}" if c in needed else f"NULL AS {c}" for c in _FIGURE_COLUMNS]


_LATEST_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (f.municipality_id) f.municipality_id, f.period_start
    FROM {figure} f
    WHERE f.procedure_id = %s AND f.period = %s AND f.municipality_id = ANY(%s)
    ORDER BY f.municipality_id, (f.period_end < %s) DESC, f.period_start DESC
)
SELECT {columns}
FROM {figure} f
JOIN latest l ON l.municipality_id = f.municipality_id
WHERE f.procedure_id = %s
  AND f.period_start >= make_date(
      extract(year FROM l.period_start)::int - (extract(month FROM l.period_start) < 4)::int, 4, 1)
  AND f.period_start < make_date(
      extract(year FROM l.period_start)::int + (extract(month FROM l.period_start) >= 4)::int, 4, 1)
"""


def _latest_fiscal_years(procedure, period: str, municipality_ids, indicator=None) -> dict[int, list]:
    """Per municipality, every figure (months and the year) of the fiscal year holding its latest period
    of this kind: what the small-number rule needs to decide that period. One query."""
    if not municipality_ids:
        return {}
    by_city: dict[int, list] = defaultdict(list)
    if connection.vendor == "postgresql":
        table = OutcomeFigure._meta.db_table
        sql = _LATEST_SQL.format(figure=table, columns=", ".join(_columns(indicator)))
        with connection.cursor() as cursor:
            cursor.execute(sql, [procedure.pk, period, list(municipality_ids), _today(), procedure.pk])
            rows = cursor.fetchall()
    else:  # SQLite on a laptop: the same rows, read in Python
        rows = OutcomeFigure.objects.filter(procedure=procedure, municipality_id__in=municipality_ids).values_list(
            *_FIGURE_COLUMNS
        )
        latest: dict[int, datetime.date] = {}
        rows = list(rows)
        today = _today()
        for row in sorted((r for r in rows if r[1] == period), key=lambda r: (r[3] < today, r[2])):
            latest[row[0]] = row[2]  # the last one sorted: the latest ended period, else the latest
        rows = [r for r in rows if r[0] in latest and fiscal_year_start(r[2]) == fiscal_year_start(latest[r[0]])]
    make = _Figure._make
    for row in rows:
        by_city[row[0]].append(make(row))
    return by_city


def _nothing_withheld(figures, indicator: str, threshold: int) -> bool:
    """Whether the small-number rule leaves ``indicator`` alone in every one of these figures (a fiscal
    year and its months): no period has fewer than ``threshold`` cases, and none has fewer than that in
    the indicator's own denominator. Then no period is withheld (primary), so none is complementary, and
    no remainder of a withheld month exists for the year's share: the values are shown as they are."""
    denominator = FIELD_DENOMINATORS.get(indicator)
    for figure in figures:
        if figure.n < threshold:
            return False
        if denominator and getattr(figure, indicator) is not None and getattr(figure, denominator) < threshold:
            return False
    return True


def _today() -> datetime.date:
    return timezone.localdate()


def _latest_row(municipality, figures, *, indicator, period, public: bool) -> ComparisonRow | None:
    # the latest period that has ended (a whole fiscal year, a whole month), else the latest one: a year
    # in progress is not set beside other cities' whole years
    today = _today()
    latest = max(
        (f for f in figures if f.period == period), key=lambda f: (f.period_end < today, f.period_start), default=None
    )
    if latest is None:
        return None
    row = ComparisonRow(
        municipality=municipality,
        period_start=latest.period_start,
        period_end=latest.period_end,
        value=None,
        n=None,
        standard_days=latest.standard_days,
        suppressed=True,
    )
    threshold = threshold_for(municipality)
    if not public or (threshold is not None and _nothing_withheld(figures, indicator, threshold)):
        row.value, row.n, row.suppressed = getattr(latest, indicator), latest.n, False
        return row
    for shown_row in shown(figures, threshold=threshold, public=public):
        if shown_row.figure is latest:
            row.value, row.n = shown_row.values[indicator], shown_row.values["n"]
            row.suppressed = indicator in shown_row.withheld or "n" in shown_row.withheld
    return row


def _comparison_rows(procedure, indicator: str, period: str) -> tuple[list[tuple], list]:
    """The public rows as plain tuples (what is cached) and the references. Three queries."""
    settings_rows = MunicipalProcedure.objects.filter(procedure=procedure, publish_figures=True).values_list(
        "municipality_id",
        "standard_days",
        "municipality__code",
        "municipality__name",
        "municipality__prefecture_id",
        "municipality__population",
    )
    cities = {row[0]: row for row in settings_rows}
    figures = _latest_fiscal_years(procedure, period, list(cities), indicator)
    rows = []
    for municipality_id, (_pk, standard_days, code, name, prefecture_id, population) in cities.items():
        city = Municipality(
            pk=municipality_id, code=code, name=name, prefecture_id=prefecture_id, population=population
        )
        row = _latest_row(city, figures.get(municipality_id, []), indicator=indicator, period=period, public=True)
        if row is not None:
            rows.append(
                (municipality_id, code, name, prefecture_id, row.period_start, row.period_end, row.value, row.n,
                 row.standard_days if row.standard_days is not None else standard_days, row.suppressed)
            )  # fmt: skip
    references = list(
        ReferenceFigure.objects.filter(procedure=procedure)
        .order_by("-period_start", "insurer_code", "insurer_name")
        .select_related("municipality")
    )
    if references:
        latest = references[0].period_start
        references = [r for r in references if r.period_start == latest]
        references.sort(key=lambda r: (r.insurer_code, r.insurer_name))
    return rows, references


def _sort_key(row: ComparisonRow):
    return (row.value is None, row.value if row.value is not None else 0, row.municipality.code)


def comparison(
    *, procedure, indicator=StandardIndicator.MEDIAN_DAYS, period=PeriodKind.FISCAL_YEAR, highlight=None, user=None
) -> Comparison:
    """Each municipality publishing ``procedure``'s figures with its latest ended period of the kind (else
    its latest, in progress): the indicator's value as the public may read it (withheld: None and
    ``suppressed``), n and its 標準処理期間, sorted by value (none last), then by code. ``highlight``: a
    Municipality to mark.
    ``user``: a member of a municipality reads its own row unsuppressed (and sees it even when it does
    not publish). ``references``: the published reference figures (ReferenceFigure) of the procedure's
    latest period.

    A row's ``municipality`` carries only pk, code, name and prefecture_id (read nothing else from it:
    it would cost a query per row). The public part is cached (``figures_changed`` forgets it): three
    queries uncached, none when cached, plus three for a member (their municipalities, those
    municipalities, their figures)."""
    indicator, period = str(indicator), str(period)
    key = f"outcomes:comparison:{cache_version(procedure.pk)}:{procedure.pk}:{indicator}:{period}"
    cached = cache.get(key)
    if cached is None:
        cached = _comparison_rows(procedure, indicator, period)
        cache.set(key, cached, CACHE_SECONDS)
    public_rows, references = cached
    highlight_pk = highlight.pk if highlight is not None else None
    own = access_for(user).municipalities() if user is not None else set()
    rows = [
        ComparisonRow(
            Municipality(pk=pk, code=code, name=name, prefecture_id=prefecture_id),
            start, end, value, n, standard_days, suppressed, pk == highlight_pk,
        )
        for pk, code, name, prefecture_id, start, end, value, n, standard_days, suppressed in public_rows
        if pk not in own
    ]  # fmt: skip
    if own:
        municipalities = {
            m.pk: m for m in Municipality.objects.filter(pk__in=own).only("code", "name", "prefecture_id", "population")
        }
        figures = _latest_fiscal_years(procedure, period, list(own), indicator)
        for municipality_id, city_figures in figures.items():
            row = _latest_row(
                municipalities[municipality_id], city_figures, indicator=indicator, period=period, public=False
            )
            row.member = True
            row.highlighted = municipality_id == highlight_pk
            rows.append(row)
    rows.sort(key=_sort_key)
    return Comparison(procedure=procedure, indicator=indicator, period=period, rows=rows, references=references)


# --- before and after the initiative's start ------------------------------------------------------------


@dataclass
class Side:
    start: datetime.date
    end: datetime.date
    n: int | None
    median_days: Decimal | None
    within_standard_share: Decimal | None
    withheld: bool


@dataclass
class BeforeAfter:
    indicator: object
    link: object
    start: datetime.date | None
    before: Side | None
    after: Side | None
    difference: Decimal | None
    interval: tuple[Decimal, Decimal] | None
    share_change: Decimal | None
    supported: bool
    reasons: list[str]
    method: str = ""
    resamples: int = BOOTSTRAP_RESAMPLES
    confidence: float = CONFIDENCE
    caveats: list[str] = field(default_factory=list)


def _link_of(indicator):
    try:
        return indicator.outcome_link
    except IndicatorLink.DoesNotExist:
        return None


def _start_of(indicator) -> datetime.date | None:
    initiative = indicator.initiative if indicator.initiative_id else None
    return initiative.starts_on if initiative is not None else None


def _medians_difference(before, after, axis=-1):
    return np.median(after, axis=axis) - np.median(before, axis=axis)


def bootstrap_resamples(before: list[int], after: list[int]) -> int:
    """BOOTSTRAP_RESAMPLES, or BOOTSTRAP_RESAMPLES_LARGE when a side has more than BOOTSTRAP_LARGE cases
    (the time grows with cases × resamples; with that many cases the interval is narrow and stable)."""
    return BOOTSTRAP_RESAMPLES if max(len(before), len(after)) <= BOOTSTRAP_LARGE else BOOTSTRAP_RESAMPLES_LARGE


def bootstrap_interval(before: list[int], after: list[int]) -> tuple[Decimal, Decimal]:
    """The bootstrap 95 % interval of median(after) − median(before): the two samples resampled
    independently (``scipy.stats.bootstrap``, ``bootstrap_resamples`` resamples, percentile method, fixed
    seed: the same data always give the same interval)."""
    from scipy import stats

    # whole days: small integers make the resampled medians (numpy's partition) twice as fast as floats
    dtype = np.int16 if max(max(before), max(after)) < 2**15 else np.int64
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a degenerate distribution (all medians equal) is a valid answer here
        result = stats.bootstrap(
            (np.asarray(before, dtype=dtype), np.asarray(after, dtype=dtype)),
            _medians_difference,
            n_resamples=bootstrap_resamples(before, after),
            vectorized=True,
            paired=False,
            confidence_level=CONFIDENCE,
            method=BOOTSTRAP_METHOD,
            batch=max(1, BOOTSTRAP_BATCH_VALUES // max(len(before), len(after))),  # bounded memory
            rng=np.random.default_rng(SEED),
        )
    low, high = result.confidence_interval
    return _round(low, DAYS), _round(high, DAYS)


def _side(start, end, days: list[int], standard_days, *, threshold, public: bool) -> Side:
    n = len(days)
    if public and (threshold is None or n < threshold):
        return Side(start, end, None, None, None, True)
    within = None
    if standard_days and n:
        within = _round(Decimal(sum(1 for d in days if d <= standard_days)) / n, SHARE)
    return Side(start, end, n, _round(median(sorted(days)), DAYS) if n else None, within, False)


def _before_after_method(resamples: int) -> str:
    return _(
        "Cases by date received: the 12 months before the start against up to 12 months from it; only "
        "cases already decided. Difference of the median processing days (after − before), business days; "
        "bootstrap 95%% interval: %(resamples)s resamples of each side independently, percentile method, "
        "fixed seed (SciPy)."
    ) % {"resamples": f"{resamples:,}"}


def _cached(kind: str, indicator, public: bool, compute):
    """An effect computed once per state: keyed by the procedure's version (``figures_changed``), the
    KPI, its link and start, the view and the language; kept CACHE_SECONDS at most."""
    link, start = _link_of(indicator), _start_of(indicator)
    if link is None or start is None:
        return compute()  # nothing to compute: the reasons only
    key = (
        f"outcomes:{kind}:{cache_version(link.procedure_id)}:{indicator.pk}:{link.procedure_id}:{link.kind}:"
        f"{start.isoformat()}:{int(public)}:{translation.get_language()}"
    )
    result = cache.get(key)
    if result is None:
        result = compute()
        cache.set(key, result, CACHE_SECONDS)
    result.indicator = indicator
    if hasattr(result, "link"):
        result.link = link
    return result


def before_after(*, indicator, public=True) -> BeforeAfter:
    """The KPI's municipality and linked procedure, before and after its initiative's start: the cases
    received in the WINDOW_MONTHS before the start against those received from the start for up to
    WINDOW_MONTHS, as far as the case records go (only decided cases are recorded). The difference of
    the median 処理日数 (after − before) with a bootstrap 95 % interval, and the change of the share within
    the 標準処理期間. ``public``: a side with fewer cases than the municipality's small-number threshold
    is withheld, and nothing is computed from it. Cached (``_cached``)."""
    return _cached("before-after", indicator, public, lambda: _before_after(indicator, public))


def _before_after(indicator, public: bool) -> BeforeAfter:
    link = _link_of(indicator)
    start = _start_of(indicator)
    result = BeforeAfter(indicator, link, start, None, None, None, None, None, False, [])
    result.method = _before_after_method(BOOTSTRAP_RESAMPLES)
    if link is None:
        result.reasons.append(_("This KPI is not linked to a procedure."))
        return result
    if start is None:
        result.reasons.append(_("The initiative has no start date."))
        return result
    municipality = indicator.agreement.municipality
    before_start, after_end = add_months(start, -WINDOW_MONTHS), add_months(start, WINDOW_MONTHS)
    cases = Case.objects.filter(
        municipality=municipality,
        procedure_id=link.procedure_id,
        received_on__gte=before_start,
        received_on__lt=after_end,
    ).values_list("received_on", "processing_days")
    before, after = [], []
    last_received = None
    for received, days in cases:
        (after if received >= start else before).append(days)
        if received >= start and (last_received is None or received > last_received):
            last_received = received
    standard_days = (
        MunicipalProcedure.objects.filter(municipality=municipality, procedure_id=link.procedure_id)
        .values_list("standard_days", flat=True)
        .first()
    )
    threshold = threshold_for(municipality)
    after_last = min(after_end - datetime.timedelta(days=1), last_received or start)
    result.before = _side(
        before_start, start - datetime.timedelta(days=1), before, standard_days, threshold=threshold, public=public
    )
    result.after = _side(start, after_last, after, standard_days, threshold=threshold, public=public)
    if not before or not after:
        result.reasons.append(
            _(
                "There are no case records before or after the start (not imported, or deleted after the "
                "retention period)."
            )
        )
        return result
    if result.before.withheld or result.after.withheld:
        result.reasons.append(
            _("Too few cases on one side to publish a figure (small numbers are withheld to protect privacy).")
        )
        return result
    if len(before) < MIN_CASES_PER_SIDE or len(after) < MIN_CASES_PER_SIDE:
        result.reasons.append(
            _("Too few cases on one side for a reliable comparison (at least %(n)s on each side are needed).")
            % {"n": MIN_CASES_PER_SIDE}
        )
        return result
    result.supported = True
    result.difference = result.after.median_days - result.before.median_days
    result.interval = bootstrap_interval(before, after)
    result.resamples = bootstrap_resamples(before, after)
    result.method = _before_after_method(result.resamples)
    if result.before.within_standard_share is not None and result.after.within_standard_share is not None:
        result.share_change = result.after.within_standard_share - result.before.within_standard_share
    result.caveats = [
        _(
            "A before/after comparison is not proof that the initiative caused the change: other changes at "
            "the same time (staff, rules, the number of applications) can explain it."
        ),
        _(
            "Cases received recently and not yet decided are not in the records, so the after side may lean "
            "towards cases decided quickly."
        ),
    ]
    return result


# --- difference-in-differences -------------------------------------------------------------------------


@dataclass
class TrendPoint:
    period_start: datetime.date
    treated: Decimal | None
    controls_mean: Decimal | None


@dataclass
class DidEstimate:
    indicator: object
    estimate: Decimal | None
    interval: tuple | None
    p_value: float | None
    municipality: Municipality | None
    controls: list
    pre_periods: int
    post_periods: int
    trend: list[TrendPoint]
    supported: bool
    reasons: list[str]
    method: str
    caveats: list[str] = field(default_factory=list)
    start: datetime.date | None = None
    pre_trend_difference: Decimal | None = None  # slope of treated − controls before the start, days a month
    pre_trend_p_value: float | None = None
    dropped_controls: int = 0  # comparison municipalities without enough months
    unused_controls: int = 0  # eligible comparison municipalities beyond MAX_CONTROLS, not used
    placebo_estimates: list = field(default_factory=list)  # each control "treated" at the same start


_WINDOW_SQL = """
SELECT {columns} FROM {figure} f
WHERE f.procedure_id = %s AND f.municipality_id = ANY(%s) AND f.period_start >= %s AND f.period_start <= %s
"""


def _figures_between(procedure, municipality_ids, first, last, indicator: str) -> dict[int, list]:
    """municipality id → its figures (light tuples, only what ``indicator`` needs) of the WHOLE fiscal
    years from ``first`` to ``last``: the small-number rule decides a month on its whole year. One query."""
    start, end = fiscal_year_start(first), period_end(PeriodKind.FISCAL_YEAR, fiscal_year_start(last))
    if connection.vendor == "postgresql":
        sql = _WINDOW_SQL.format(figure=OutcomeFigure._meta.db_table, columns=", ".join(_columns(indicator)))
        with connection.cursor() as cursor:
            cursor.execute(sql, [procedure.pk, list(municipality_ids), start, end])
            rows = cursor.fetchall()
    else:
        rows = OutcomeFigure.objects.filter(
            procedure=procedure, municipality_id__in=list(municipality_ids), period_start__range=(start, end)
        ).values_list(*_FIGURE_COLUMNS)
    by_city = defaultdict(list)
    make = _Figure._make
    for row in rows:
        by_city[row[0]].append(make(row))
    return by_city


def _monthly_medians(procedure, municipalities, first, last, *, unsuppressed_id=None) -> dict[int, dict]:
    """municipality id → {month start: median 処理日数} for the months ``first``…``last``, as the public
    reads them (``unsuppressed_id``: that municipality unsuppressed). One query."""
    indicator = StandardIndicator.MEDIAN_DAYS.value
    by_city = _figures_between(procedure, [m.pk for m in municipalities], first, last, indicator)
    result = {}
    for municipality in municipalities:
        figures = by_city.get(municipality.pk, [])
        public = municipality.pk != unsuppressed_id
        threshold = threshold_for(municipality)
        if not public or (threshold is not None and _nothing_withheld(figures, indicator, threshold)):
            values = ((f.period, f.period_start, f.median_days) for f in figures)
        else:
            rows = shown(figures, threshold=threshold, public=True)
            values = ((r.period, r.period_start, r.values[indicator]) for r in rows)
        result[municipality.pk] = {
            start: value
            for period, start, value in values
            if period == PeriodKind.MONTH and first <= start <= last and value is not None
        }
    return result


def _controls(link, municipality, start, first, last) -> list[Municipality]:
    """Municipalities publishing the procedure's figures, other than the treated one, with no KPI linked
    to the same procedure whose initiative starts inside the window."""
    treated_elsewhere = IndicatorLink.objects.filter(
        procedure_id=link.procedure_id,
        indicator__initiative__starts_on__gte=first,
        indicator__initiative__starts_on__lte=period_end(PeriodKind.MONTH, last),
    ).values("indicator__agreement__municipality_id")
    return list(
        Municipality.objects.filter(
            procedure_settings__procedure_id=link.procedure_id, procedure_settings__publish_figures=True
        )
        .exclude(pk=municipality.pk)
        .exclude(pk__in=treated_elsewhere)
        .order_by("code")
    )


def did_estimate(*, indicator, public=True) -> DidEstimate:
    """A difference-in-differences estimate of the initiative's effect (see ``_did_estimate``). Cached
    (``_cached``)."""
    return _cached("did", indicator, public, lambda: _did_estimate(indicator, public))


def _did_estimate(indicator, public: bool) -> DidEstimate:
    """A difference-in-differences estimate of the initiative's effect on the monthly median 処理日数 of
    the KPI's municipality and linked procedure, against the municipalities publishing the same
    procedure without such an initiative (``_controls``), over the DID_MONTHS_BEFORE months before the
    start and the DID_MONTHS_AFTER months from it. ``public``: the treated municipality's months as the
    public reads them (the controls are always read so). Not supported, with the reasons, when the data
    are too few (the MIN_* constants)."""
    link = _link_of(indicator)
    start = _start_of(indicator)
    municipality = indicator.agreement.municipality
    method = (
        _(
            "Two-way fixed effects (statsmodels OLS: y ~ treated_post + C(city) + C(month)) on the monthly median "
            "processing days (business days, month of decision). 95%% interval and p-value: the wider of the "
            "cluster-robust (by municipality, t with municipalities − 1 degrees of freedom) and the "
            "heteroskedasticity-robust (HC1) ones. Placebo estimates: each comparison municipality treated as if it "
            "had started at the same time."
        )
        % {}
    )  # "%%": a python-format string like the others
    result = DidEstimate(indicator, None, None, None, municipality, [], 0, 0, [], False, [], method, start=start)
    if link is None:
        result.reasons.append(_("This KPI is not linked to a procedure."))
        return result
    if start is None:
        result.reasons.append(_("The initiative has no start date."))
        return result
    start_month = start.replace(day=1)
    # a start after the 1st: its month mixes both regimes, so the first month wholly after is the first "after"
    post_from = start_month if start.day == 1 else month_start(start_month, 1)
    first, last = month_start(start_month, -DID_MONTHS_BEFORE), month_start(post_from, DID_MONTHS_AFTER - 1)
    candidates = _controls(link, municipality, start, first, last)
    series = _monthly_medians(
        link.procedure, [municipality, *candidates], first, last, unsuppressed_id=None if public else municipality.pk
    )
    treated = {m: v for m, v in series[municipality.pk].items() if m != start_month or post_from == start_month}
    result.pre_periods = sum(1 for m in treated if m < start_month)
    result.post_periods = sum(1 for m in treated if m >= post_from)
    controls = []
    for city in candidates:
        months = series[city.pk]
        pre = sum(1 for m in months if m < start_month)
        post = sum(1 for m in months if m >= post_from)
        if pre >= MIN_CONTROL_PRE_MONTHS and post >= MIN_CONTROL_POST_MONTHS:
            controls.append(city)
    result.dropped_controls = len(candidates) - len(controls)
    if len(controls) > MAX_CONTROLS:  # the most months first, then by code: deterministic
        controls = sorted(controls, key=lambda c: (-len(series[c.pk]), c.code))[:MAX_CONTROLS]
        controls.sort(key=lambda c: c.code)
        result.unused_controls = len(candidates) - result.dropped_controls - MAX_CONTROLS
    result.controls = controls
    result.trend = _trend(treated, [series[c.pk] for c in controls], first, last)
    if result.pre_periods < MIN_PRE_MONTHS:
        result.reasons.append(
            _("Too few months with a published figure before the start (%(have)s; at least %(need)s are needed).")
            % {"have": result.pre_periods, "need": MIN_PRE_MONTHS}
        )
    if result.post_periods < MIN_POST_MONTHS:
        result.reasons.append(
            _("Too few months with a published figure after the start (%(have)s; at least %(need)s are needed).")
            % {"have": result.post_periods, "need": MIN_POST_MONTHS}
        )
    if len(controls) < MIN_CONTROLS:
        result.reasons.append(
            _(
                "Too few comparison municipalities (%(have)s; at least %(need)s publishing this procedure's "
                "figures for enough months, without a similar initiative, are needed)."
            )
            % {"have": len(controls), "need": MIN_CONTROLS}
        )
    if result.reasons:
        return result
    _fit(result, municipality, treated, {c.pk: series[c.pk] for c in controls}, start_month, post_from)
    if result.supported and result.unused_controls:
        result.caveats.append(
            _("Only the %(n)s comparison municipalities with the most months are used.") % {"n": MAX_CONTROLS}
        )
    return result


def _trend(treated: dict, controls: list[dict], first, last) -> list[TrendPoint]:
    points, month = [], first
    while month <= last:
        values = [c[month] for c in controls if month in c]
        mean = _round(sum(values) / len(values), DAYS) if values else None
        if treated.get(month) is not None or mean is not None:
            points.append(TrendPoint(month, treated.get(month), mean))
        month = month_start(month, 1)
    return points


FORMULA = "y ~ treated_post + C(city) + C(month)"


def _ols(frame, formula: str, *cov_types: str) -> list:
    """OLS fits of one model (QR: the dummies make the SVD of the default pseudo-inverse slow), one for
    each of ``cov_types`` ("cluster": by municipality; t-distribution throughout)."""
    import statsmodels.formula.api as smf

    model = smf.ols(formula, data=frame)
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cov_type in cov_types:
            kwds = {"cov_kwds": {"groups": frame["city"].factorize()[0]}} if cov_type == "cluster" else {}
            results.append(model.fit(method="qr", cov_type=cov_type, use_t=True, **kwds))
    return results


def _fit(result: DidEstimate, municipality, treated: dict, controls: dict, start_month, post_from) -> None:
    """The two-way fixed effects model. The interval and p-value are the more cautious (wider) of the
    cluster-robust (by municipality) and the heteroskedasticity-robust (HC1) ones: with a single treated
    municipality, clustered standard errors are known to be too small. Then the placebo estimates (each
    comparison municipality treated as if it had started at the same time) and the pre-trend check."""
    import pandas as pd

    records = [(municipality.pk, m, float(v)) for m, v in treated.items()]
    for pk, months in controls.items():
        records += [(pk, m, float(v)) for m, v in months.items() if m != start_month or post_from == start_month]
    frame = pd.DataFrame(records, columns=["city", "month", "y"])
    frame["treated"] = (frame["city"] == municipality.pk).astype(int)
    frame["post"] = (frame["month"] >= post_from).astype(int)
    frame["treated_post"] = frame["treated"] * frame["post"]
    frame["month"] = frame["month"].map(lambda d: d.isoformat())
    fits = _ols(frame, FORMULA, "cluster", "HC1")
    estimate = fits[0].params["treated_post"]
    intervals = [fit.conf_int(alpha=1 - CONFIDENCE).loc["treated_post"] for fit in fits]
    low, high = min(i.iloc[0] for i in intervals), max(i.iloc[1] for i in intervals)
    p_value = max(float(fit.pvalues["treated_post"]) for fit in fits)
    if not all(np.isfinite([estimate, low, high, p_value])):
        result.reasons.append(_("The model could not be estimated from these data."))
        return
    result.supported = True
    result.estimate = _round(estimate, DAYS)
    result.interval = (_round(low, DAYS), _round(high, DAYS))
    result.p_value = _significant(p_value)
    result.caveats = [
        _(
            "An estimate, not proof: it assumes that without the initiative the municipality would have "
            "moved like the comparison municipalities (parallel trends)."
        ),
        _("Other changes at the same time in this municipality (staff, rules, demand) are not separated out."),
    ]
    clusters = 1 + len(controls)
    if clusters < FEW_CLUSTERS:
        result.caveats.append(
            _(
                "Only %(n)s municipalities: standard errors clustered by municipality are unreliable with so "
                "few, and with one treated municipality the interval may be too narrow."
            )
            % {"n": clusters}
        )
    _placebos(result, frame[frame["treated"] == 0].copy())
    _pre_trend(result, frame[frame["month"] < start_month.isoformat()].copy())


def _placebos(result: DidEstimate, controls) -> None:
    """Placebo in space: each comparison municipality in turn treated as if it had started at the same
    time, among the others. An effect no larger than these is within the ordinary variation."""
    placebos = []
    for city in sorted(controls["city"].unique())[:MAX_PLACEBOS]:
        frame = controls.copy()
        frame["treated_post"] = ((frame["city"] == city) & (frame["post"] == 1)).astype(int)
        if frame["treated_post"].sum() == 0:
            continue
        try:
            estimate = _ols(frame, FORMULA, "nonrobust")[0].params["treated_post"]
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.isfinite(estimate):
            placebos.append(_round(estimate, DAYS))
    result.placebo_estimates = sorted(placebos)
    if placebos and abs(result.estimate) <= max(abs(p) for p in placebos):
        result.caveats.append(
            _(
                "A comparison municipality without the initiative, treated as if it had started at the same "
                "time, shows a change as large (placebo): the estimate is within the ordinary variation."
            )
        )


def _pre_trend(result: DidEstimate, pre) -> None:
    """The pre-trend check: before the start, does the treated municipality's line run parallel to the
    comparison municipalities'? The same model on the months before the start with a linear trend of the
    treated municipality (months from the first) in place of ``treated_post``; its slope is the
    difference of slopes, its p-value the more cautious of the two covariance estimates as above."""
    months = sorted(pre["month"].unique())
    if len(months) < 3:
        return
    index = {m: i for i, m in enumerate(months)}
    pre["t_treated"] = pre["month"].map(index) * pre["treated"]
    formula = "y ~ t_treated + C(city) + C(month)"
    try:
        fits = _ols(pre, formula, "cluster", "HC1")
    except (ValueError, np.linalg.LinAlgError):
        return
    slope = fits[0].params.get("t_treated")
    p_value = max(float(fit.pvalues.get("t_treated", np.nan)) for fit in fits)
    if slope is None or not np.isfinite(slope) or not np.isfinite(p_value):
        return
    result.pre_trend_difference = _round(slope, DAYS)
    result.pre_trend_p_value = _significant(p_value)
    if p_value < PRE_TREND_ALPHA:
        result.caveats.append(
            _(
                "Before the start, this municipality's trend already differed from the comparison "
                "municipalities' (%(slope)s business days a month): the estimate may be biased."
            )
            % {"slope": result.pre_trend_difference}
        )
