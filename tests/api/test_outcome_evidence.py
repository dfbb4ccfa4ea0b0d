"""GET /api/v1/outcomes/comparison/ and /api/v1/outcomes/effects/<id>/: the answers, 400 for unknown or
bad parameters, 404 where nothing is public, withheld values as null (秘匿 in the CSV), members reading
their own municipality unsuppressed, the query counts and the OpenAPI document."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from outcomes.evidence import figures_changed
from outcomes.models import MunicipalProcedure, OutcomeFigure, Procedure
from tests.factories import MunicipalityFactory
from tests.outcomes.test_evidence import (
    AFTER_DAYS,
    BEFORE_DAYS,
    add_cases,
    linked_kpi,
    officer_of,
    panel,
    populated,
    year_figure,
)

pytestmark = pytest.mark.django_db
D = datetime.date
COMPARISON = "/api/v1/outcomes/comparison/"


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def compared(city, l01):
    """Three cities publishing L01's fiscal years; the third has 4 cases (withheld)."""
    cities = [populated(city), populated(MunicipalityFactory()), populated(MunicipalityFactory())]
    OutcomeFigure.objects.bulk_create(
        [
            year_figure(cities[0], l01, D(2025, 4, 1), 12.5, 80),
            year_figure(cities[1], l01, D(2025, 4, 1), 20, 60),
            year_figure(cities[2], l01, D(2025, 4, 1), 9, 4),
        ]
    )
    for c in cities:
        MunicipalProcedure.objects.create(municipality=c, procedure=l01, standard_days=15, publish_figures=True)
    return cities


def test_comparison(compared):
    response = APIClient().get(COMPARISON, {"procedure": "L01", "municipality": compared[1].code})
    assert response.status_code == 200
    body = response.json()
    assert body["procedure"] == {"code": "L01", "name": "要介護・要支援認定の申請", "statutory_limit_days": 30}
    assert (body["indicator"], body["period"], body["references"]) == ("median_days", "fiscal_year", [])
    assert body["rows"][0] == {
        "municipality": compared[0].code,
        "municipality_name": compared[0].name,
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "value": 12.5,
        "n": 80,
        "standard_days": 15,
        "suppressed": False,
        "highlighted": False,
    }
    assert [r["highlighted"] for r in body["rows"]] == [False, True, False]
    withheld = body["rows"][2]
    assert (withheld["value"], withheld["n"], withheld["suppressed"]) == (None, None, True)


def test_comparison_member_reads_own_row(compared):
    client = APIClient()
    client.force_login(officer_of(compared[2]))
    rows = client.get(COMPARISON, {"procedure": "L01"}).json()["rows"]
    own = next(r for r in rows if r["municipality"] == compared[2].code)
    assert (own["value"], own["n"], own["suppressed"]) == (9.0, 4, False)


def test_comparison_csv(compared):
    response = APIClient().get(COMPARISON, {"procedure": "L01", "format": "csv", "bom": "1"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["団体コード", "団体名", "期間開始", "期間終了", "値"]
    assert rows[1][4:6] == ["12.50", "80"]
    assert rows[3][4:6] == ["秘匿", "秘匿"] and rows[3][7] == "true"
    assert "9.0" not in text and ",4," not in text
    cp932 = APIClient().get(COMPARISON, {"procedure": "L01", "format": "csv", "encoding": "cp932"})
    assert "秘匿" in cp932.content.decode("cp932")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"procedure": "L01", "colour": "red"}, "colour"),
        ({}, "procedure"),
        ({"procedure": "L01", "indicator": "mean_days"}, "indicator"),
        ({"procedure": "L01", "period": "week"}, "period"),
        ({"procedure": "L01", "municipality": "12"}, "municipality"),
        ({"procedure": "L 01"}, "procedure"),
    ],
)
def test_comparison_400(compared, params, field):
    response = APIClient().get(COMPARISON, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("params", [{"procedure": "ZZ99"}, {"procedure": "L01", "municipality": "999999"}])
def test_comparison_404(compared, params):
    assert APIClient().get(COMPARISON, params).status_code == 404


def test_comparison_queries(compared, django_assert_num_queries):
    client = APIClient()
    with django_assert_num_queries(4):  # the procedure; settings, figures, references
        assert client.get(COMPARISON, {"procedure": "L01"}).status_code == 200
    with django_assert_num_queries(2):  # the municipality, the procedure; the rows are cached
        assert client.get(COMPARISON, {"procedure": "L01", "municipality": compared[0].code}).status_code == 200


def test_a_warm_anonymous_comparison_is_one_stored_answer_and_new_figures_show_at_once(
    compared, l01, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """The whole JSON answer is kept under the procedure's evidence version: the same question again is
    the procedure's query and one cache read; a recompute bumps the version, so the next answer is new."""
    client = APIClient()
    first = client.get(COMPARISON, {"procedure": "L01"})
    with django_assert_num_queries(1):  # the procedure; the answer is stored whole
        again = client.get(COMPARISON, {"procedure": "L01"})
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    OutcomeFigure.objects.filter(municipality=compared[1]).update(median_days=Decimal("7"))
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed(procedures=[l01.pk])
    rows = client.get(COMPARISON, {"procedure": "L01"}).json()["rows"]
    assert rows[0]["municipality"] == compared[1].code and rows[0]["value"] == 7


# --- effects -------------------------------------------------------------------------------------------


@pytest.fixture
def effect_kpi(city, l01):
    """Before/after cases and a panel of five cities (four comparison cities) around 2025-04-01."""
    cities = [city, *(MunicipalityFactory() for _ in range(4))]
    panel(l01, cities)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    return linked_kpi(city, l01)


def url(kpi):
    return f"/api/v1/outcomes/effects/{kpi.pk}/"


def test_effect(effect_kpi, django_assert_num_queries):
    client = APIClient()
    # the KPI; link-free checks: visible agreement, published figures; cases, 標準処理期間; controls, figures
    with django_assert_num_queries(7):
        response = client.get(url(effect_kpi))
    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is True
    assert body["indicator"]["code"] == effect_kpi.code
    assert (body["procedure"]["code"], body["standard_indicator"]) == ("L01", "median_days")
    ba = body["before_after"]
    assert (ba["supported"], ba["difference"], ba["before"]["n"], ba["after"]["n"]) == (True, -10.0, 30, 30)
    assert ba["interval"][0] <= -10 <= ba["interval"][1]
    did = body["difference_in_differences"]
    assert did["supported"] and did["interval"][0] <= -10 <= did["interval"][1]
    assert len(did["controls"]) == 4 and len(did["trend"]) == 24
    assert set(did["trend"][0]) == {"period_start", "treated", "controls_mean"}


def test_effect_small_side_is_null_for_the_public(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=True)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), [9, 10, 11])
    kpi = linked_kpi(city, l01)
    ba = APIClient().get(url(kpi)).json()["before_after"]
    assert ba["after"] == {
        "start": "2025-04-01",
        "end": "2025-06-02",
        "n": None,
        "median_days": None,
        "within_standard_share": None,
        "withheld": True,
    }
    assert (ba["difference"], ba["interval"], ba["supported"]) == (None, None, False)
    member = APIClient()
    member.force_login(officer_of(city))
    body = member.get(url(kpi)).json()
    assert body["suppressed"] is False and body["before_after"]["after"]["n"] == 3
    assert body["before_after"]["after"]["median_days"] == Decimal("10")


def test_effect_404(city, l01):
    populated(city)
    setting = MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=False)
    kpi = linked_kpi(city, l01)
    hidden = linked_kpi(city, l01, published=False)
    assert APIClient().get(url(kpi)).status_code == 404  # figures not published
    setting.publish_figures = True
    setting.save()
    assert APIClient().get(url(kpi)).status_code == 200
    assert APIClient().get(url(hidden)).status_code == 404  # agreement not public
    assert APIClient().get("/api/v1/outcomes/effects/999999/").status_code == 404
    unlinked = linked_kpi(city, l01)
    unlinked.outcome_link.delete()
    member = APIClient()
    member.force_login(officer_of(city))
    assert member.get(url(hidden)).status_code == 200
    assert member.get(f"/api/v1/outcomes/effects/{unlinked.pk}/").status_code == 404


def test_effect_unknown_parameter(effect_kpi):
    response = APIClient().get(url(effect_kpi), {"since": "2025"})
    assert response.status_code == 400 and "since" in response.json()["error"]["fields"]


def test_effect_not_supported_says_why(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=True)
    body = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(url(linked_kpi(city, l01, starts_on=None))).json()
    assert body["before_after"]["reasons"] == ["The initiative has no start date."]
    assert body["difference_in_differences"]["estimate"] is None
    assert body["difference_in_differences"]["supported"] is False


def test_openapi_document_has_both():
    document = APIClient().get("/api/v1/schema/?format=json").json()
    comparison = document["paths"]["/api/v1/outcomes/comparison/"]["get"]
    assert {p["name"] for p in comparison["parameters"]} >= {"procedure", "indicator", "period", "municipality"}
    effect = document["paths"]["/api/v1/outcomes/effects/{indicator}/"]["get"]
    assert "200" in effect["responses"] and "404" in effect["responses"]
    assert "difference_in_differences" in str(document["components"]["schemas"])


def test_comparison_of_a_municipality_s_own_procedure(compared):
    """A city's own procedure is found through the highlighted municipality only."""
    own = Procedure.objects.create(code="X01", name="独自の手続", municipality=compared[0])
    year_figure(compared[0], own, D(2025, 4, 1), 7, 50).save()
    MunicipalProcedure.objects.create(municipality=compared[0], procedure=own, publish_figures=True)
    assert APIClient().get(COMPARISON, {"procedure": "X01"}).status_code == 404
    response = APIClient().get(COMPARISON, {"procedure": "x01", "municipality": compared[0].code})
    assert response.status_code == 200
    assert [(r["municipality"], r["value"]) for r in response.json()["rows"]] == [(compared[0].code, 7.0)]


def test_a_fiscal_year_in_progress_is_not_set_beside_whole_years(compared, l01, monkeypatch):
    """On 2026-12-02 fiscal 2026 has not ended: a city's figures of it are not compared while its whole
    fiscal 2025 exists; a city with only a year in progress shows that one."""
    from outcomes import evidence

    monkeypatch.setattr(evidence, "_today", lambda: D(2026, 12, 2))
    OutcomeFigure.objects.create(**_fields(year_figure(compared[0], l01, D(2026, 4, 1), 3, 50)))
    newcomer = populated(MunicipalityFactory())
    OutcomeFigure.objects.create(**_fields(year_figure(newcomer, l01, D(2026, 4, 1), 11, 40)))
    MunicipalProcedure.objects.create(municipality=newcomer, procedure=l01, standard_days=15, publish_figures=True)

    rows = {r["municipality"]: r for r in APIClient().get(COMPARISON, {"procedure": "L01"}).json()["rows"]}

    assert (rows[compared[0].code]["period_start"], rows[compared[0].code]["value"]) == ("2025-04-01", 12.5)
    assert (rows[newcomer.code]["period_start"], rows[newcomer.code]["value"]) == ("2026-04-01", 11)


def _fields(figure) -> dict:
    return {f.attname: getattr(figure, f.attname) for f in OutcomeFigure._meta.concrete_fields if f.attname != "id"}
