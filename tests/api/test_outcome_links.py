"""GET/PUT/DELETE /api/v1/indicators/<id>/outcome-link/: reading a KPI's link where the KPI is visible,
linking and unlinking by editors through the services (ETag/If-Match as the other records), 400 with
field messages for an unknown code, a bad indicator or a unit that does not suit, 401/403/404 for the
others — and a refused write changes nothing. Query counts pinned; the OpenAPI document describes it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from agreements.models import Measurement
from outcomes.choices import StandardIndicator
from outcomes.models import IndicatorLink, MunicipalProcedure, Procedure
from outcomes.services import COMPUTED_SOURCE, figures_recompute, indicator_link_save
from tests.factories import AgreementFactory, OutcomeIndicatorFactory, PartyFactory
from tests.outcomes.conftest import TODAY
from tests.outcomes.helpers import add_month

from .conftest import client_for

pytestmark = pytest.mark.django_db
D = datetime.date


def url(kpi) -> str:
    return f"/api/v1/indicators/{kpi.pk}/outcome-link/"


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def figures(city, l01):
    """60,000 people (threshold 10): L01 in April (12 online) and May (15 at the counter)."""
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10)
    add_month(city, l01, D(2025, 4, 1), 12, channel="online")
    add_month(city, l01, D(2025, 5, 1), 15, channel="counter")
    figures_recompute(municipality=city, today=TODAY)


@pytest.fixture
def kpi(city, figures, organization):
    """A KPI in days of a published agreement of the city, its partner a party."""
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    return OutcomeIndicatorFactory(agreement=agreement, unit="日")


@pytest.fixture
def draft_kpi(city, figures):
    return OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), unit="日")


@pytest.fixture
def linked(kpi, l01, editor):
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    return kpi


def state(kpi) -> tuple:
    """What a refused write must leave as it was: the link and the KPI's values."""
    link = IndicatorLink.objects.filter(indicator=kpi).values_list("procedure__code", "kind", "period").first()
    values = list(Measurement.objects.filter(indicator=kpi).order_by("period_start").values_list("value", "source"))
    return link, values, IndicatorLink.history.count()


# --- reading --------------------------------------------------------------------------------------------


def test_anyone_reads_the_link_of_a_visible_kpi(linked, django_assert_num_queries):
    client = APIClient()
    with django_assert_num_queries(1):  # the KPI with its agreement, municipality, link and procedure
        response = client.get(url(linked))
    assert response.status_code == 200
    assert response.json() == {
        "procedure": "L01",
        "procedure_name": "要介護・要支援認定の申請",
        "indicator": "median_days",
        "period": "fiscal_year",
        "computed_values_source": COMPUTED_SOURCE,
    }
    etag = response["ETag"]
    assert client.get(url(linked), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_kpi_not_linked_is_404(kpi):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(url(kpi))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "This KPI is not computed from case records."
    japanese = APIClient().get(url(kpi)).json()["error"]["message"]  # Japanese by default
    assert japanese == "この成果指標（KPI）は案件記録から自動計算していません。"


def test_a_draft_agreements_kpi_is_read_by_members_only(draft_kpi, l01, editor, viewer, other_editor, partner):
    indicator_link_save(indicator=draft_kpi, procedure=l01, kind=StandardIndicator.P90_DAYS, by=editor)
    assert APIClient().get(url(draft_kpi)).status_code == 404
    assert client_for(other_editor).get(url(draft_kpi)).status_code == 404
    assert client_for(partner).get(url(draft_kpi)).status_code == 404  # not a party of this one
    assert client_for(viewer).get(url(draft_kpi)).json()["indicator"] == "p90_days"


def test_an_unknown_kpi_and_an_unknown_parameter(linked):
    assert APIClient().get("/api/v1/indicators/999999/outcome-link/").status_code == 404
    response = APIClient().get(url(linked), {"procedure": "L01"})
    assert response.status_code == 400
    assert "procedure" in response.json()["error"]["fields"]


# --- linking --------------------------------------------------------------------------------------------


def test_an_editor_links_a_kpi_and_its_values_are_computed(kpi, editor, django_assert_num_queries):
    client = client_for(editor)
    client.get("/api/v1/stats/")  # nothing cached about the token's user but the token itself
    body = {"procedure": "l01", "indicator": "median_days", "period": "month"}
    # 6 of the view (the token, the memberships, the KPI, its lock, its link, the procedure) and the rest the
    # service's: the KPI's lock again (the service's own, for every path), the link validated and written with
    # its history, the links and figures read, each of the two computed values validated and written with its
    # history, the public change recorded; savepoints counted
    with django_assert_num_queries(45):
        response = client.put(url(kpi), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["procedure"] == "L01"  # a code is found whatever its case
    link = IndicatorLink.objects.get(indicator=kpi)
    assert (link.procedure.code, link.kind, link.period) == ("L01", "median_days", "month")
    values = list(Measurement.objects.filter(indicator=kpi).values_list("value", "sample_size", "source"))
    assert values == [(Decimal("6.5"), 12, COMPUTED_SOURCE), (Decimal("8"), 15, COMPUTED_SOURCE)]
    assert response["ETag"] == client.get(url(kpi))["ETag"]


def test_changing_a_link_needs_its_etag(linked, editor):
    client = client_for(editor)
    etag = client.get(url(linked))["ETag"]
    body = {"procedure": "L01", "indicator": "p90_days", "period": "month"}
    before = state(linked)

    assert client.put(url(linked), body, format="json").status_code == 428
    assert client.put(url(linked), body, format="json", HTTP_IF_MATCH="*").status_code == 428
    assert client.put(url(linked), body, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    assert state(linked) == before

    response = client.put(url(linked), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert (response.json()["indicator"], response.json()["period"]) == ("p90_days", "month")
    assert client.put(url(linked), body, format="json", HTTP_IF_MATCH=etag).status_code == 412  # now stale


def test_an_if_match_on_a_kpi_not_linked_is_stale(kpi, editor):
    body = {"procedure": "L01", "indicator": "median_days"}
    assert client_for(editor).put(url(kpi), body, format="json", HTTP_IF_MATCH='"x"').status_code == 412
    assert not IndicatorLink.objects.exists()


def test_the_citys_own_procedure_may_be_linked(kpi, city, editor):
    own = Procedure.objects.create(code="SN-01", name="独自の手続", municipality=city)
    add_month(city, own, D(2025, 4, 1), 12)
    figures_recompute(municipality=city, procedures=[own], today=TODAY)
    response = client_for(editor).put(url(kpi), {"procedure": "SN-01", "indicator": "median_days"}, format="json")
    assert response.status_code == 201
    assert response.json()["procedure_name"] == "独自の手続"


@pytest.mark.parametrize(
    ("body", "unit", "field", "message"),
    [
        ({"procedure": "ZZ9", "indicator": "median_days"}, "日", "procedure", "No procedure has this code"),
        ({"procedure": "L01 OR 1=1", "indicator": "median_days"}, "日", "procedure", ""),
        ({"procedure": "L01", "indicator": "fastest"}, "日", "indicator", "is not a valid choice"),
        ({"procedure": "L01", "indicator": "median_days", "period": "week"}, "日", "period", ""),
        ({"indicator": "median_days"}, "日", "procedure", "required"),
        ({"procedure": "L01", "indicator": "online_share"}, "日", "indicator", "The unit “日” does not suit"),
        ({"procedure": "L01", "indicator": "median_days"}, "件", "indicator", "Change the KPI's unit"),
    ],
)
def test_bad_input_is_400_with_the_field_and_nothing_changes(linked, editor, body, unit, field, message):
    linked.unit = unit
    linked.save()
    client = client_for(editor)
    etag = client.get(url(linked))["ETag"]
    before = state(linked)
    response = client.put(url(linked), body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field]
    assert message in " ".join(fields[field])
    assert state(linked) == before


def test_another_citys_own_procedure_is_unknown_here(kpi, editor, other_city):
    Procedure.objects.create(code="DT-01", name="よその独自手続", municipality=other_city)
    response = client_for(editor).put(url(kpi), {"procedure": "DT-01", "indicator": "median_days"}, format="json")
    assert response.status_code == 400
    assert "procedure" in response.json()["error"]["fields"]
    assert not IndicatorLink.objects.exists()


# --- unlinking ------------------------------------------------------------------------------------------


def test_an_editor_unlinks_and_the_values_stay(linked, editor, django_assert_num_queries):
    client = client_for(editor)
    etag = client.get(url(linked))["ETag"]
    values = state(linked)[1]
    assert client.delete(url(linked), HTTP_IF_MATCH='"stale"').status_code == 412
    assert IndicatorLink.objects.filter(indicator=linked).exists()
    # the token, the memberships, the KPI, its lock, its link; the service's link read, delete and history
    with django_assert_num_queries(12):
        response = client.delete(url(linked), HTTP_IF_MATCH=etag)
    assert response.status_code == 204
    assert not IndicatorLink.objects.filter(indicator=linked).exists()
    assert state(linked)[1] == values
    assert client.delete(url(linked)).status_code == 404  # not linked any more


# --- who may -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 401),
        ("viewer", 403),  # a member, but not an editor
        ("approver", None),  # approvers are editors too
        ("other_editor", 403),  # sees the published KPI, not of their city
        ("partner", 403),  # a party's editor: sees it, cannot link
    ],
)
def test_who_may_change_a_link(request, linked, who, expected):
    client = client_for(request.getfixturevalue(who)) if who else APIClient()
    etag = APIClient().get(url(linked))["ETag"]
    before = state(linked)
    put = client.put(url(linked), {"procedure": "L01", "indicator": "p90_days"}, format="json", HTTP_IF_MATCH=etag)
    if expected is None:
        assert put.status_code == 200
        assert client.delete(url(linked)).status_code == 204
        return
    assert put.status_code == expected
    assert client.delete(url(linked)).status_code == expected
    assert state(linked) == before


def test_a_kpi_the_caller_cannot_see_is_404_for_writes(draft_kpi, other_editor):
    client = client_for(other_editor)
    assert (
        client.put(url(draft_kpi), {"procedure": "L01", "indicator": "median_days"}, format="json").status_code == 404
    )
    assert client.delete(url(draft_kpi)).status_code == 404
    assert not IndicatorLink.objects.exists()


def test_japanese_unit_message(linked, editor):
    """The message in the caller's language (Japanese once the lead has compiled the catalogue)."""
    linked.unit = "件"
    linked.save()
    client = client_for(editor, language="ja")
    etag = client.get(url(linked))["ETag"]
    response = client.put(
        url(linked), {"procedure": "L01", "indicator": "median_days"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert "件" in response.json()["error"]["fields"]["indicator"][0]


# --- the OpenAPI document ---------------------------------------------------------------------------------


def test_the_openapi_document_describes_it():
    document = APIClient().get("/api/v1/schema/?format=json").json()
    operations = document["paths"]["/api/v1/indicators/{indicator}/outcome-link/"]
    assert {"get", "put", "delete"} <= set(operations)
    put = operations["put"]
    assert {"200", "201", "400", "403", "404", "412", "428"} <= set(put["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in put["parameters"])
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OutcomeLinkWriteRequest"
    }
    assert operations["get"]["summary"] == "How a KPI is computed from case records"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_links_of_one_kpi_make_one_link(postgres_only, city, editor):
    """4 editors' clients link the same KPI at once without If-Match: the KPI's row is locked, so one is
    201 and the others, finding the link made meanwhile, 428 — one link, one history row."""
    import threading

    from django.db import connection

    own = Procedure.objects.create(code="SN-02", name="独自の手続", municipality=city)
    kpi = OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), unit="日")
    clients = [client_for(editor) for _ in range(4)]
    barrier, results = threading.Barrier(len(clients)), {}

    def link(index):
        try:
            barrier.wait()
            body = {"procedure": own.code, "indicator": "median_days"}
            results[index] = clients[index].put(url(kpi), body, format="json").status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=link, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [201, 428, 428, 428]
    assert IndicatorLink.objects.filter(indicator=kpi).count() == 1
    assert IndicatorLink.history.filter(indicator_id=kpi.pk).count() == 1
