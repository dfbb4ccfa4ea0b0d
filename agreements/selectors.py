"""Reads that span apps or need several queries: the national statistics of published data."""

from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from partnerships.models import Municipality

from .models import Agreement, CooperationField, Measurement, OutcomeIndicator, Party

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


def _counts(queryset, key):
    return queryset.values(key).annotate(agreements=Count("id"), **zero_budget_counts())


def stats_compute() -> dict:
    """Figures over published records only. A few aggregate queries; no per-row work in Python
    except the KPI verdicts, which read one latest value per indicator."""
    published = Agreement.objects.published().order_by()
    totals = published.aggregate(
        agreements=Count("id"),
        **zero_budget_counts(),
        municipal_cost_jpy=Sum("municipal_cost_jpy"),
        partner_contribution_jpy=Sum("partner_contribution_jpy"),
        municipalities=Count("municipality", distinct=True),
    )
    prefecture_names = dict(Municipality.objects.prefectures().values_list("prefecture_code", "name"))
    by_prefecture = [
        {
            "prefecture": row["municipality__prefecture_code"],
            "name": prefecture_names.get(row["municipality__prefecture_code"], ""),
            "agreements": row["agreements"],
            "zero_budget": row["zero_budget"],
            "cost_known": row["cost_known"],
        }
        for row in _counts(published, "municipality__prefecture_code").order_by("municipality__prefecture_code")
    ]
    by_municipality = [
        {
            "municipality": row["municipality__code"],
            "name": row["municipality__name"],
            "agreements": row["agreements"],
            "zero_budget": row["zero_budget"],
            "cost_known": row["cost_known"],
        }
        for row in published.values("municipality__code", "municipality__name")
        .annotate(agreements=Count("id"), **zero_budget_counts())
        .order_by("-agreements", "municipality__code")
    ]
    fields = dict(CooperationField.objects.values_list("code", "name"))
    by_field = [
        {"field": row["fields__code"], "name": fields.get(row["fields__code"], ""), "agreements": row["agreements"]}
        for row in published.filter(fields__isnull=False)
        .values("fields__code")
        .annotate(agreements=Count("id"))
        .order_by("-agreements", "fields__code")
    ]
    by_kind = {row["kind"]: row["n"] for row in published.values("kind").annotate(n=Count("id")).order_by()}
    by_status = {row["status"]: row["n"] for row in published.values("status").annotate(n=Count("id")).order_by()}

    multi = (
        Party.objects.filter(agreement__published=True)
        .values("organization_id", "organization__name", "organization__corporate_number")
        .annotate(
            municipalities=Count("agreement__municipality", distinct=True), agreements=Count("agreement", distinct=True)
        )
        .filter(municipalities__gte=2)
        .order_by("-municipalities", "-agreements", "organization_id")
    )
    organizations = {
        "in_several_municipalities": multi.count(),
        "top": [
            {
                "id": r["organization_id"],
                "name": r["organization__name"],
                "corporate_number": r["organization__corporate_number"],
                "municipalities": r["municipalities"],
                "agreements": r["agreements"],
            }
            for r in multi[:20]
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


def kpi_attainment(indicators=None) -> dict:
    """Verdict counts of KPIs (by default those of all published agreements), each judged on its
    latest accepted value. One query."""
    if indicators is None:
        indicators = OutcomeIndicator.objects.filter(agreement__published=True)
    latest = Measurement.objects.accepted().filter(indicator=OuterRef("pk")).order_by("-period_end", "-id")
    rows = (
        indicators.order_by()
        .annotate(latest_value=Subquery(latest.values("value")[:1]))
        .values_list("direction", "baseline_value", "target_value", "latest_value")
    )
    verdicts = dict.fromkeys(VERDICTS, 0)
    for direction, baseline, target, value in rows.iterator(chunk_size=5000):
        verdicts[kpi_verdict(direction, baseline, target, value)] += 1
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
