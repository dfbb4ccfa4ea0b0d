"""The public side of the API: rate limits, HTTP caching, CORS, statistics."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from agreements.selectors import stats_get
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    MeasurementFactory,
    MunicipalityFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    cooperation_field,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_anonymous_rate_limit_answers_429_with_retry_after(db, settings):
    settings.KYOSO_ANON_RATE = "3/minute"
    client = client_for()
    statuses = [client.get("/api/v1/municipalities/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/municipalities/")
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "throttled"


def test_public_list_has_etag_and_answers_304(world):
    client = client_for()
    response = client.get("/api/v1/agreements/")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    etag = response.headers["ETag"]
    assert client.get("/api/v1/agreements/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_authenticated_responses_are_private(world, editor):
    response = client_for(editor).get("/api/v1/agreements/")
    assert "private" in response.headers["Cache-Control"]
    assert "Authorization" in response.headers["Vary"]


def test_cors_allows_browser_apps_to_read(world):
    response = client_for().get("/api/v1/agreements/", HTTP_ORIGIN="https://data.example.org")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_statistics_over_published_data(city, other_city, organization):
    published = {"published": True, "published_at": timezone.now()}
    osaka_city = MunicipalityFactory(code="271004", name="大阪市", kind="designated_city")
    a1 = AgreementFactory(municipality=city, municipal_cost_jpy=0, partner_contribution_jpy=1_000_000, **published)
    a1.fields.set([cooperation_field("childcare")])
    a2 = AgreementFactory(municipality=other_city, municipal_cost_jpy=500_000, kind="memorandum", **published)
    AgreementFactory(municipality=osaka_city, municipal_cost_jpy=0)  # a draft: not counted
    for agreement in (a1, a2):
        PartyFactory(agreement=agreement, organization=organization)
    PartyFactory(agreement=a1, organization=OrganizationFactory())
    met = OutcomeIndicatorFactory(agreement=a1, direction="lower", baseline_value=14, target_value=4)
    MeasurementFactory(indicator=met, value=3)
    worse = OutcomeIndicatorFactory(agreement=a1, direction="higher", baseline_value=10, target_value=50)
    MeasurementFactory(indicator=worse, value=8, period_start=datetime.date(2024, 4, 1))
    MeasurementFactory(
        indicator=worse,
        value=60,
        review_status="pending",
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    OutcomeIndicatorFactory(agreement=a2)  # not measured

    response = client_for().get("/api/v1/stats/")
    assert response.status_code == 200
    stats = response.json()
    assert stats["agreements"] == 2 and stats["zero_budget"] == 1 and stats["zero_budget_share"] == 0.5
    assert stats["partner_contribution_jpy"] == 1_000_000
    assert stats["by_prefecture"] == [
        {"prefecture": "27", "name": "大阪府", "agreements": 2, "zero_budget": 1, "cost_known": 2}
    ]
    assert stats["zero_budget_detail"] == {"count": 1, "known": 2, "unknown": 0, "share": 0.5}
    assert {m["municipality"] for m in stats["by_municipality"]} == {"272299", "272183"}
    assert stats["by_field"] == [{"field": "childcare", "name": "子育て", "agreements": 1}]
    assert stats["by_kind"] == {"comprehensive": 1, "memorandum": 1}
    assert stats["organizations"]["in_several_municipalities"] == 1
    assert stats["organizations"]["top"][0]["corporate_number"] == organization.corporate_number
    assert stats["kpis"] == {
        "indicators": 3,
        "met_target": 1,
        "improved": 0,
        "unchanged": 0,
        "worsened": 1,
        "not_measured": 1,
    }


def test_statistics_are_cached(city, django_assert_max_num_queries):
    AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    stats_get()
    with django_assert_max_num_queries(0):
        assert stats_get()["agreements"] == 1
