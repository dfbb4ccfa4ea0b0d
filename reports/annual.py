"""The public annual report of a municipality, or of the whole country, for one fiscal year (April–March):
issue 16 §4, docs/annual-report.md.

It keeps three things apart: **activity** (agreements, initiatives, deliverables), **resources** (the
municipality's cost and the partners' in-kind contribution) and **outcomes for residents** (the KPIs'
latest accepted value in the year), with the yearly renewal decisions and the proposals as counts.

One rule for everyone: only published agreements count, and only public fields are read, so a member of
the municipality reads the same report as the public. An unknown cost (NULL) is never counted as 0: the
sums add the stated amounts only and say how many are unknown. KPI values computed by Kyoso from case
records (``outcomes.services.COMPUTED_SOURCE``) are marked; they are written only from public figures,
which already passed the small-number rule.

Queries: a municipality's report is ``REPORT_QUERIES``, the national summary ``NATIONAL_QUERIES``,
whatever the number of rows (tests/portal/test_annual_report.py pins both).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from agreements.choices import AgreementStatus, DeliverableStatus, Direction, InitiativeStatus, RenewalOutcome
from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator, RenewalDecision
from core.dates import fiscal_year_of
from outcomes.services import COMPUTED_SOURCE
from proposals.models import DecisionOutcome, Proposal

FIRST_FISCAL_YEAR = 2000
# agreements, initiatives, deliverables, KPIs, renewal decisions, proposals
REPORT_QUERIES = 6
NATIONAL_QUERIES = 6
SIGNED = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)
ENDED = (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


def current_fiscal_year(today: datetime.date | None = None) -> int:
    return fiscal_year_of(today or timezone.localdate())


def last_complete_fiscal_year(today: datetime.date | None = None) -> int:
    """The last fiscal year whose 31 March has passed."""
    return current_fiscal_year(today) - 1


def fiscal_year_is_valid(fiscal_year: int, today: datetime.date | None = None) -> bool:
    """2000 to next year: the range the pages and the API answer (400 / 404 outside it)."""
    today = today or timezone.localdate()
    return FIRST_FISCAL_YEAR <= fiscal_year <= today.year + 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(fiscal_year, 4, 1), datetime.date(fiscal_year + 1, 3, 31)


@dataclass(frozen=True)
class Money:
    """A sum of stated amounts (yen) and how many were unknown (NULL), never counted as 0."""

    total: int
    stated: int
    unknown: int
    zero: int | None = None  # stated as 0 (a zero-budget project), where that means something


@dataclass(frozen=True)
class KpiRow:
    agreement_public_id: str
    agreement_title: str
    agreement_title_en: str
    code: str
    name: str
    name_en: str
    unit: str
    direction: str
    baseline_value: Decimal
    target_value: Decimal
    target_on: datetime.date
    value: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    computed: bool
    # None without a value; True when the value has reached the target in the indicator's direction
    reached: bool | None


@dataclass
class AnnualReport:
    fiscal_year: int
    starts_on: datetime.date
    ends_on: datetime.date
    municipality: object | None  # None: the national summary
    complete: bool  # the fiscal year has ended
    activity: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)  # "agreements"/"initiatives": Money
    contributions: dict = field(default_factory=dict)  # "agreements"/"initiatives": Money (estimated)
    kpis: list = field(default_factory=list)  # KpiRow, a municipality's report only
    kpi_summary: dict = field(default_factory=dict)
    renewals: dict = field(default_factory=dict)
    proposals: dict = field(default_factory=dict)

    def figures(self):
        """(section, key, value) for every count and sum: the CSV and the API read these."""
        for key, value in self.activity.items():
            yield "activity", key, value
        for kind, money in self.costs.items():
            yield "resources", f"municipal_cost_{kind}_total_jpy", money.total
            yield "resources", f"municipal_cost_{kind}_stated", money.stated
            yield "resources", f"municipal_cost_{kind}_unknown", money.unknown
            if money.zero is not None:
                yield "resources", f"municipal_cost_{kind}_zero", money.zero
        for kind, money in self.contributions.items():
            yield "resources", f"partner_contribution_{kind}_total_jpy", money.total
            yield "resources", f"partner_contribution_{kind}_stated", money.stated
            yield "resources", f"partner_contribution_{kind}_unknown", money.unknown
        for key, value in self.kpi_summary.items():
            yield "outcomes", key, value
        for key, value in self.renewals.items():
            yield "review", key, value
        for key, value in self.proposals.items():
            yield "proposals", key, value


def _money(row: dict, prefix: str, zero: bool = False) -> Money:
    return Money(
        total=row[f"{prefix}_total"] or 0,
        stated=row[f"{prefix}_stated"],
        unknown=row[f"{prefix}_unknown"],
        zero=row[f"{prefix}_zero"] if zero else None,
    )


def _money_aggregates(prefix: str, column: str, during: Q, zero: bool = False) -> dict:
    stated = during & Q(**{f"{column}__isnull": False})
    aggregates = {
        f"{prefix}_total": Sum(column, filter=stated),
        f"{prefix}_stated": Count("pk", filter=stated),
        f"{prefix}_unknown": Count("pk", filter=during & Q(**{f"{column}__isnull": True})),
    }
    if zero:
        aggregates[f"{prefix}_zero"] = Count("pk", filter=during & Q(**{column: 0}))
    return aggregates


def annual_report(*, fiscal_year: int, municipality=None, today: datetime.date | None = None) -> AnnualReport:
    """The report of ``municipality`` (None: the whole country) for ``fiscal_year`` (April ``fiscal_year`` –
    March ``fiscal_year + 1``). Published agreements only, public fields only."""
    start, end = fiscal_year_bounds(fiscal_year)
    today = today or timezone.localdate()
    report = AnnualReport(fiscal_year, start, end, municipality, complete=end < today)
    city = {"municipality": municipality} if municipality is not None else {}

    # 1. agreements: signed, active during, ended in the year; their cost and the partners' contribution
    agreements = Agreement.objects.published().filter(**city)
    signed_in_year = Q(signed_on__range=(start, end), status__in=SIGNED)
    active_during = Q(status__in=SIGNED, signed_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    row = agreements.aggregate(
        signed=Count("pk", filter=signed_in_year),
        active=Count("pk", filter=active_during),
        ended=Count("pk", filter=Q(status__in=ENDED, ends_on__range=(start, end))),
        **_money_aggregates("cost", "municipal_cost_jpy", active_during, zero=True),
        **_money_aggregates("contribution", "partner_contribution_jpy", active_during),
    )
    report.activity.update(
        agreements_signed=row["signed"], agreements_active=row["active"], agreements_ended=row["ended"]
    )
    report.costs["agreements"] = _money(row, "cost", zero=True)
    report.contributions["agreements"] = _money(row, "contribution")

    # 2. initiatives: started in the year, running during it; their cost and in-kind value
    initiatives = Initiative.objects.filter(agreement__published=True)
    if municipality is not None:
        initiatives = initiatives.filter(agreement__municipality=municipality)
    live = ~Q(status__in=(InitiativeStatus.PLANNED, InitiativeStatus.CANCELLED))
    running = live & Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    row = initiatives.aggregate(
        started=Count("pk", filter=live & Q(starts_on__range=(start, end))),
        running=Count("pk", filter=running),
        **_money_aggregates("cost", "municipal_cost_jpy", running, zero=True),
        **_money_aggregates("contribution", "in_kind_value_jpy", running),
    )
    report.activity.update(initiatives_started=row["started"], initiatives_running=row["running"])
    report.costs["initiatives"] = _money(row, "cost", zero=True)
    report.contributions["initiatives"] = _money(row, "contribution")

    # 3. deliverables due in the year, and how they stand
    deliverables = Deliverable.objects.filter(initiative__agreement__published=True, due_on__range=(start, end))
    if municipality is not None:
        deliverables = deliverables.filter(municipality=municipality)
    deliverables = deliverables.exclude(status=DeliverableStatus.CANCELLED)
    row = deliverables.aggregate(
        due=Count("pk"),
        met=Count("pk", filter=Q(status=DeliverableStatus.MET)),
        partially_met=Count("pk", filter=Q(status=DeliverableStatus.PARTIALLY_MET)),
        not_met=Count("pk", filter=Q(status=DeliverableStatus.NOT_MET)),
        open=Count("pk", filter=Q(status__in=(DeliverableStatus.SCHEDULED, DeliverableStatus.IN_PROGRESS))),
    )
    report.activity.update({f"deliverables_{key}": value for key, value in row.items()})

    # 4. KPIs of published agreements with their latest accepted value whose period ends in the year
    latest = (
        Measurement.objects.accepted()
        .filter(indicator=OuterRef("pk"), period_end__range=(start, end))
        .order_by("-period_end", "-period_start", "-id")
    )
    indicators = OutcomeIndicator.objects.filter(agreement__published=True).annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_start=Subquery(latest.values("period_start")[:1]),
        latest_end=Subquery(latest.values("period_end")[:1]),
        latest_source=Subquery(latest.values("source")[:1]),
    )
    reached = Q(latest_value__isnull=False) & (
        Q(direction=Direction.HIGHER, latest_value__gte=F("target_value"))
        | Q(direction=Direction.LOWER, latest_value__lte=F("target_value"))
    )
    if municipality is not None:
        indicators = indicators.filter(agreement__municipality=municipality)
        rows = indicators.values(
            "code", "name", "name_en", "unit", "direction", "baseline_value", "target_value", "target_on",
            "latest_value", "latest_start", "latest_end", "latest_source",
            agreement_public_id=F("agreement__public_id"),
            agreement_title=F("agreement__title"),
            agreement_title_en=F("agreement__title_en"),
        ).order_by("agreement__public_id", "code")  # fmt: skip
        report.kpis = [_kpi_row(row) for row in rows]
        with_value = [kpi for kpi in report.kpis if kpi.value is not None]
        report.kpi_summary = {
            "kpis": len(report.kpis),
            "kpis_with_value": len(with_value),
            "kpis_reached_target": sum(1 for kpi in with_value if kpi.reached),
            "kpis_computed": sum(1 for kpi in with_value if kpi.computed),
        }
    else:
        report.kpi_summary = indicators.aggregate(
            kpis=Count("pk"),
            kpis_with_value=Count("pk", filter=Q(latest_value__isnull=False)),
            kpis_reached_target=Count("pk", filter=reached),
            kpis_computed=Count("pk", filter=Q(latest_source=COMPUTED_SOURCE)),
        )

    # 5. the yearly review: the renewal decisions taken in the year (counts only; the reasons are not public)
    decisions = RenewalDecision.objects.filter(agreement__published=True, decided_on__range=(start, end))
    if municipality is not None:
        decisions = decisions.filter(agreement__municipality=municipality)
    report.renewals = decisions.aggregate(
        renewals_decided=Count("pk"),
        renewals_renew=Count("pk", filter=Q(outcome=RenewalOutcome.RENEW)),
        renewals_renew_with_changes=Count("pk", filter=Q(outcome=RenewalOutcome.RENEW_WITH_CHANGES)),
        renewals_end=Count("pk", filter=Q(outcome=RenewalOutcome.END)),
    )

    # 6. proposals received and decided in the year (counts only)
    proposals = Proposal.objects.filter(**city)
    received = Q(submitted_at__date__range=(start, end))
    decided = Q(decision__decided_at__date__range=(start, end))
    report.proposals = proposals.aggregate(
        proposals_received=Count("pk", filter=received),
        proposals_decided=Count("pk", filter=decided),
        proposals_adopted=Count("pk", filter=decided & Q(decision__outcome=DecisionOutcome.ADOPTED)),
        proposals_rejected=Count("pk", filter=decided & Q(decision__outcome=DecisionOutcome.REJECTED)),
    )
    return report


def _kpi_row(row: dict) -> KpiRow:
    value = row["latest_value"]
    reached = None
    if value is not None:
        higher = row["direction"] == Direction.HIGHER
        reached = value >= row["target_value"] if higher else value <= row["target_value"]
    return KpiRow(
        agreement_public_id=row["agreement_public_id"],
        agreement_title=row["agreement_title"],
        agreement_title_en=row["agreement_title_en"],
        code=row["code"],
        name=row["name"],
        name_en=row["name_en"],
        unit=row["unit"],
        direction=row["direction"],
        baseline_value=row["baseline_value"],
        target_value=row["target_value"],
        target_on=row["target_on"],
        value=value,
        period_start=row["latest_start"],
        period_end=row["latest_end"],
        computed=value is not None and row["latest_source"] == COMPUTED_SOURCE,
        reached=reached,
    )
