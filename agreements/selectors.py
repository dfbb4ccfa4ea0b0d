"""Reads that span apps or need several queries: the national statistics of published data."""

from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Window
from django.utils import timezone

from partnerships.models import Municipality

from .models import (
    Agreement,
    AgreementSummary,
    CooperationField,
    Deliverable,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    PublicChange,
)
from .querysets import agreement_visible_q

STATS_CACHE_KEY = "kyoso:stats:v2"  # v2: the zero-budget share is over agreements with a known cost

# The one rule of every zero-budget figure: a share of the agreements whose cost is known (stated, 0
# included). An agreement whose city did not state its cost is neither zero-budget nor not: it is
# counted apart as unknown and left out of the denominator.
ZERO_BUDGET = Q(zero_budget=True)
COST_KNOWN = Q(municipal_cost_jpy__isnull=False)


def zero_budget_counts() -> dict:
    """The aggregates of the zero-budget rule, for ``.aggregate()`` or ``.annotate()``."""
    return {"zero_budget": Count("id", filter=ZERO_BUDGET), "cost_known": Count("id", filter=COST_KNOWN)}


def zero_budget_share(zero_budget: int, known: int) -> float | None:
    """Zero-budget agreements over agreements with a known cost, 4 decimals; None when no cost is known."""
    return round(zero_budget / known, 4) if known else None


def zero_budget_summary(agreements: int, zero_budget: int, known: int) -> dict:
    """{count, known, unknown, share}: the share and the denominator it was taken over."""
    return {
        "count": zero_budget,
        "known": known,
        "unknown": agreements - known,
        "share": zero_budget_share(zero_budget, known),
    }


def _grouped(published) -> list:
    """One pass over the published agreements, grouped by municipality, kind and status (no join: the
    municipalities' codes and names are read apart): every count and sum of the statistics except
    fields, partners and KPIs is added up from these few thousand rows in Python — one scan of ~88,000
    agreements instead of six."""
    groups = list(
        published.values("municipality_id", "kind", "status")
        .annotate(
            agreements=Count("id"),
            **zero_budget_counts(),
            municipal_cost_jpy=Sum("municipal_cost_jpy"),
            partner_contribution_jpy=Sum("partner_contribution_jpy"),
        )
        .order_by()
    )
    municipalities = Municipality.objects.filter(pk__in={group["municipality_id"] for group in groups})
    places = {pk: rest for pk, *rest in municipalities.values_list("pk", "code", "name", "prefecture_code")}
    return [
        SimpleNamespace(
            code=places[g["municipality_id"]][0],
            name=places[g["municipality_id"]][1],
            prefecture=places[g["municipality_id"]][2],
            **g,
        )
        for g in groups
    ]


def _rollup(rows, key) -> dict:
    """{key: {agreements, zero_budget, cost_known}} summed over the grouped rows."""
    sums = {}
    for row in rows:
        entry = sums.setdefault(key(row), {"agreements": 0, "zero_budget": 0, "cost_known": 0})
        entry["agreements"] += row.agreements
        entry["zero_budget"] += row.zero_budget
        entry["cost_known"] += row.cost_known
    return sums


def stats_compute() -> dict:
    """Figures over published records only: one grouped pass over the agreements, one over their
    fields, one over their partners, and the KPI verdicts from the maintained summaries."""
    published = Agreement.objects.published().order_by()
    rows = _grouped(published)
    totals = {
        "agreements": sum(row.agreements for row in rows),
        "zero_budget": sum(row.zero_budget for row in rows),
        "cost_known": sum(row.cost_known for row in rows),
        "municipal_cost_jpy": sum(row.municipal_cost_jpy or 0 for row in rows),
        "partner_contribution_jpy": sum(row.partner_contribution_jpy or 0 for row in rows),
        "municipalities": len({row.code for row in rows}),
    }
    prefecture_names = dict(Municipality.objects.prefectures().values_list("prefecture_code", "name"))
    by_prefecture = [
        {"prefecture": code, "name": prefecture_names.get(code, ""), **counts}
        for code, counts in sorted(_rollup(rows, lambda row: row.prefecture).items())
    ]
    by_municipality = sorted(
        (
            {"municipality": code, "name": name, **counts}
            for (code, name), counts in _rollup(rows, lambda row: (row.code, row.name)).items()
        ),
        key=lambda entry: (-entry["agreements"], entry["municipality"]),
    )
    fields = dict(CooperationField.objects.values_list("code", "name"))
    by_field = [
        {"field": row["fields__code"], "name": fields.get(row["fields__code"], ""), "agreements": row["agreements"]}
        for row in published.filter(fields__isnull=False)
        .values("fields__code")
        .annotate(agreements=Count("id"))
        .order_by("-agreements", "fields__code")
    ]
    by_kind = {kind: n["agreements"] for kind, n in _rollup(rows, lambda row: row.kind).items()}
    by_status = {status: n["agreements"] for status, n in _rollup(rows, lambda row: row.status).items()}

    multi = list(
        Party.objects.filter(agreement__published=True)
        .values("organization_id", "organization__name", "organization__corporate_number")
        .annotate(
            municipalities=Count("agreement__municipality", distinct=True), agreements=Count("agreement", distinct=True)
        )
        .filter(municipalities__gte=2)
        # the count of all and the top 20 in one query: the window counts before the LIMIT
        .annotate(total=Window(Count("*")))
        .order_by("-municipalities", "-agreements", "organization_id")[:20]
    )
    organizations = {
        "in_several_municipalities": multi[0]["total"] if multi else 0,
        "top": [
            {
                "id": r["organization_id"],
                "name": r["organization__name"],
                "corporate_number": r["organization__corporate_number"],
                "municipalities": r["municipalities"],
                "agreements": r["agreements"],
            }
            for r in multi
        ],
    }
    agreements = totals["agreements"] or 0
    zero, known = totals["zero_budget"] or 0, totals["cost_known"] or 0
    return {
        "generated_at": timezone.now().isoformat(),
        "agreements": agreements,
        "municipalities_with_agreements": totals["municipalities"] or 0,
        # zero_budget and zero_budget_share keep their names and types; the share is over known costs
        "zero_budget": zero,
        "zero_budget_share": zero_budget_share(zero, known),
        "zero_budget_detail": zero_budget_summary(agreements, zero, known),
        # the sum of the stated costs; agreements with an unknown cost add nothing (see zero_budget_detail)
        "municipal_cost_jpy": totals["municipal_cost_jpy"] or 0,
        "partner_contribution_jpy": totals["partner_contribution_jpy"] or 0,
        "by_prefecture": by_prefecture,
        "by_municipality": by_municipality,
        "by_field": by_field,
        "by_kind": by_kind,
        "by_status": by_status,
        "organizations": organizations,
        "kpis": kpi_attainment(),
    }


VERDICTS = ("met_target", "improved", "unchanged", "worsened", "not_measured")


def kpi_verdict(direction: str, baseline: Decimal, target: Decimal, value: Decimal | None) -> str:
    """How a KPI stands on a value: met its target, improved on the baseline, unchanged, worsened —
    or not measured yet."""
    if value is None:
        return "not_measured"
    sign = Decimal(1) if direction == "higher" else Decimal(-1)
    if (value - target) * sign >= 0:
        return "met_target"
    change = (value - baseline) * sign
    return "improved" if change > 0 else "unchanged" if change == 0 else "worsened"


def latest_accepted_value() -> Subquery:
    """The value of the outer KPI's latest accepted measurement (the one its verdict is judged on)."""
    latest = Measurement.objects.accepted().filter(indicator=OuterRef("pk")).order_by("-period_end", "-id")
    return Subquery(latest.values("value")[:1])


def kpi_attainment(indicators=None) -> dict:
    """Verdict counts of KPIs (by default those of all published agreements), each judged on its
    latest accepted value. By default: the maintained summaries plus a live count of the published
    agreements whose summary is missing or waiting for the outbox task (so always exact); given
    ``indicators``: a live count of those (one query)."""
    if indicators is None:
        return _kpi_attainment_published()
    rows = (
        indicators.order_by()
        .annotate(latest_value=latest_accepted_value())
        .values_list("direction", "baseline_value", "target_value", "latest_value")
    )
    verdicts = dict.fromkeys(VERDICTS, 0)
    for direction, baseline, target, value in rows.iterator(chunk_size=5000):
        verdicts[kpi_verdict(direction, baseline, target, value)] += 1
    return {"indicators": sum(verdicts.values()), **verdicts}


def _kpi_attainment_published() -> dict:
    """The published agreements' verdicts: a sum over their summaries (one aggregate over ~88,000 small
    rows instead of a latest-value lookup for each of ~250,000 KPIs), and the few agreements whose
    summary is stale — a change not yet processed, or never summarised (a seeded database) — judged
    live, so the figure never waits for the task."""
    pending = PublicChange.objects.pending().values("agreement_id")
    stale = list(
        Agreement.objects.published()
        .filter(Q(stats_summary__isnull=True) | Q(pk__in=pending))
        .order_by()
        .values_list("pk", flat=True)
    )
    summaries = AgreementSummary.objects.filter(agreement__published=True).exclude(agreement_id__in=pending)
    summed = summaries.aggregate(**{name: Sum(name) for name in VERDICTS})
    verdicts = {name: summed[name] or 0 for name in VERDICTS}
    if stale:  # usually none; all of them on a database nobody has summarised yet
        live = kpi_attainment(OutcomeIndicator.objects.filter(agreement_id__in=stale))
        verdicts = {name: verdicts[name] + live[name] for name in VERDICTS}
    return {"indicators": sum(verdicts.values()), **verdicts}


def stats_get(*, refresh: bool = False) -> dict:
    """The statistics, from the cache when fresh (KYOSO_STATS_TTL seconds)."""
    if not refresh:
        cached = cache.get(STATS_CACHE_KEY)
        if cached is not None:
            return cached
    data = stats_compute()
    cache.set(STATS_CACHE_KEY, data, timeout=settings.KYOSO_STATS_TTL)
    return data


def visible_agreements(user):
    return Agreement.objects.visible_to(user)


def visible_initiatives(user):
    return Initiative.objects.filter(agreement_visible_q(user, "agreement__"))


def visible_deliverables(user):
    return Deliverable.objects.filter(agreement_visible_q(user, "initiative__agreement__"))


def visible_indicators(user):
    return OutcomeIndicator.objects.filter(agreement_visible_q(user, "agreement__"))
