"""OCDS 1.1 mapping: an agreement is one contracting process, and ``agreement_release`` turns it into
one release (with the metrics extension for KPIs and the signatories extension). docs/ocds.md has the
mapping table.

Pure: the functions read the agreement and the related records prefetched by
``opendata.selectors.agreements_for_ocds()`` and nothing else. Public documents and accepted
measurements arrive as the filtered lists ``agreement.public_documents`` and
``indicator.accepted_measurements``; without them the build fails rather than reading the unfiltered
relations, so nothing private can slip in by a lazy query. Contacts and users are never read, and a
party's signatory title only tells whether it signed: a release names organizations only.

The fixed strings below are Japanese on purpose: they are data in the release's language ("ja"),
not interface text to translate.
"""

import datetime
import hashlib
import json
import mimetypes
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from agreements.choices import AgreementStatus, DatePrecision, DeliverableStatus, Direction

from ..datasets import is_computed

JCN_SCHEME = "JP-JCN"  # 法人番号 (National Tax Agency), as listed on org-id.guide
CURRENCY = "JPY"
LANGUAGE = "ja"
UNIT_SCHEME = "UNCEFACT"  # unitClassificationScheme: UN/CEFACT Recommendation 20 common codes
JST = datetime.timezone(datetime.timedelta(hours=9))  # Japan keeps no daylight saving time
COUNTRY = "日本"

# Kyoso party role → OCDS party roles. partyRole is an open codelist: "privateParty" comes from the
# OCDS for PPPs profile and validates against the core schema.
PARTY_ROLES = {
    "lead_partner": ["supplier", "privateParty"],
    "partner": ["supplier", "privateParty"],
    "supporter": ["supplier"],
    "independent_monitor": ["reviewBody"],
}
PARTY_ORDER = list(PARTY_ROLES)

# selection method → tender.procurementMethod (closed codelist) and its wording.
PROCUREMENT_METHOD = {"open_call": "open", "proposal": "direct", "consultation": "direct"}
PROCUREMENT_METHOD_DETAILS = {"open_call": "公募", "proposal": "提案", "consultation": "協議"}

# Document kind → documentType (open codelist) and the section it belongs to.
DOCUMENT_TYPE = {
    "signed_agreement": "contractSigned",
    "press_release": "contractNotice",
    "report": "physicalProgressReport",
    "evidence": "physicalProgressReport",
}
IMPLEMENTATION_DOCUMENTS = {"report", "evidence"}

# Deliverable status → milestoneStatus (closed: scheduled, met, notMet, partiallyMet). In progress is
# still "scheduled": the status must not depend on the day the release is read. The codelist has no
# "cancelled": a cancelled deliverable's milestone carries no status.
MILESTONE_STATUS = {
    DeliverableStatus.SCHEDULED: "scheduled",
    DeliverableStatus.IN_PROGRESS: "scheduled",
    DeliverableStatus.MET: "met",
    DeliverableStatus.PARTIALLY_MET: "partiallyMet",
    DeliverableStatus.NOT_MET: "notMet",
}
# A KPI's unit (free text) → its UN/CEFACT Recommendation 20 common code, where one exists. Counts
# (件, 人, 回, …) are C62 "one"; the unit's own name stays in unit.name. Units not listed have a name only.
UNIT_CODES = {
    "%": "P1",
    "％": "P1",
    "件": "C62",
    "人": "C62",
    "名": "C62",
    "回": "C62",
    "個": "C62",
    "台": "C62",
    "社": "C62",
    "校": "C62",
    "団体": "C62",
    "世帯": "C62",
    "箇所": "C62",
    "か所": "C62",
    "日": "DAY",
    "時間": "HUR",
    "分": "MIN",
    "週": "WEE",
    "か月": "MON",
    "ヶ月": "MON",
    "ヵ月": "MON",
    "年": "ANN",
    "km": "KMT",
    "m": "MTR",
    "kg": "KGM",
    "t": "TNE",
    "トン": "TNE",
    "kWh": "KWH",
}
# Money is not a measure with a unit: a KPI in yen is an observation's value (amount and currency).
YEN_UNITS = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000, "億円": 100_000_000}
AMENDMENT_KIND = {"scope": "範囲", "duration": "期間", "value": "金額", "parties": "当事者"}
DIRECTION = {Direction.HIGHER: "値が大きいほど良い", Direction.LOWER: "値が小さいほど良い"}
RELEASE_TAG_ORDER = [
    "tender",
    "tenderUpdate",
    "tenderCancellation",
    "award",
    "contract",
    "contractUpdate",
    "contractAmendment",
    "implementation",
    "contractTermination",
]


# --- values ------------------------------------------------------------------------------------


def rfc3339(moment: datetime.datetime) -> str:
    """A moment as an RFC 3339 date-time in Japan time: 2024-04-01T10:30:00+09:00."""
    return moment.astimezone(JST).isoformat(timespec="seconds")


def _start(day: datetime.date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00+09:00" if day else None


def _end(day: datetime.date | None) -> str | None:
    # A date with no time that ends something (a period, a due date) lasts the whole day.
    return f"{day.isoformat()}T23:59:59+09:00" if day else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def local_org_scheme(ocid_prefix: str) -> str:
    """The identifier scheme of Kyoso's own list of organizations (those without a 法人番号): a prefix
    for a local list, as the OCDS identifiers guidance asks, made from the publisher's ocid prefix so that
    no other publisher's list can have it. Described on the publication policy page."""
    return f"{ocid_prefix}-org"


def _money(yen: int | None) -> dict | None:
    """The municipality's cost; None (left out) when the city did not say: unknown is not 0."""
    return None if yen is None else {"amount": int(yen), "currency": CURRENCY}


def signed_text(agreement, lang: str = "ja") -> str | None:
    """「2022年3月」/"March 2022" for a signing date known only to the month (or year), else None.

    OCDS dates are date-times: a month-only date has no honest dateSigned, so it is left out and the
    month is told in the contract's description instead."""
    day, precision = agreement.signed_on, agreement.signed_on_precision
    if day is None or precision == DatePrecision.DAY:
        return None
    if lang == "ja":
        return f"{day.year}年{day.month}月" if precision == DatePrecision.MONTH else f"{day.year}年"
    return day.strftime("%B %Y") if precision == DatePrecision.MONTH else str(day.year)


def _signed_on(agreement, signed: bool) -> str | None:
    """dateSigned (and the award's date): only for a signing date known to the day."""
    if not signed or agreement.signed_on_precision != DatePrecision.DAY:
        return None
    return _start(agreement.signed_on)


def _joined(*texts) -> str:
    return "\n\n".join(text for text in texts if text)


def _pruned(value):
    """Drop None, "" and empty lists and objects: OCDS leaves out what is unknown instead of nulls."""
    if isinstance(value, dict):
        pairs = ((key, _pruned(item)) for key, item in value.items())
        return {key: item for key, item in pairs if not _empty(item)}
    if isinstance(value, list):
        return [item for item in map(_pruned, value) if not _empty(item)]
    return value


def _empty(value) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value)


# --- statuses ----------------------------------------------------------------------------------


def is_signed(agreement) -> bool:
    """Signed agreements are active or expired, or terminated after a signature (talks that failed
    end terminated without one)."""
    if agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED):
        return True
    return agreement.status == AgreementStatus.TERMINATED and agreement.signed_on is not None


def tender_status(agreement) -> str:
    if agreement.status == AgreementStatus.DRAFT:
        return "planning"
    if agreement.status == AgreementStatus.NEGOTIATING:
        return "active"
    return "complete" if is_signed(agreement) else "unsuccessful"


def award_status(agreement) -> str:
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING):
        return "pending"
    return "active" if is_signed(agreement) else "unsuccessful"


def contract_status(agreement) -> str:
    """draft / negotiating → pending, active → active, expired / terminated → terminated; talks that
    ended before a signature → cancelled ("cancelled prior to being signed")."""
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING):
        return "pending"
    if agreement.status == AgreementStatus.ACTIVE:
        return "active"
    return "terminated" if is_signed(agreement) else "cancelled"


# --- parties -----------------------------------------------------------------------------------


def _address(*, locality=None, region=None) -> dict:
    return {"locality": locality, "region": region, "countryName": COUNTRY}


def municipality_party(municipality) -> dict:
    """The municipality, buyer and procuring entity, identified by its 法人番号."""
    number, name = municipality.corporate_number, municipality.full_name
    prefecture = municipality.prefecture
    address = (
        _address(region=municipality.name)
        if prefecture is None
        else _address(locality=municipality.name, region=prefecture.name)
    )
    return {
        "id": f"{JCN_SCHEME}-{number}",
        "name": name,
        "name_en": municipality.name_en,
        "identifier": {"scheme": JCN_SCHEME, "id": number, "legalName": name},
        "address": address,
        "roles": ["buyer", "procuringEntity"],
    }


def organization_party(organization, roles, branch: str = "", *, ocid_prefix: str = "", base_url: str = "") -> dict:
    """A partner, identified by its 法人番号 (JP-JCN). Without one it keeps its stable local id
    ``org-{Kyoso id}`` and is identified in Kyoso's own list (``local_org_scheme``), whose entry is the
    organization's public page.

    A public body (an organization that is a municipality or prefecture) is identified by the body's
    法人番号 (JP-JCN). A branch office that signed (京阪支社) is part of the party's name and
    ``details.branch``; the identifier's legalName stays the organization's."""
    number = organization.corporate_number
    if not number and organization.municipality_id:
        number = organization.municipality.corporate_number
    if number:
        identifier = {"scheme": JCN_SCHEME, "id": number, "legalName": organization.name}
    else:
        page = reverse("portal:organization", kwargs={"pk": organization.pk})
        identifier = {
            "scheme": local_org_scheme(ocid_prefix) if ocid_prefix else None,
            "id": str(organization.pk) if ocid_prefix else None,
            "legalName": organization.name,
            "uri": _absolute(base_url, page) if base_url else None,
        }
    prefecture = organization.prefecture
    return {
        "id": f"{JCN_SCHEME}-{number}" if number else f"org-{organization.pk}",
        "name": f"{organization.name} {branch}" if branch else organization.name,
        "name_en": organization.name_en,
        "identifier": identifier,
        "address": _address(region=prefecture.name) if prefecture else None,
        "details": {"branch": branch} if branch else None,
        "roles": list(roles),
    }


def _ordered_parties(agreement) -> list:
    return sorted(agreement.parties.all(), key=lambda p: (PARTY_ORDER.index(p.role), p.pk))


def _parties(agreement, *, ocid_prefix: str = "", base_url: str = "") -> tuple[list[dict], set[str]]:
    """The parties, and the ids of those that signed: the municipality (once the agreement is signed)
    and each party with a signing date or a signatory's title (the title itself is not published)."""
    parties, signed = {}, set()
    buyer = municipality_party(agreement.municipality)
    identity = {"ocid_prefix": ocid_prefix, "base_url": base_url}
    entries = [(buyer, is_signed(agreement))] + [
        (
            organization_party(p.organization, PARTY_ROLES[p.role], p.branch, **identity),
            bool(p.signed_on or p.signatory_title),
        )
        for p in _ordered_parties(agreement)
    ]
    for party, signatory in entries:
        if signatory:
            signed.add(party["id"])
        if party["id"] in parties:  # one organization, one entry: merge the roles
            seen = parties[party["id"]]["roles"]
            seen.extend(role for role in party["roles"] if role not in seen)
        else:
            parties[party["id"]] = party
    return list(parties.values()), signed


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def _signatories(parties: list[dict], signed: set[str], suppliers: list[dict]) -> list[dict]:
    """contracts[].signatories (signatories extension), only where they differ from the buyer and the
    award's suppliers (the extension's usage rule); empty when no partner is known to have signed."""
    buyer_id = parties[0]["id"]
    if buyer_id not in signed or len(signed) < 2:
        return []
    if signed == {buyer_id, *(s["id"] for s in suppliers)}:
        return []
    return [_reference(p) for p in parties if p["id"] in signed]


# --- sections ----------------------------------------------------------------------------------


def _absolute(base_url: str, path: str) -> str:
    return urljoin(base_url.rstrip("/") + "/", path.lstrip("/"))


def _document(document, base_url: str) -> dict:
    """A document's link: its own URL, or Kyoso's checked download view (uploads are never served from
    /media/; the view answers public documents of published agreements to everyone)."""
    if document.url:
        url, name = document.url, urlsplit(document.url).path
    else:
        url = _absolute(base_url, reverse("portal:document", kwargs={"pk": document.pk}))
        name = document.file.name
    return {
        "id": document_id(document.pk),
        "documentType": DOCUMENT_TYPE.get(document.kind),
        "title": document.title,
        "url": url,
        "datePublished": _start(document.published_on),
        "format": mimetypes.guess_type(name)[0],
        "language": LANGUAGE,
    }


def document_id(pk: int) -> str:
    return f"document-{pk}"


def _milestone(deliverable) -> dict:
    met = deliverable.status in (DeliverableStatus.MET, DeliverableStatus.PARTIALLY_MET)
    return {
        "id": f"deliverable-{deliverable.pk}",
        "title": deliverable.title,
        "type": "delivery",
        "description": deliverable.description,
        "dueDate": _end(deliverable.due_on),
        "dateMet": _start(deliverable.met_on) if met else None,
        "status": MILESTONE_STATUS.get(deliverable.status),
    }


def _metric_description(indicator) -> str:
    lines = [indicator.method]
    if indicator.data_source:
        lines.append(f"データ出典：{indicator.data_source}")
    return "\n".join(line for line in lines if line)


def _quantity(unit: str, value: Decimal) -> dict:
    """An observation's figure: a measure with its unit (and its UN/CEFACT code where one exists), or for
    a KPI counted in yen a value in JPY (financial metrics have a value, not a measure)."""
    name = unit.strip()
    if name in YEN_UNITS:
        return {"value": {"amount": _number(value * YEN_UNITS[name]), "currency": CURRENCY}}
    code = UNIT_CODES.get(name)
    return {"measure": _number(value), "unit": {"name": unit, "scheme": code and UNIT_SCHEME, "id": code}}


def _agreed_metric(indicator) -> dict:
    """A KPI as agreed: its baseline and its target."""
    baseline_period = {
        "startDate": _start(indicator.baseline_period_start),
        "endDate": _end(indicator.baseline_period_end),
    }
    return {
        "id": indicator.code,
        "title": indicator.name,
        "description": _metric_description(indicator),
        "observations": [
            {
                "id": "baseline",
                "period": baseline_period,
                **_quantity(indicator.unit, indicator.baseline_value),
                "notes": "基準値",
            },
            {
                "id": "target",
                "period": {"endDate": _end(indicator.target_on)},
                **_quantity(indicator.unit, indicator.target_value),
                "notes": f"目標値（{DIRECTION[indicator.direction]}）",
            },
        ],
    }


def _dimensions(measurement) -> dict:
    """Who measured and whether it was verified; for a value Kyoso computed from case records (its source
    registered as computed, opendata.datasets), also that it was computed, from how many cases and how.
    A withheld figure has no measurement at all, hence no observation."""
    dimensions = {"measuredBy": measurement.measured_by, "verified": "true" if measurement.verified else "false"}
    if is_computed(measurement.source):
        dimensions["computed"] = "true"
        if measurement.sample_size is not None:
            dimensions["sampleSize"] = str(measurement.sample_size)
        if measurement.method:
            dimensions["method"] = measurement.method
        dimensions["source"] = measurement.source
    return dimensions


def _measured_metric(indicator) -> dict | None:
    """A KPI as measured: its accepted measurements only (nothing waiting for review or returned)."""
    observations = [
        {
            "id": f"measurement-{m.pk}",
            "period": {"startDate": _start(m.period_start), "endDate": _end(m.period_end)},
            **_quantity(indicator.unit, m.value),
            "dimensions": _dimensions(m),
            "notes": m.note or (m.method if is_computed(m.source) else ""),
        }
        for m in indicator.accepted_measurements
    ]
    if not observations:
        return None
    return {"id": indicator.code, "title": indicator.name, "observations": observations}


def _amendment(amendment) -> dict:
    return {
        "id": f"amendment-{amendment.pk}",
        "date": _start(amendment.amended_on),
        "description": f"{AMENDMENT_KIND.get(amendment.kind, amendment.kind)}：{amendment.description}",
        "rationale": amendment.reason,
    }


def _related_processes(agreement, ocid_prefix: str) -> list[dict]:
    """An individual agreement follows on from its comprehensive one (if that one is public)."""
    parent = agreement.parent
    if parent is None or not parent.published:
        return []
    return [
        {
            "id": "parent-agreement",
            "relationship": ["framework"],
            "title": parent.title,
            "scheme": "ocid",
            "identifier": f"{ocid_prefix}-{parent.public_id}",
        }
    ]


def release_content(agreement, *, ocid_prefix: str, base_url: str) -> dict:
    """Everything in the release except its id, date and tag: what a change is measured against."""
    public_id, signed = agreement.public_id, is_signed(agreement)
    parties, signatories = _parties(agreement, ocid_prefix=ocid_prefix, base_url=base_url)
    buyer = _reference(parties[0])
    suppliers = [_reference(p) for p in parties if "supplier" in p["roles"]]
    value = _money(agreement.municipal_cost_jpy)
    period = {"startDate": _start(agreement.starts_on), "endDate": _end(agreement.ends_on)}
    texts = {
        "title": agreement.title,
        "title_en": agreement.title_en,
        "description": agreement.summary,
        "description_en": agreement.summary_en,
    }
    documents = agreement.public_documents  # the filtered prefetch: public documents only
    deliverables = [d for i in agreement.initiatives.all() for d in i.deliverables.all()]
    deliverables.sort(key=lambda d: (d.due_on is None, d.due_on or datetime.date.min, d.pk))
    indicators = sorted(agreement.indicators.all(), key=lambda i: i.code)
    award_id = f"{public_id}-award"
    month_signed = signed_text(agreement)
    month_note = month_signed and f"締結：{month_signed}（日は公表されていません）"
    month_note_en = month_signed and f"Signed: {signed_text(agreement, 'en')} (the day was not published)"
    contract = {
        "id": public_id,
        "awardID": award_id,
        **texts,
        "description": _joined(texts["description"], signed and month_note),
        "description_en": _joined(texts["description_en"], signed and month_note_en),
        "status": contract_status(agreement),
        "period": period,
        "value": value and dict(value),
        "dateSigned": _signed_on(agreement, signed),
        "signatories": _signatories(parties, signatories, suppliers),
        "items": [
            {"id": f"initiative-{i.pk}", "description": i.title, "description_en": i.title_en}
            for i in sorted(agreement.initiatives.all(), key=lambda i: i.pk)
        ],
        "documents": [_document(d, base_url) for d in documents if d.kind not in IMPLEMENTATION_DOCUMENTS],
        "amendments": [_amendment(a) for a in sorted(agreement.amendments.all(), key=lambda a: (a.amended_on, a.pk))],
        "agreedMetrics": [_agreed_metric(i) for i in indicators],
        "implementation": {
            "milestones": [_milestone(d) for d in deliverables],
            "metrics": [_measured_metric(i) for i in indicators],
            "documents": [_document(d, base_url) for d in documents if d.kind in IMPLEMENTATION_DOCUMENTS],
        },
    }
    return _pruned(
        {
            "ocid": f"{ocid_prefix}-{public_id}",
            "initiationType": "tender",
            "language": LANGUAGE,
            "parties": parties,
            "buyer": buyer,
            "planning": _planning(agreement),
            "tender": {
                "id": f"{public_id}-tender",
                **texts,
                "status": tender_status(agreement),
                "procuringEntity": dict(buyer),
                "procurementMethod": PROCUREMENT_METHOD.get(agreement.selection_method),
                "procurementMethodDetails": PROCUREMENT_METHOD_DETAILS.get(agreement.selection_method),
                "mainProcurementCategory": "services",
            },
            "awards": [
                {
                    "id": award_id,
                    "title": agreement.title,
                    "title_en": agreement.title_en,
                    "status": award_status(agreement),
                    "date": _signed_on(agreement, signed),
                    "value": value and dict(value),
                    "suppliers": suppliers,
                    "contractPeriod": dict(period),
                }
            ],
            "contracts": [contract],
            "relatedProcesses": _related_processes(agreement, ocid_prefix),
        }
    )


def _planning(agreement) -> dict | None:
    """planning.budget: what the municipality set aside for the agreement, when it said so (0 yen for a
    zero-budget project; nothing when the cost is unknown)."""
    amount = _money(agreement.municipal_cost_jpy)
    if amount is None:
        return None
    return {"budget": {"description": "自治体の負担額（0円はゼロ予算）", "amount": amount}}


def release_build(content: dict, *, release_id: str, date: datetime.datetime, tag: list[str]) -> dict:
    """The release: its content with an id, a date and tags."""
    rest = {key: value for key, value in content.items() if key != "ocid"}
    return {"ocid": content["ocid"], "id": release_id, "date": rfc3339(date), "tag": list(tag), **rest}


def agreement_release(
    agreement, *, release_id: str, date: datetime.datetime, tag: list[str], ocid_prefix: str, base_url: str
) -> dict:
    """One OCDS release of an agreement prefetched by ``agreements_for_ocds()``."""
    content = release_content(agreement, ocid_prefix=ocid_prefix, base_url=base_url)
    return release_build(content, release_id=release_id, date=date, tag=tag)


def content_hash(content: dict) -> str:
    """SHA-256 of the content in a canonical JSON form: equal content, equal hash."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- tags, records and packages ----------------------------------------------------------------


def release_tags(previous: dict | None, current: dict) -> list[str]:
    """The releaseTag codes of ``current``, given the release before it (None for the first)."""
    award, contract = current["awards"][0], current["contracts"][0]
    signed = award["status"] == "active"
    if previous is None:
        tags = {"award", "contract"} if signed else {"tender"}
        if signed and contract.get("implementation"):
            tags.add("implementation")
        if contract["status"] == "terminated":
            tags.add("contractTermination")
        return _ordered(tags)
    before_award, before_contract = previous["awards"][0], previous["contracts"][0]
    tags = set()
    if current["tender"]["status"] == "unsuccessful" != previous["tender"]["status"]:
        tags.add("tenderCancellation")
    if signed and before_award["status"] != "active":
        tags |= {"award", "contract"}
    if contract["status"] == "terminated" != before_contract["status"]:
        tags.add("contractTermination")
    if signed:
        if len(contract.get("amendments", [])) > len(before_contract.get("amendments", [])):
            tags.add("contractAmendment")
        if contract.get("implementation") != before_contract.get("implementation"):
            tags.add("implementation")
    if not tags:
        tags.add("contractUpdate" if signed else "tenderUpdate")
    return _ordered(tags)


def _ordered(tags: set[str]) -> list[str]:
    return sorted(tags, key=RELEASE_TAG_ORDER.index)
