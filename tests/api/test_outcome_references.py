"""GET /api/v1/outcomes/references/: public, by procedure; with a municipality, its own figures as an insurer
and the national and prefectural totals; bad parameters 400, unknown codes 404; documented in OpenAPI."""

import pytest
from rest_framework.test import APIClient

from outcomes.models import Procedure
from outcomes.references import reference_figures_load
from tests.outcomes.test_references import REAL_FILE, SOURCE, row

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/references/"


@pytest.fixture
def loaded(city, other_city):
    l01 = Procedure.objects.get(code="L01", municipality__isnull=True)
    reference_figures_load(procedure=l01, path=REAL_FILE)
    rows = [
        row("四條畷市", code="270991", **{"平均日数": "41.2", "30日以内の割合": "0.18", "件数": "800"}),
        row("大東市", code="270992", **{"平均日数": "33.0"}),
        row("大阪府", **{"平均日数": "40.1"}),
        row("東京都", **{"平均日数": "42.0"}),
        row("くすのき広域連合", code="270993", **{"平均日数": "38.0"}),
    ]
    reference_figures_load(procedure=l01, rows=rows, **SOURCE)
    return l01


def test_every_figure_of_the_procedure_for_anyone(loaded):
    response = APIClient().get(URL, {"procedure": "L01"})

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 8
    national = next(r for r in results if r["insurer_name"] == "全国(全保険者1559)")
    assert national == {
        "procedure": "L01",
        "insurer_code": "",
        "insurer_name": "全国(全保険者1559)",
        "municipality": None,
        "scope": "national",
        "period_start": "2023-04-01",
        "period_end": "2024-03-31",
        "n": None,
        "mean_calendar_days": 39.8,
        "within_statutory_share": 0.251,
        "source_title": national["source_title"],
        "source_url": "https://www.mhlw.go.jp/stf/newpage_50085.html",
    }
    scopes = {r["insurer_name"]: r["scope"] for r in results}
    assert scopes["大阪府"] == "prefecture" and scopes["四條畷市"] == "insurer"
    assert scopes["くすのき広域連合"] == "insurer"


def test_a_municipality_gets_its_own_and_the_totals(loaded, django_assert_num_queries):
    with django_assert_num_queries(4):  # procedure, municipality, count, page
        response = APIClient().get(URL, {"procedure": "l01", "municipality": "272299"})

    results = response.json()["results"]
    names = sorted(r["insurer_name"] for r in results)
    assert names == sorted(
        [
            "四條畷市",
            "大阪府",
            "全国(全保険者1559)",
            "全国(認定審査期間の平均が30日以内の保険者66)",
            "全国(認定審査期間の平均が30日を超える保険者1493)",
        ]
    )  # not 大東市, 東京都, the 広域連合
    own = next(r for r in results if r["insurer_name"] == "四條畷市")
    assert own["municipality"] == "272299" and own["n"] == 800 and own["within_statutory_share"] == 0.18


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "procedure"),
        ({"procedure": "L 01"}, "procedure"),
        ({"procedure": "L01", "municipality": "27229"}, "municipality"),
        ({"procedure": "L01", "insurer": "x"}, "insurer"),
    ],
)
def test_bad_parameters_are_400_naming_them(loaded, params, field):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("params", [{"procedure": "NOPE"}, {"procedure": "L01", "municipality": "131016"}])
def test_unknown_codes_are_404(loaded, params):
    assert APIClient().get(URL, params).status_code == 404


def test_a_procedure_without_figures_is_an_empty_list(loaded):
    response = APIClient().get(URL, {"procedure": "M01"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_the_openapi_document_describes_it(db):
    document = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    operation = document["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"procedure", "municipality"}
    schema = document["components"]["schemas"]["ReferenceFigure"]
    assert {"insurer_code", "scope", "mean_calendar_days", "within_statutory_share", "source_url"} <= set(
        schema["properties"]
    )
