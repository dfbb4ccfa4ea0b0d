"""An editor links a KPI to a procedure's standard indicator from the agreement page; its values are then
computed from the case records. Viewers, partners and other cities' officers are refused and nothing
changes; unlinking keeps the values computed so far."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements.models import Measurement
from outcomes.models import IndicatorLink, MunicipalProcedure, Procedure
from outcomes.services import COMPUTED_SOURCE, figures_recompute
from tests.factories import AgreementFactory, OutcomeIndicatorFactory
from tests.outcomes.conftest import TODAY
from tests.outcomes.helpers import add_month

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def kpi(city, l01):
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10)
    add_month(city, l01, D(2025, 4, 1), 12, channel="online")
    add_month(city, l01, D(2025, 5, 1), 15, channel="counter")
    figures_recompute(municipality=city, today=TODAY)
    return OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), unit="日")


def link_url(kpi, name="indicator-link"):
    return reverse(f"workspace:{name}", args=[kpi.agreement.public_id, kpi.pk])


def test_an_editor_links_a_kpi_and_its_values_are_computed(login, editor, kpi, l01):
    client = login(editor)
    page = client.get(reverse("workspace:agreement", args=[kpi.agreement.public_id])).content.decode()
    assert link_url(kpi) in page
    form = client.get(link_url(kpi)).content.decode()
    # the procedures the city works with come first: L01 before the rest of the catalogue
    assert form.index(">L01 ") < form.index(">C01 ")
    response = client.post(link_url(kpi), {"procedure": l01.pk, "kind": "median_days", "period": "fiscal_year"})
    assert response.status_code == 302 and response["Location"].endswith("#indicators")
    link = IndicatorLink.objects.get(indicator=kpi)
    assert (link.procedure, link.kind, link.period) == (l01, "median_days", "fiscal_year")
    m = Measurement.objects.get(indicator=kpi)
    assert (m.value, m.sample_size, m.source) == (Decimal("7"), 27, COMPUTED_SOURCE)
    page = client.get(reverse("workspace:agreement", args=[kpi.agreement.public_id])).content.decode()
    assert "Computed" in page and "L01" in page


def test_unlinking_keeps_the_values(login, editor, kpi, l01):
    client = login(editor)
    client.post(link_url(kpi), {"procedure": l01.pk, "kind": "median_days", "period": "fiscal_year"})
    response = client.post(link_url(kpi, "indicator-unlink"))
    assert response.status_code == 302
    assert not IndicatorLink.objects.filter(indicator=kpi).exists()
    assert Measurement.objects.filter(indicator=kpi, source=COMPUTED_SOURCE).count() == 1


def test_a_bad_choice_is_a_form_error(login, editor, kpi):
    response = login(editor).post(link_url(kpi), {"procedure": "999999", "kind": "nonsense", "period": "week"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html or "errorlist" in html
    assert not IndicatorLink.objects.exists()


def test_another_citys_own_procedure_cannot_be_chosen(login, editor, kpi, other_city):
    theirs = Procedure.objects.create(code="X9", name="よその独自手続", municipality=other_city)
    response = login(editor).post(link_url(kpi), {"procedure": theirs.pk, "kind": "median_days", "period": "month"})
    assert response.status_code == 200
    assert "よその独自手続" not in response.content.decode()
    assert not IndicatorLink.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "other_editor", "partner"])
def test_others_are_refused_and_nothing_changes(request, login, who, kpi, l01):
    client = login(request.getfixturevalue(who))
    data = {"procedure": l01.pk, "kind": "median_days", "period": "fiscal_year"}
    for url in (link_url(kpi), link_url(kpi, "indicator-unlink")):
        response = client.post(url, data)
        assert response.status_code in (403, 404), (who, url, response.status_code)
    assert not IndicatorLink.objects.exists()
    assert not Measurement.objects.filter(indicator=kpi).exists()
