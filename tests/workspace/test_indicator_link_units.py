"""The unit rule seen from the workspace: a KPI whose unit does not suit the standard indicator is a form
error on the indicator field and nothing is saved. And the officer's pages link to the evidence: the
agreement page to a linked KPI's 導入前後の比較, 「手続と処理期間」 to each procedure's figures page and its
national comparison — without a query more."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Measurement
from outcomes.choices import StandardIndicator
from outcomes.models import IndicatorLink, MunicipalProcedure, Procedure
from outcomes.services import figures_recompute, indicator_link_save
from tests.factories import AgreementFactory, OutcomeIndicatorFactory
from tests.outcomes.conftest import TODAY
from tests.outcomes.helpers import add_month

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def figures(city, l01):
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10)
    add_month(city, l01, D(2025, 4, 1), 12, channel="online")
    add_month(city, l01, D(2025, 5, 1), 15, channel="counter")
    figures_recompute(municipality=city, today=TODAY)


@pytest.fixture
def kpi(city, figures):
    return OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=city), unit="件")


def link_url(kpi):
    return reverse("workspace:indicator-link", args=[kpi.agreement.public_id, kpi.pk])


def agreement_url(kpi):
    return reverse("workspace:agreement", args=[kpi.agreement.public_id])


def test_a_unit_that_does_not_suit_is_a_form_error_and_nothing_is_saved(login, editor, kpi, l01):
    response = login(editor).post(link_url(kpi), {"procedure": l01.pk, "kind": "median_days", "period": "month"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The unit “件” does not suit Processing days, median (business days)." in html
    assert "Change the KPI&#x27;s unit on the agreement page to one of 日 / 日間 / 営業日" in html
    assert not IndicatorLink.objects.exists()
    assert not Measurement.objects.filter(indicator=kpi).exists()


def test_a_unit_that_suits_is_linked(login, editor, kpi, l01):
    kpi.unit = "割合"
    kpi.save()
    response = login(editor).post(link_url(kpi), {"procedure": l01.pk, "kind": "online_share", "period": "month"})
    assert response.status_code == 302
    assert IndicatorLink.objects.get(indicator=kpi).kind == StandardIndicator.ONLINE_SHARE


def count_queries(client, path) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_agreement_page_links_a_linked_kpi_to_its_before_after(login, editor, kpi, l01):
    kpi.unit = "日"
    kpi.save()
    client = login(editor)
    client.get(agreement_url(kpi))  # warm the session
    effect = reverse("portal:outcome-effect", args=[kpi.pk])
    before, html = count_queries(client, agreement_url(kpi))
    assert effect not in html
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    after, html = count_queries(client, agreement_url(kpi))
    assert f'<a href="{effect}">Before/after comparison' in html
    assert after == before  # the link is already loaded with the KPI


def test_the_procedures_page_links_to_the_figures_and_the_comparison(login, viewer, city, figures, l01):
    own = Procedure.objects.create(code="X1", name="独自の手続", municipality=city)
    client = login(viewer)
    path = reverse("workspace:outcome-procedures", args=[city.code])
    client.get(path)  # warm the session
    few, html = count_queries(client, path)
    figures_page = reverse("portal:municipality-outcome", args=[city.code, "L01"])
    comparison = reverse("portal:outcome-comparison", args=["L01"]) + f"?municipality={city.code}"
    assert f'<a href="{figures_page}">See the figures' in html
    assert f'<a href="{comparison}">Comparison with other municipalities' in html
    # a procedure without cases has neither link; one of the city's own is not in the national comparison
    assert reverse("portal:municipality-outcome", args=[city.code, "X1"]) not in html
    assert reverse("portal:municipality-outcome", args=[city.code, "C01"]) not in html
    add_month(city, own, D(2025, 4, 1), 3)
    figures_recompute(municipality=city, procedures=[own], today=TODAY)
    many, html = count_queries(client, path)
    assert reverse("portal:municipality-outcome", args=[city.code, "X1"]) in html
    assert f'href="{reverse("portal:outcome-comparison", args=["X1"])}' not in html
    assert few == many  # the links read nothing more


def test_the_linked_pages_answer_members(login, viewer, city, figures, l01):
    """The figures page opens for the city's officers even when its figures are not published."""
    client = login(viewer)
    assert client.get(reverse("portal:municipality-outcome", args=[city.code, "L01"])).status_code == 200
    comparison = reverse("portal:outcome-comparison", args=["L01"])
    assert client.get(comparison, {"municipality": city.code}).status_code == 200
