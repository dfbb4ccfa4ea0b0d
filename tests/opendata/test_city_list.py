"""Issue 11 in OCDS: a signing date known only to the month gets no invented day, an unknown cost no
value, a branch office its name, and a public body its corporate number — and the release validates."""

import datetime

import pytest
from django.utils import timezone

from opendata.ocds import release_build, release_content
from opendata.selectors import agreements_for_ocds
from partnerships.services import organization_for_public_body
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory

from .conftest import BASE_URL
from .schema import release_errors

pytestmark = pytest.mark.django_db


def release(agreement) -> dict:
    content = release_content(agreements_for_ocds().get(pk=agreement.pk), ocid_prefix="ocds-test", base_url=BASE_URL)
    return release_build(content, release_id="r1", date=timezone.now(), tag=["contract"])


@pytest.fixture
def march(city, other_city):
    """An active agreement signed in March 2022 (day unknown), cost unknown, with a company signing by its
    branch and another city as a party."""
    agreement = AgreementFactory(
        municipality=city,
        status="active",
        published=True,
        published_at=timezone.now(),
        summary="防災の協定",
        signed_on=datetime.date(2022, 3, 1),
        signed_on_precision="month",
        starts_on=datetime.date(2022, 4, 1),
        municipal_cost_jpy=None,
    )
    PartyFactory(
        agreement=agreement,
        organization=OrganizationFactory(name="日本生命保険相互会社"),
        branch="京阪支社",
        role="lead_partner",
    )
    PartyFactory(agreement=agreement, organization=organization_for_public_body(municipality=other_city))
    return agreement


def test_a_month_only_signing_has_no_date_signed_and_says_the_month(march):
    """Given the March 2022 agreement, then neither the contract's dateSigned nor the award's date is
    written (no day is invented), the contract's description says 「2022年3月」, and it validates."""
    data = release(march)
    contract, award = data["contracts"][0], data["awards"][0]
    assert "dateSigned" not in contract and "date" not in award
    assert "2022年3月" in contract["description"] and "防災の協定" in contract["description"]
    assert "2022-03-01" not in str(contract.get("dateSigned", ""))
    assert release_errors(data) == []


def test_a_day_precision_signing_keeps_its_date_signed(march):
    """Given the same agreement known to the day, then dateSigned is written as before."""
    march.signed_on_precision = "day"
    march.save()
    assert release(march)["contracts"][0]["dateSigned"] == "2022-03-01T00:00:00+09:00"


def test_an_unknown_cost_has_no_value_and_zero_has_zero_yen(march):
    """Given an unknown cost, then the contract and award have no value; given 0, then 0 JPY."""
    data = release(march)
    assert "value" not in data["contracts"][0] and "value" not in data["awards"][0]
    march.municipal_cost_jpy = 0
    march.save()
    assert release(march)["contracts"][0]["value"] == {"amount": 0, "currency": "JPY"}


def test_a_branch_names_the_party_and_a_public_body_has_its_corporate_number(march, other_city):
    """Given a party signing by its branch and a party that is another city, then the first party is named
    with its branch (details.branch; legalName unchanged) and the city is identified by JP-JCN."""
    parties = {p["identifier"]["legalName"]: p for p in release(march)["parties"]}
    company = parties["日本生命保険相互会社"]
    assert company["name"] == "日本生命保険相互会社 京阪支社" and company["details"] == {"branch": "京阪支社"}
    body = parties[other_city.name]
    assert body["identifier"]["scheme"] == "JP-JCN" and body["identifier"]["id"] == other_city.corporate_number
