"""The OCDS mapping of one agreement: parties, statuses, values, dates, documents, milestones, metrics."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.test import Client

from agreements.models import Agreement
from opendata.models import Release
from opendata.ocds import (
    award_status,
    contract_status,
    release_content,
    release_tags,
    tender_status,
)
from opendata.selectors import agreements_for_ocds
from tests.factories import AgreementFactory, OrganizationFactory, OutcomeIndicatorFactory, PartyFactory

from .conftest import BASE_URL
from .schema import release_errors

pytestmark = pytest.mark.django_db

RFC3339_JST = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
DATE_KEYS = {"date", "startDate", "endDate", "dueDate", "dateMet", "dateSigned", "datePublished"}


def release_of(agreement) -> dict:
    return Release.objects.filter(agreement=agreement).latest("date", "id").data


def walk(value, path=""):
    """(path, key, value) of every member of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}/{index}")


def test_the_release_of_a_published_agreement_validates_against_ocds_with_metrics(story):
    """Core OCDS 1.1 merge-patched with the metrics extension, with format checks: no error."""
    assert release_errors(release_of(story.agreement)) == []


def test_the_municipality_is_the_buyer_identified_by_its_corporate_number(story, city):
    release = release_of(story.agreement)
    buyer = release["parties"][0]

    assert buyer["id"] == f"JP-JCN-{city.corporate_number}"
    assert buyer["identifier"] == {"scheme": "JP-JCN", "id": city.corporate_number, "legalName": "大阪府四條畷市"}
    assert buyer["roles"] == ["buyer", "procuringEntity"]
    assert release["buyer"] == {"id": buyer["id"], "name": "大阪府四條畷市"}
    assert release["tender"]["procuringEntity"] == release["buyer"]


def test_partners_are_suppliers_and_the_monitor_is_not(story):
    parties = {p["name"]: p for p in release_of(story.agreement)["parties"]}
    lead, npo, monitor = parties[story.lead.name], parties[story.npo.name], parties[story.monitor.name]

    assert lead["id"] == f"JP-JCN-{story.lead.corporate_number}"
    assert lead["identifier"]["scheme"] == "JP-JCN" and lead["identifier"]["id"] == story.lead.corporate_number
    assert lead["roles"] == ["supplier", "privateParty"]
    assert npo["roles"] == ["supplier"]
    assert monitor["roles"] == ["reviewBody"]
    suppliers = release_of(story.agreement)["awards"][0]["suppliers"]
    assert [s["name"] for s in suppliers] == [story.lead.name, story.npo.name]


def test_an_organization_without_corporate_number_is_identified_in_kyosos_own_list(story):
    """Not a bare name: scheme "{ocid prefix}-org" (a local list, described on the publication policy
    page), the organization's Kyoso number, and its public page as the list's entry (which answers)."""
    npo = next(p for p in release_of(story.agreement)["parties"] if p["name"] == story.npo.name)

    assert npo["id"] == f"org-{story.npo.pk}"  # the party's local id, unchanged across releases
    assert npo["identifier"] == {
        "scheme": "ocds-kyoso0-org",
        "id": str(story.npo.pk),
        "legalName": story.npo.name,
        "uri": f"{BASE_URL}/organizations/{story.npo.pk}/",
    }
    assert Client().get(npo["identifier"]["uri"].removeprefix(BASE_URL)).status_code == 200


def test_no_contact_point_and_no_personal_data_anywhere(story):
    """Contacts (names, kana, e-mail, phone) and signatories' titles never reach the release."""
    release = release_of(story.agreement)
    text = json.dumps(release, ensure_ascii=False)

    assert not [path for path, key, _value in walk(release) if key == "contactPoint"]
    for contact in story.contacts:
        for value in filter(None, (contact.name, contact.name_kana, contact.email, contact.phone, contact.title)):
            assert value not in text
    assert "代表取締役" not in text


def test_zero_budget_is_an_amount_of_zero_yen(story):
    release = release_of(story.agreement)

    assert release["awards"][0]["value"] == {"amount": 0, "currency": "JPY"}
    assert release["contracts"][0]["value"] == {"amount": 0, "currency": "JPY"}


def test_a_municipal_cost_is_a_whole_yen_amount(city, publish):
    agreement = publish(AgreementFactory(municipality=city, municipal_cost_jpy=1_200_000, status="active"))
    assert release_of(agreement)["contracts"][0]["value"] == {"amount": 1200000, "currency": "JPY"}


def test_every_date_is_rfc3339_in_japan_time(story):
    release = release_of(story.agreement)
    dates = [(path, key, value) for path, key, value in walk(release) if key in DATE_KEYS]

    assert len(dates) > 10
    assert [d for d in dates if not RFC3339_JST.match(d[2])] == []
    contract = release["contracts"][0]
    assert contract["period"] == {"startDate": "2024-04-01T00:00:00+09:00", "endDate": "2027-03-31T23:59:59+09:00"}
    assert contract["dateSigned"] == "2024-04-01T00:00:00+09:00"
    assert release["awards"][0]["date"] == "2024-04-01T00:00:00+09:00"


def test_the_contract_carries_texts_in_japanese_with_english_variants(story):
    release = release_of(story.agreement)
    contract = release["contracts"][0]

    assert release["language"] == "ja"
    assert contract["title"] == "子育て手続のオンライン化に関する協定"
    assert contract["title_en"] == "Agreement on online childcare procedures"
    assert contract["description_en"].startswith("Put nursery applications online")
    assert contract["status"] == "active"
    assert release["tender"]["procurementMethod"] == "direct"
    assert release["tender"]["procurementMethodDetails"] == "提案"


def test_public_documents_only_with_absolute_urls(story):
    contract = release_of(story.agreement)["contracts"][0]
    documents = contract["documents"] + contract["implementation"]["documents"]
    by_title = {d["title"]: d for d in documents}

    assert set(by_title) == {d.title for d in story.public_documents}
    signed = by_title["協定書（写し）"]
    assert signed["documentType"] == "contractSigned"
    # Kyoso's checked download view (uploads are never served from /media/), and it answers
    assert signed["url"].startswith(f"{BASE_URL}/documents/") and signed["format"] == "application/pdf"
    for document in documents:
        if document["url"].startswith(BASE_URL):
            response = Client().get(document["url"].removeprefix(BASE_URL))
            assert response.status_code == 200, document["url"]
    assert signed["datePublished"] == "2024-04-01T00:00:00+09:00"
    assert {d["language"] for d in documents} == {"ja"}
    assert by_title["報道発表"]["documentType"] == "contractNotice"
    assert contract["implementation"]["documents"][0]["documentType"] == "physicalProgressReport"
    assert story.private_document.title not in json.dumps(contract, ensure_ascii=False)


def test_deliverables_are_milestones_with_codelist_statuses(story):
    milestones = {m["title"]: m for m in release_of(story.agreement)["contracts"][0]["implementation"]["milestones"]}

    assert {m["type"] for m in milestones.values()} == {"delivery"}
    assert milestones["申請フォームの公開"] == {
        "id": f"deliverable-{story.deliverables['met'].pk}",
        "title": "申請フォームの公開",
        "type": "delivery",
        "dueDate": "2025-03-31T23:59:59+09:00",
        "dateMet": "2025-03-20T00:00:00+09:00",
        "status": "met",
    }
    assert milestones["審査業務の電子化"]["status"] == "scheduled"
    assert milestones["窓口職員の研修"]["status"] == "partiallyMet"
    assert milestones["紙申請の廃止"]["status"] == "notMet"
    assert "status" not in milestones["専用アプリの開発"]  # cancelled: the closed codelist has no such code
    assert "dueDate" not in milestones["利用者アンケート"]


def test_kpis_are_agreed_metrics_with_baseline_and_target(story):
    metrics = {m["id"]: m for m in release_of(story.agreement)["contracts"][0]["agreedMetrics"]}

    days = metrics["KPI-1"]
    assert days["title"] == "申請から結果通知までの日数"
    assert days["description"] == "四半期ごとの平均暦日数\nデータ出典：業務システムの処理記録"
    baseline, target = days["observations"]
    assert baseline == {
        "id": "baseline",
        "period": {"startDate": "2023-04-01T00:00:00+09:00", "endDate": "2024-03-31T23:59:59+09:00"},
        "measure": 14,
        "unit": {"name": "日", "scheme": "UNCEFACT", "id": "DAY"},
        "notes": "基準値",
    }
    assert target["id"] == "target" and target["measure"] == 3
    assert target["period"] == {"endDate": "2027-03-31T23:59:59+09:00"}
    assert "小さいほど良い" in target["notes"]
    assert [o["measure"] for o in metrics["KPI-2"]["observations"]] == [8.5, 60]
    assert {o["unit"]["id"] for o in metrics["KPI-2"]["observations"]} == {"P1"}  # % is UN/CEFACT P1


@pytest.mark.parametrize(
    ("unit", "figure"),
    [
        ("件", {"measure": 12, "unit": {"name": "件", "scheme": "UNCEFACT", "id": "C62"}}),
        ("人", {"measure": 12, "unit": {"name": "人", "scheme": "UNCEFACT", "id": "C62"}}),
        ("回", {"measure": 12, "unit": {"name": "回", "scheme": "UNCEFACT", "id": "C62"}}),
        ("時間", {"measure": 12, "unit": {"name": "時間", "scheme": "UNCEFACT", "id": "HUR"}}),
        ("点", {"measure": 12, "unit": {"name": "点"}}),  # no Rec 20 code: the name only
        ("円", {"value": {"amount": 12, "currency": "JPY"}}),  # money is a value, not a measure
        ("千円", {"value": {"amount": 12000, "currency": "JPY"}}),
    ],
)
def test_a_unit_gets_its_un_cefact_code_and_yen_is_a_value(city, publish, unit, figure):
    agreement = AgreementFactory(municipality=city, status="active")
    OutcomeIndicatorFactory(agreement=agreement, code="KPI-9", unit=unit, baseline_value=Decimal("12"))
    publish(agreement)

    (metric,) = release_of(agreement)["contracts"][0]["agreedMetrics"]
    baseline = metric["observations"][0]

    assert {key: baseline[key] for key in ("measure", "unit", "value") if key in baseline} == figure
    assert release_errors(release_of(agreement)) == []


def test_only_accepted_measurements_are_observations(story):
    metrics = {m["id"]: m for m in release_of(story.agreement)["contracts"][0]["implementation"]["metrics"]}

    days, online = metrics["KPI-1"]["observations"], metrics["KPI-2"]["observations"]
    assert [o["id"] for o in days] == [f"measurement-{story.accepted[0].pk}"]
    assert days[0]["measure"] == 7 and days[0]["notes"] == "窓口集計"
    assert days[0]["dimensions"] == {"measuredBy": "city", "verified": "true"}
    assert [o["measure"] for o in online] == [31.25]
    text = json.dumps(release_of(story.agreement), ensure_ascii=False)
    assert "未確認の自己申告値" not in text and "77.7" not in text and "99.9" not in text


def test_an_individual_agreement_follows_on_from_its_published_comprehensive_one(story):
    assert release_of(story.agreement)["relatedProcesses"] == [
        {
            "id": "parent-agreement",
            "relationship": ["framework"],
            "title": story.parent.title,
            "scheme": "ocid",
            "identifier": f"ocds-kyoso0-{story.parent.public_id}",
        }
    ]


def test_signatories_are_the_city_and_the_parties_that_signed(story):
    """The lead partner signed (a signatory's title); the supporter, a supplier, did not: the signatories
    differ from buyer + suppliers, so the contract lists them (signatories extension). The title itself
    is not published."""
    release = release_of(story.agreement)

    assert release["contracts"][0]["signatories"] == [
        release["buyer"],
        {"id": f"JP-JCN-{story.lead.corporate_number}", "name": story.lead.name},
    ]


def test_no_signatories_when_they_are_the_buyer_and_the_suppliers(city, publish):
    agreement = AgreementFactory(municipality=city, status="active")
    PartyFactory(agreement=agreement, signed_on=datetime.date(2024, 4, 1))
    publish(agreement)

    assert "signatories" not in release_of(agreement)["contracts"][0]


def test_planning_budget_is_the_municipal_cost_when_it_is_known(story, city, publish):
    assert release_of(story.agreement)["planning"] == {
        "budget": {"description": "自治体の負担額（0円はゼロ予算）", "amount": {"amount": 0, "currency": "JPY"}}
    }
    unknown = publish(AgreementFactory(municipality=city, status="active", municipal_cost_jpy=None))
    assert "planning" not in release_of(unknown)


def test_the_ocid_uses_the_configured_prefix(story, settings):
    settings.OCDS_PREFIX = "ocds-abc123"
    agreement = agreements_for_ocds().get(pk=story.agreement.pk)

    content = release_content(agreement, ocid_prefix=settings.OCDS_PREFIX, base_url=BASE_URL)

    assert content["ocid"] == f"ocds-abc123-{story.agreement.public_id}"
    assert release_of(story.agreement)["ocid"] == f"ocds-kyoso0-{story.agreement.public_id}"  # stored as published


def test_the_builder_refuses_an_agreement_without_the_filtered_prefetch(story):
    """Without the public-only document list the build fails instead of reading every document."""
    with pytest.raises(AttributeError):
        release_content(Agreement.objects.get(pk=story.agreement.pk), ocid_prefix="ocds-abc123", base_url=BASE_URL)


def test_one_organization_in_two_roles_is_one_party(city, run_on_commit):
    agreement = AgreementFactory(municipality=city)
    organization = OrganizationFactory(corporate_number=city.corporate_number)  # the city as a partner, oddly
    PartyFactory(agreement=agreement, organization=organization)
    content = release_content(agreements_for_ocds().get(pk=agreement.pk), ocid_prefix="ocds-abc123", base_url="")

    assert [p["roles"] for p in content["parties"]] == [["buyer", "procuringEntity", "supplier", "privateParty"]]


@pytest.mark.parametrize(
    ("status", "signed_on", "expected"),
    [
        ("draft", None, ("planning", "pending", "pending")),
        ("negotiating", None, ("active", "pending", "pending")),
        ("active", datetime.date(2024, 4, 1), ("complete", "active", "active")),
        ("expired", datetime.date(2024, 4, 1), ("complete", "active", "terminated")),
        ("terminated", datetime.date(2024, 4, 1), ("complete", "active", "terminated")),
        ("terminated", None, ("unsuccessful", "unsuccessful", "cancelled")),
    ],
)
def test_agreement_status_maps_to_tender_award_and_contract_status(status, signed_on, expected):
    agreement = Agreement(status=status, signed_on=signed_on)

    assert (tender_status(agreement), award_status(agreement), contract_status(agreement)) == expected


def _release(*, award="active", contract="active", tender="complete", amendments=(), implementation=None):
    body = {"id": "c", "status": contract, "amendments": list(amendments)}
    if implementation is not None:
        body["implementation"] = implementation
    return {"tender": {"status": tender}, "awards": [{"status": award}], "contracts": [body]}


@pytest.mark.parametrize(
    ("previous", "current", "tags"),
    [
        (None, _release(award="pending", contract="pending", tender="active"), ["tender"]),
        (None, _release(), ["award", "contract"]),
        (None, _release(implementation={"milestones": [1]}), ["award", "contract", "implementation"]),
        (_release(award="pending", contract="pending", tender="active"), _release(), ["award", "contract"]),
        (_release(), _release(amendments=[1]), ["contractAmendment"]),
        (_release(), _release(implementation={"milestones": [1]}), ["implementation"]),
        (_release(), _release(contract="terminated"), ["contractTermination"]),
        (
            _release(award="pending", contract="pending", tender="active"),
            _release(award="unsuccessful", contract="cancelled", tender="unsuccessful"),
            ["tenderCancellation"],
        ),
        (
            _release(award="pending", contract="pending", tender="active"),
            _release(award="pending", contract="pending", tender="active"),
            ["tenderUpdate"],
        ),
        (_release(), _release(), ["contractUpdate"]),
    ],
)
def test_release_tags_follow_the_release_tag_codelist(previous, current, tags):
    assert release_tags(previous, current) == tags
