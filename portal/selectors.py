"""Reads of the public pages. Each page is a fixed number of queries, however many rows it shows."""

from django.db.models import Case, Count, Prefetch, Q, Sum, Value, When
from django.utils import timezone, translation

from agreements.choices import DeliverableStatus, PartyRole
from agreements.history import is_member, parent_shown
from agreements.models import Agreement, Deliverable, Document, Initiative, Measurement, OutcomeIndicator, Party
from agreements.querysets import agreement_visible_q
from agreements.selectors import (  # noqa: F401 — VERDICTS is re-exported to the views
    VERDICTS,
    kpi_attainment,
    kpi_verdict,
    zero_budget_counts,
    zero_budget_share,
)
from outcomes.models import MunicipalProcedure
from partnerships.access import access_for
from partnerships.models import Municipality, Organization

# Lead partner first, then partners, supporters, monitors (the order of PartyRole).
ROLE_ORDER = Case(*(When(role=role, then=Value(index)) for index, role in enumerate(PartyRole.values)))


def with_list_relations(queryset):
    """What every agreement list shows: municipality with its prefecture, fields and parties."""
    return (
        # municipality and prefecture: the full name (大阪府四條畷市) on every row, joined
        queryset.select_related("municipality__prefecture").prefetch_related(
            # fields and parties would be one query per agreement each
            "fields",
            Prefetch(
                "parties",
                queryset=Party.objects.select_related("organization").order_by(ROLE_ORDER, "id"),
                to_attr="party_list",
            ),
        )
    )


def recent_agreements(*, limit: int = 8) -> list[Agreement]:
    """The most recently published agreements."""
    return list(with_list_relations(Agreement.objects.published().order_by("-published_at", "-id"))[:limit])


def prefecture_names() -> dict[str, tuple[str, str]]:
    """2-digit prefecture code → (name in the page's language, 6-digit code): one query."""
    english = translation.get_language() == "en"
    rows = Municipality.objects.prefectures().values_list("prefecture_code", "name", "name_en", "code")
    return {short: ((name_en or name) if english else name, code) for short, name, name_en, code in rows}


def recent_improvements(*, limit: int = 5) -> list[Measurement]:
    """The latest accepted values that improved on their indicator's baseline, one per indicator,
    newest report first (one query, served by the review-status index)."""
    candidates = (
        Measurement.objects.accepted()
        .filter(indicator__agreement__published=True)
        # indicator, agreement, municipality and prefecture are named on each row
        .select_related("indicator__agreement__municipality__prefecture")
        .order_by("-reported_at", "-id")[: limit * 8]
    )
    shown, seen = [], set()
    for measurement in candidates:
        indicator = measurement.indicator
        if indicator.pk in seen:
            continue
        seen.add(indicator.pk)
        if kpi_verdict(indicator.direction, indicator.baseline_value, indicator.target_value, measurement.value) in (
            "met_target",
            "improved",
        ):
            shown.append(measurement)
        if len(shown) == limit:
            break
    return shown


# -- the agreement page ---------------------------------------------------------------------------


def agreement_sections(*, agreement: Agreement, user) -> dict:
    """Everything under an agreement that its page shows, for this reader. Members (officers of the
    municipality, users of a party) also see unpublished documents and measurements under review."""
    member = is_member(user, agreement)
    parties = list(agreement.parties.select_related("organization").order_by(ROLE_ORDER, "id"))
    deliverables = Deliverable.objects.select_related("responsible").order_by("due_on", "id")  # names on each row
    initiatives = list(
        Initiative.objects.filter(agreement=agreement)
        .with_progress()
        .select_related("field")  # the field's name on each initiative
        .prefetch_related(Prefetch("deliverables", queryset=deliverables, to_attr="deliverable_list"))
        .order_by("id")
    )
    measurements = Measurement.objects.order_by("period_end", "period_start", "id")
    if not member:
        measurements = measurements.accepted()
    indicators = list(
        agreement.indicators.select_related(
            "initiative",
            "reporter",
            "outcome_link__procedure",  # named on each indicator; the linked procedure
        )
        .prefetch_related(
            Prefetch("measurements", queryset=measurements, to_attr="shown_measurements"),
            # does the city publish the linked procedure's figures (links to them): one query, only when a
            # KPI is linked (no procedure loaded: no query)
            Prefetch(
                "outcome_link__procedure__municipal_settings",
                queryset=MunicipalProcedure.objects.filter(municipality_id=agreement.municipality_id),
                to_attr="city_settings",
            ),
        )
        .order_by("code")
    )
    documents = agreement.documents.order_by("-published_on", "id")
    if not member:
        documents = documents.filter(public=True)
    children = Agreement.objects.visible_to(user).filter(parent=agreement).select_related("municipality")
    parent = agreement.parent if agreement.parent_id else None
    if not parent_shown(parent, user):  # the one rule of the API, the CSV and the open-data files
        parent = None
    today = timezone.localdate()
    for initiative in initiatives:
        for deliverable in initiative.deliverable_list:
            deliverable.late = deliverable.is_late(today)
    for indicator in indicators:
        indicator.latest = _latest_accepted(indicator.shown_measurements)
        indicator.verdict = verdict(indicator, indicator.latest)
    return {
        "member": member,
        "parties": parties,
        "initiatives": initiatives,
        "indicators": indicators,
        "documents": list(documents),
        "amendments": list(agreement.amendments.order_by("amended_on", "id")),
        "children": list(children.order_by("signed_on", "id")),
        "parent": parent,
    }


def _latest_accepted(measurements: list[Measurement]) -> Measurement | None:
    accepted = [m for m in measurements if m.review_status == "accepted"]
    return accepted[-1] if accepted else None


def verdict(indicator: OutcomeIndicator, latest: Measurement | None) -> str:
    """How an indicator stands on its latest accepted value (the national statistics' rule)."""
    if latest is None:
        return "not_measured"
    return kpi_verdict(indicator.direction, indicator.baseline_value, indicator.target_value, latest.value)


def kpi_verdicts(agreements) -> dict[str, int]:
    """Verdict counts over the indicators of these (published) agreements: one query."""
    return kpi_attainment(OutcomeIndicator.objects.filter(agreement__in=agreements))


def document_for(*, pk: int, user) -> Document | None:
    """A document file the user may download: public on a published agreement, or any document of
    an agreement the user is a member of."""
    document = Document.objects.select_related("agreement").filter(pk=pk).exclude(file="").first()
    if document is None:
        return None
    if document.agreement.published and document.public:
        return document
    return document if is_member(user, document.agreement) else None


# -- municipality and organization pages ---------------------------------------------------------


def totals(agreements) -> dict:
    """Headline figures of a set of agreements (one query)."""
    figures = agreements.order_by().aggregate(
        agreements=Count("id"),
        **zero_budget_counts(),
        municipal_cost_jpy=Sum("municipal_cost_jpy"),
        partner_contribution_jpy=Sum("partner_contribution_jpy"),
        municipalities=Count("municipality", distinct=True),
    )
    # the national rule (agreements.selectors): a share of the agreements whose cost is known
    share = zero_budget_share(figures["zero_budget"], figures["cost_known"])
    figures["zero_budget_share"] = None if share is None else share * 100
    figures["cost_unknown"] = (figures["agreements"] or 0) - (figures["cost_known"] or 0)
    return figures


def municipality_agreements_q(municipality: Municipality) -> Q:
    """Agreements of a municipality's page: those it made, and those it is a party to as a public body
    (an inter-municipal agreement shows on both cities' pages). A subquery: no extra query."""
    as_party = Party.objects.filter(organization__municipality=municipality).values("agreement_id")
    return Q(municipality=municipality) | Q(pk__in=as_party)


def organization_municipalities(organization: Organization, user) -> list[dict]:
    """Every municipality the organization works with (in agreements this reader may see), with the
    number of agreements, most first: one query."""
    return list(
        Agreement.objects.visible_to(user)
        .filter(parties__organization=organization)
        .values("municipality__code", "municipality__name", "municipality__name_en", "municipality__prefecture__name")
        .annotate(agreements=Count("id", distinct=True))
        .order_by("-agreements", "municipality__code")
    )


def municipality_partners(municipality: Municipality, *, limit: int = 30) -> list[Organization]:
    """Organizations with published agreements in this municipality, most agreements first."""
    published = Q(parties__agreement__published=True, parties__agreement__municipality=municipality)
    return list(
        Organization.objects.filter(published)
        .annotate(agreement_count=Count("parties__agreement", filter=published, distinct=True))
        .order_by("-agreement_count", "name")[:limit]
    )


def prefecture_municipalities(prefecture: Municipality) -> list[dict]:
    """The municipalities of a prefecture that have published agreements, with their counts."""
    return list(
        Agreement.objects.published()
        .filter(municipality__prefecture_code=prefecture.prefecture_code)
        .values("municipality__code", "municipality__name", "municipality__name_en", "municipality__kind")
        .annotate(agreements=Count("id"), **zero_budget_counts())
        .order_by("municipality__code")
    )


def organization_is_public(organization: Organization, user) -> bool:
    """The public sees organizations with a published agreement; members of Kyoso see all (as the API)."""
    access = access_for(user)
    if access.is_superuser or access.officer_roles or access.partner_roles:
        return True
    return organization.parties.filter(agreement__published=True).exists()


def organization_parties(organization: Organization, user):
    """The organization's parts in agreements this reader may see, newest signature first."""
    return (
        organization.parties.filter(agreement_visible_q(user, "agreement__"))
        # agreement, municipality and prefecture are shown on every row
        .select_related("agreement__municipality__prefecture")
        .order_by("-agreement__signed_on", "-agreement_id")
    )


def organization_deliverables(organization: Organization) -> dict:
    """What the organization is responsible for under published agreements: counts by state."""
    today = timezone.localdate()
    open_statuses = [DeliverableStatus.SCHEDULED, DeliverableStatus.IN_PROGRESS]
    return Deliverable.objects.filter(responsible=organization, initiative__agreement__published=True).aggregate(
        total=Count("id", filter=~Q(status=DeliverableStatus.CANCELLED)),
        met=Count("id", filter=Q(status=DeliverableStatus.MET)),
        open=Count("id", filter=Q(status__in=open_statuses)),
        late=Count("id", filter=Q(status__in=open_statuses, due_on__lt=today)),
    )
