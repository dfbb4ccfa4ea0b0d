"""How the agreement page presents an outcome indicator (KPI): the headline (latest value, target,
attainment), the series with the baseline in its place, which columns of its table say anything, and
— for a KPI linked to a procedure (issue 15) — what its computed values come from.

Pure functions over an indicator whose measurements are already loaded (``shown_measurements``,
period order) and, for ``outcome``, whose link is (``select_related("outcome_link__procedure")``): no
query.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from agreements.models import Measurement, OutcomeIndicator
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.services import COMPUTED_SOURCE

BASELINE, MEASUREMENT, TARGET = "baseline", "measurement", "target"


def before_baseline(indicator: OutcomeIndicator, measurement: Measurement) -> bool:
    """A value for a period that starts before the baseline period: it is history, not progress, so
    no attainment is computed for it (it would read as a negative share of the way to the target)."""
    return measurement.period_start < indicator.baseline_period_start


def attainment(indicator: OutcomeIndicator, measurement: Measurement) -> Decimal | None:
    """(value − baseline) / (target − baseline), or None before the baseline period."""
    if before_baseline(indicator, measurement):
        return None
    return indicator.attainment(measurement.value)


@dataclass
class Row:
    """One row of an indicator's series: the baseline, a measured value or the target."""

    kind: str
    value: Decimal
    period_start: object = None
    period_end: object = None
    attainment: Decimal | None = None
    before_baseline: bool = False
    measurement: Measurement | None = None
    computed: bool = False  # computed from case records (a linked KPI), not reported

    @property
    def is_baseline(self) -> bool:
        return self.kind == BASELINE

    @property
    def is_target(self) -> bool:
        return self.kind == TARGET


def series(indicator: OutcomeIndicator) -> list[Row]:
    """The shown values in period order with the baseline in its place (before the values of later
    periods, after those of earlier ones; first among values ending on the same day), then the target."""
    baseline = Row(
        BASELINE,
        indicator.baseline_value,
        indicator.baseline_period_start,
        indicator.baseline_period_end,
        attainment=Decimal(0),
    )
    rows, placed = [], False
    for measurement in indicator.shown_measurements:
        if not placed and measurement.period_end >= indicator.baseline_period_end:
            rows.append(baseline)
            placed = True
        rows.append(
            Row(
                MEASUREMENT,
                measurement.value,
                measurement.period_start,
                measurement.period_end,
                attainment=attainment(indicator, measurement),
                before_baseline=before_baseline(indicator, measurement),
                measurement=measurement,
                computed=is_computed(measurement),
            )
        )
    if not placed:
        rows.append(baseline)
    rows.append(Row(TARGET, indicator.target_value, period_end=indicator.target_on, attainment=Decimal(1)))
    return rows


@dataclass
class Columns:
    """The optional columns of an indicator's table: shown only when a row has something to say."""

    measured_by: bool = False
    sample: bool = False
    review: bool = False
    note: bool = False
    names: list[str] = field(default_factory=list)


def columns(indicator: OutcomeIndicator, *, member: bool) -> Columns:
    measurements = indicator.shown_measurements
    shown = Columns(
        measured_by=bool(measurements),
        sample=any(m.sample_size for m in measurements),
        review=member and bool(measurements),
        note=any(m.source or m.note for m in measurements),
    )
    shown.names = [name for name in ("measured_by", "sample", "review", "note") if getattr(shown, name)]
    return shown


def latest_pending(indicator: OutcomeIndicator) -> Measurement | None:
    """The newest value not yet accepted, if it is newer than the latest accepted one (members only
    ever have such values loaded): the headline mentions it."""
    latest = getattr(indicator, "latest", None)
    newer = [
        m
        for m in indicator.shown_measurements
        if m.review_status != "accepted" and (latest is None or m.period_end > latest.period_end)
    ]
    return newer[-1] if newer else None


def is_computed(measurement: Measurement | None) -> bool:
    """A value Kyoso computed from the municipality's case records (``outcomes.services``), not reported."""
    return measurement is not None and measurement.source == COMPUTED_SOURCE


@dataclass
class Outcome:
    """What a linked KPI's values are computed from, and where to read more."""

    procedure: object
    kind: str
    period: str
    procedure_url: str = ""  # the city's figures of the procedure (when the reader may see them)
    effect_url: str = ""  # the before/after and difference-in-differences (when there is a start)
    latest_computed: bool = False
    latest_n: int | None = None


def outcome(indicator: OutcomeIndicator, *, member: bool) -> Outcome | None:
    """The procedure and standard indicator a KPI is linked to, or None. Reads only what is loaded: the
    link with its procedure (``select_related("outcome_link__procedure")``, else None) and, to link the
    public to the figures, whether the city publishes them (the procedure's prefetched ``city_settings``:
    its MunicipalProcedure in the agreement's municipality). Members always get the links."""
    if not type(indicator).outcome_link.is_cached(indicator):
        return None
    try:
        link = indicator.outcome_link
    except ObjectDoesNotExist:
        return None
    procedure = link.procedure
    published = any(s.publish_figures for s in getattr(procedure, "city_settings", None) or [])
    municipality = indicator.agreement.municipality
    latest = getattr(indicator, "latest", None)
    shown = Outcome(
        procedure=procedure,
        kind=dict(StandardIndicator.choices).get(link.kind, link.kind),
        period=dict(PeriodKind.choices).get(link.period, link.period),
        latest_computed=is_computed(latest),
        latest_n=latest.sample_size if is_computed(latest) else None,
    )
    if published or member:
        shown.procedure_url = reverse(
            "portal:municipality-outcome", kwargs={"code": municipality.code, "procedure": procedure.code}
        )
        initiative = indicator.initiative if indicator.initiative_id else None
        if initiative is not None and initiative.starts_on:
            shown.effect_url = reverse("portal:outcome-effect", kwargs={"indicator": indicator.pk})
    return shown
