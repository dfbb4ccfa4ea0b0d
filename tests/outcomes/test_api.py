"""GET /api/v1/outcomes/ and /api/v1/procedures/: the issue's fields, only where the municipality
publishes the procedure's figures, unknown parameters refused, members reading unsuppressed values,
the CSV with 秘匿, and the OpenAPI document."""

import csv
import datetime
import io

import pytest
from rest_framework.test import APIClient

from outcomes.models import MunicipalProcedure, Procedure
from outcomes.services import figures_recompute

from .conftest import TODAY
from .helpers import add_month

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/outcomes/"
FIELDS = {
    "period_start",
    "period_end",
    "n",
    "median_days",
    "p90_days",
    "median_calendar_days",
    "mean_calendar_days",
    "within_standard_share",
    "within_statutory_share",
    "online_share",
    "correction_share",
    "satisfaction_mean",
    "standard_days",
    "suppressed",
}


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


def set_population(city, population):
    city.population, city.population_counted_on = population, D(2025, 1, 1)
    city.save()


@pytest.fixture
def published(city, l01):
    """A city of 60,000 people (threshold 10) publishing L01: April 12 cases, May 15, June 3."""
    set_population(city, 60_000)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10, publish_figures=True)
    add_month(city, l01, D(2025, 4, 1), 12)
    add_month(city, l01, D(2025, 5, 1), 15)
    add_month(city, l01, D(2025, 6, 1), 3)
    figures_recompute(municipality=city, today=TODAY)
    return city


def get(client, **params):
    return client.get(URL, {"municipality": "272299", "procedure": "L01", **params})


def test_the_issues_fields_per_month(published):
    response = get(APIClient())

    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [set(row) for row in results] == [FIELDS] * 3
    may = results[1]
    assert (may["period_start"], may["period_end"], may["n"], may["suppressed"]) == (
        "2025-05-01",
        "2025-05-31",
        15,
        False,
    )
    assert (may["median_days"], may["p90_days"], may["median_calendar_days"]) == (8, 13.6, 16)  # 1…15
    assert (may["within_standard_share"], may["online_share"], may["correction_share"]) == (0.6667, 1, 0)
    assert (may["within_statutory_share"], may["satisfaction_mean"], may["standard_days"]) == (1, None, 10)
    # June (3 cases) is withheld; April (the smallest month left) with it, or June = year − May − April.
    assert [(r["period_start"], r["n"], r["suppressed"]) for r in results] == [
        ("2025-04-01", None, True),
        ("2025-05-01", 15, False),
        ("2025-06-01", None, True),
    ]
    assert all(
        results[0][name] is None for name in FIELDS - {"period_start", "period_end", "standard_days", "suppressed"}
    )


def test_the_fiscal_year(published):
    results = get(APIClient(), period="fiscal_year").json()["results"]
    assert [(r["period_start"], r["period_end"], r["n"], r["median_days"]) for r in results] == [
        ("2025-04-01", "2026-03-31", 30, 6.5)
    ]
    # no case had a correction: the year's 0 % would say June (withheld) had none either
    assert (results[0]["correction_share"], results[0]["suppressed"]) == (None, True)


def test_not_published_is_404_to_the_public_and_read_by_members(published, l01, viewer, partner):
    MunicipalProcedure.objects.filter(procedure=l01).update(publish_figures=False)
    assert get(APIClient()).status_code == 404
    partner_client = APIClient()
    partner_client.force_login(partner)
    assert get(partner_client).status_code == 404

    member = APIClient()
    member.force_login(viewer)
    response = get(member)
    assert response.status_code == 200
    assert [(r["n"], r["suppressed"]) for r in response.json()["results"]] == [(12, False), (15, False), (3, False)]


def test_members_read_every_value(published, editor, other_editor):
    member = APIClient()
    member.force_login(editor)
    assert [r["n"] for r in get(member).json()["results"]] == [12, 15, 3]
    stranger = APIClient()
    stranger.force_login(other_editor)  # an officer of another city is the public here
    assert [r["n"] for r in get(stranger).json()["results"]] == [None, 15, None]


def test_a_tiny_municipality_publishes_no_case_based_figure(published, viewer):
    set_population(published, 1_500)
    assert get(APIClient()).json()["results"] == []
    member = APIClient()
    member.force_login(viewer)
    assert len(get(member).json()["results"]) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"municipality": "272299", "procedure": "L01", "since": "2025"}, "since"),
        ({"municipality": "272299", "procedure": "L01", "period": "week"}, "period"),
        ({"procedure": "L01"}, "municipality"),
        ({"municipality": "272299"}, "procedure"),
        ({"municipality": "27229", "procedure": "L01"}, "municipality"),
        ({"municipality": "272299", "procedure": "L01", "format": "csv", "encoding": "latin-1"}, "encoding"),
    ],
)
def test_bad_parameters_are_400_naming_them(published, params, field):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    if params.get("format") == "csv":  # an error of a CSV request is a CSV of field and message
        assert response.content.decode().splitlines()[1].startswith(field)
    else:
        assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(("municipality", "procedure"), [("131016", "L01"), ("272299", "NOPE")])
def test_unknown_municipality_or_procedure_is_404(published, municipality, procedure):
    assert APIClient().get(URL, {"municipality": municipality, "procedure": procedure}).status_code == 404


def test_the_csv_says_秘匿(published):
    response = get(APIClient(), format="csv", bom="1")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["期間開始", "期間終了", "件数"]
    assert rows[1][:4] == ["2025-04-01", "2025-04-30", "秘匿", "秘匿"]
    assert rows[1][-2:] == ["10", "true"]  # the standard period is not case-based
    assert rows[2][2] == "15" and rows[2][-1] == "false"
    cp932 = get(APIClient(), format="csv", encoding="cp932")
    assert "秘匿" in cp932.content.decode("cp932")


def test_the_procedure_catalogue(city):
    Procedure.objects.create(code="X-1", name="市独自の手続", municipality=city)
    response = APIClient().get("/api/v1/procedures/", {"page_size": 200})
    assert response.status_code == 200
    rows = {(r["code"], r["municipality"]): r for r in response.json()["results"]}
    assert rows[("L01", None)]["statutory_limit_days"] == 30
    assert rows[("L01", None)]["sources"]
    assert rows[("X-1", "272299")]["name"] == "市独自の手続"
    national = APIClient().get("/api/v1/procedures/", {"national": "true", "page_size": 200}).json()
    assert all(r["municipality"] is None for r in national["results"])
    assert APIClient().get("/api/v1/procedures/", {"colour": "red"}).status_code == 400


def test_the_openapi_document_describes_both(db):
    document = APIClient().get("/api/v1/schema/?format=json").json()
    outcomes = document["paths"]["/api/v1/outcomes/"]["get"]
    names = {p["name"] for p in outcomes["parameters"]}
    assert {"municipality", "procedure", "period", "format"} <= names
    assert {"200", "400", "404", "429"} <= set(outcomes["responses"])
    assert "text/csv" in outcomes["responses"]["200"]["content"]
    assert "/api/v1/procedures/" in document["paths"]
