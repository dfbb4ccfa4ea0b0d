"""GET /api/v1/annual-reports/{municipality}/{fiscal_year}/ (api/views/annual_reports.py)."""

import datetime

import pytest
from django.utils import timezone

from agreements.choices import AgreementStatus
from reports.annual import REPORT_QUERIES
from tests.factories import AgreementFactory, MeasurementFactory, OutcomeIndicatorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/annual-reports/{}/{}/"


@pytest.fixture
def agreements(city):
    common = {"municipality": city, "starts_on": None, "signed_on": datetime.date(2024, 5, 1)}
    for cost in (None, 0, 120_000):
        agreement = AgreementFactory(
            published=True,
            published_at=timezone.now(),
            status=AgreementStatus.ACTIVE,
            municipal_cost_jpy=cost,
            **common,
        )
    AgreementFactory(municipal_cost_jpy=1_000_000, **common)  # a draft
    MeasurementFactory(indicator=OutcomeIndicatorFactory(agreement=agreement))


def test_report(client, city, agreements, django_assert_num_queries):
    with django_assert_num_queries(1 + REPORT_QUERIES):  # the municipality, then the report
        response = client.get(URL.format(city.code, 2024))
    assert response.status_code == 200
    data = response.json()
    assert data["municipality"] == city.code and data["fiscal_year"] == 2024
    assert data["starts_on"] == "2024-04-01" and data["ends_on"] == "2025-03-31"
    assert data["activity"]["agreements_signed"] == 3
    cost = data["resources"]["municipal_cost_agreements"]
    assert cost == {"total_jpy": 120_000, "stated": 2, "unknown": 1, "zero": 1}
    assert data["outcomes"]["kpis_with_value"] == 1
    assert data["kpis"][0]["value"] == "7.0000" and data["kpis"][0]["computed"] is False
    assert set(data) >= {"review", "proposals", "complete"}


def test_unknown_municipality_is_404(client, city):
    assert client.get(URL.format("999999", 2024)).status_code == 404


@pytest.mark.parametrize("year", [1999, timezone.localdate().year + 2])
def test_fiscal_year_outside_range_is_400(client, city, year):
    response = client.get(URL.format(city.code, year))
    assert response.status_code == 400
    assert "fiscal_year" in response.json()["error"]["fields"]


def test_unknown_parameter_is_400(client, city):
    response = client.get(URL.format(city.code, 2024), {"year": "2024"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["year"]


def test_in_the_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/annual-reports/{municipality}/{fiscal_year}/"]["get"]
    assert operation["summary"] == "Annual report of a municipality"
