"""The public annual report (reports/annual.py, portal/report_views.py, docs/annual-report.md)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus, DeliverableStatus, InitiativeStatus, RenewalOutcome
from agreements.models import RenewalDecision
from outcomes.services import COMPUTED_SOURCE
from reports.annual import (
    NATIONAL_QUERIES,
    REPORT_QUERIES,
    annual_report,
    fiscal_year_bounds,
    last_complete_fiscal_year,
)
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
)

pytestmark = pytest.mark.django_db
FY = 2024  # April 2024 – March 2025


def published(city, **kwargs):
    kwargs.setdefault("status", AgreementStatus.ACTIVE)
    return AgreementFactory(municipality=city, published=True, published_at=timezone.now(), **kwargs)


@pytest.fixture
def data(city):
    """Three published agreements signed in FY2024: cost unknown, 0 stated, 120,000 yen; and a draft."""
    unknown = published(city, signed_on=datetime.date(2024, 5, 1), starts_on=None, partner_contribution_jpy=500_000)
    zero = published(city, signed_on=datetime.date(2024, 6, 1), starts_on=None, municipal_cost_jpy=0)
    paid = published(city, signed_on=datetime.date(2025, 3, 1), starts_on=None, municipal_cost_jpy=120_000)
    AgreementFactory(
        municipality=city, municipal_cost_jpy=9_999_999, starts_on=None, signed_on=datetime.date(2024, 7, 1)
    )  # draft
    initiative = InitiativeFactory(agreement=paid, status=InitiativeStatus.IN_PROGRESS, in_kind_value_jpy=30_000)
    DeliverableFactory(initiative=initiative, status=DeliverableStatus.MET, met_on=datetime.date(2025, 1, 1))
    DeliverableFactory(initiative=initiative, status=DeliverableStatus.NOT_MET)
    DeliverableFactory(initiative=initiative, status=DeliverableStatus.CANCELLED)
    measured = OutcomeIndicatorFactory(agreement=paid, code="KPI-1")
    MeasurementFactory(indicator=measured, value=Decimal("5"), source=COMPUTED_SOURCE)
    reached = OutcomeIndicatorFactory(agreement=zero, code="KPI-2")
    MeasurementFactory(indicator=reached, value=Decimal("3"))
    MeasurementFactory(  # after the year: not its value
        indicator=reached, period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2026, 3, 31)
    )
    OutcomeIndicatorFactory(agreement=unknown, code="KPI-3")  # no value in the year
    RenewalDecision.objects.create(
        agreement=zero,
        term_ends_on=datetime.date(2027, 3, 31),
        decided_on=datetime.date(2025, 2, 1),
        outcome=RenewalOutcome.RENEW,
        reasons="内部の理由",
    )
    return {"unknown": unknown, "zero": zero, "paid": paid}


def test_costs_count_unknown_apart_and_never_as_zero(city, data):
    report = annual_report(fiscal_year=FY, municipality=city, today=datetime.date(2026, 12, 2))
    assert report.complete
    assert report.activity["agreements_signed"] == 3  # the draft is never counted
    assert report.activity["agreements_active"] == 3
    cost = report.costs["agreements"]
    assert (cost.total, cost.stated, cost.unknown, cost.zero) == (120_000, 2, 1, 1)
    contribution = report.contributions["agreements"]
    assert (contribution.total, contribution.stated, contribution.unknown) == (500_000, 1, 2)
    assert report.contributions["initiatives"].total == 30_000
    assert report.costs["initiatives"].unknown == 1


def test_deliverables_review_and_kpis(city, data):
    report = annual_report(fiscal_year=FY, municipality=city)
    assert report.activity["deliverables_due"] == 2  # the cancelled one is not due
    assert report.activity["deliverables_met"] == 1
    assert report.activity["deliverables_not_met"] == 1
    assert report.renewals["renewals_decided"] == report.renewals["renewals_renew"] == 1
    kpis = {kpi.code: kpi for kpi in report.kpis}
    assert kpis["KPI-1"].computed and kpis["KPI-1"].value == Decimal("5") and not kpis["KPI-1"].reached
    assert not kpis["KPI-2"].computed and kpis["KPI-2"].value == Decimal("3") and kpis["KPI-2"].reached
    assert kpis["KPI-2"].period_end == fiscal_year_bounds(FY)[1]
    assert kpis["KPI-3"].value is None and kpis["KPI-3"].reached is None
    assert report.kpi_summary == {"kpis": 3, "kpis_with_value": 2, "kpis_reached_target": 1, "kpis_computed": 1}
    national = annual_report(fiscal_year=FY)
    assert national.kpi_summary == report.kpi_summary
    assert national.costs == report.costs


def test_a_year_outside_the_agreements_counts_nothing(city, data):
    report = annual_report(fiscal_year=2020, municipality=city)
    assert report.activity["agreements_active"] == 0
    assert report.costs["agreements"].unknown == 0


def test_query_counts_stay_flat_as_rows_grow(city, data, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        annual_report(fiscal_year=FY, municipality=city)
    with django_assert_num_queries(NATIONAL_QUERIES):
        annual_report(fiscal_year=FY)
    for n in range(5):
        agreement = published(city, signed_on=datetime.date(2024, 8, 1), starts_on=None, municipal_cost_jpy=n)
        MeasurementFactory(indicator=OutcomeIndicatorFactory(agreement=agreement))
    with django_assert_num_queries(REPORT_QUERIES):
        assert len(annual_report(fiscal_year=FY, municipality=city).kpis) == 8
    with django_assert_num_queries(NATIONAL_QUERIES):
        annual_report(fiscal_year=FY)


def test_page_marks_computed_values_and_has_no_internal_text(client, city, data, django_assert_num_queries):
    url = reverse("portal:municipality-report", args=[city.code, FY])
    with django_assert_num_queries(1 + REPORT_QUERIES):  # the municipality, then the report
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Computed" in text and "data-label=" in text and 'class="stack' in text
    assert "120,000" in text
    assert "内部の理由" not in text  # a renewal decision's reasons stay members only
    assert "css/report.css" in text


def test_members_read_the_same_report(client, city, data, editor):
    url = reverse("portal:municipality-report", args=[city.code, FY])
    anonymous = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(editor)
    member = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "9,999,999" not in member and anonymous.count("<tr") == member.count("<tr")


def test_csv_has_a_bom_japanese_headers_and_one_row_per_figure(client, city, data):
    url = reverse("portal:municipality-report", args=[city.code, FY])
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["区分", "項目", "値", "単位", "注記"]
    report = annual_report(fiscal_year=FY, municipality=city)
    assert len(rows) == 1 + len(list(report.figures())) + len(report.kpis)
    values = [row[2] for row in rows[1:]]
    assert "120000" in values
    computed = [row for row in rows if row[1].endswith("申請から交付までの日数") and "自動計算" in row[4]]
    assert len(computed) == 1


def test_national_page_and_bad_years(client, city, data):
    assert client.get(reverse("portal:national-report", args=[FY])).status_code == 200
    assert client.get(reverse("portal:national-report", args=[1999])).status_code == 404
    assert client.get(reverse("portal:national-report", args=[3000])).status_code == 404
    assert client.get(reverse("portal:municipality-report", args=["999999", FY])).status_code == 404


def test_municipality_page_links_to_the_last_complete_year(client, city):
    html = client.get(reverse("portal:municipality", args=[city.code])).content.decode()
    year = last_complete_fiscal_year()
    assert reverse("portal:municipality-report", args=[city.code, year]) in html
