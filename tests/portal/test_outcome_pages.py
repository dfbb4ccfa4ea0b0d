"""The public outcome pages of a municipality (issue 15): the list of its published procedures with the
latest fiscal year, and one procedure's figures per fiscal year and month with the chart, 「秘匿」 where
the small-number rule withholds a value, members reading everything, 404 where the figures are not
published, links to the API, the comparison and the linked KPIs, and pinned query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from agreements.models import OutcomeIndicator
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.models import IndicatorLink, MunicipalProcedure, Procedure
from outcomes.services import figures_recompute, indicator_link_save
from portal import kpi
from tests.factories import AgreementFactory, InitiativeFactory, OutcomeIndicatorFactory
from tests.outcomes.conftest import TODAY
from tests.outcomes.helpers import add_month
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db
D = datetime.date
LIST = "/municipalities/272299/outcomes/"
PAGE = "/municipalities/272299/outcomes/L01/"


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


@pytest.fixture
def c12(db):
    return Procedure.objects.get(code="C12", municipality__isnull=True)


@pytest.fixture
def published(city, l01, c12):
    """60,000 people (threshold 10). L01 published, standard 10 days: April 12 cases, May 15, June 3 (June
    withheld, April with it). C12 has figures but is not published."""
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10, publish_figures=True)
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, standard_days=20, publish_figures=False)
    add_month(city, l01, D(2025, 4, 1), 12)
    add_month(city, l01, D(2025, 5, 1), 15)
    add_month(city, l01, D(2025, 6, 1), 3)
    add_month(city, c12, D(2025, 4, 1), 11)
    figures_recompute(municipality=city, today=TODAY)
    return city


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def cells(response, css="withheld") -> int:
    return response.content.decode().count(f'class="num {css}"')


# -- the list ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_published_procedures_latest_fiscal_year(published):
    response = client_in("en").get(LIST)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/municipalities/272299/outcomes/L01/"' in body
    assert "/outcomes/C12/" not in body  # not published
    page = text_of(response)
    assert "FY2025" in page
    # the year: 30 cases, median 6.5; its correction share is withheld (0 % would tell June's), not shown here
    assert "30" in page and "6.5" in page
    assert "10 business days" in page
    assert "Not published" not in page


def test_members_also_see_the_unpublished_procedures_and_every_value(published, viewer):
    response = client_in("en", viewer).get(LIST)

    body = response.content.decode()
    assert 'href="/municipalities/272299/outcomes/C12/"' in body
    assert "Not published" in text_of(response)
    assert "You are an officer of this municipality" in text_of(response)


def test_an_officer_of_another_city_is_the_public(published, other_editor):
    body = client_in("en", other_editor).get(LIST).content.decode()
    assert "/outcomes/C12/" not in body


def test_a_city_without_published_procedures_says_so(city):
    response = client_in("en").get(LIST)
    assert response.status_code == 200
    assert "does not publish the figures of any procedure yet" in text_of(response)


def test_a_town_under_2000_people_shows_no_figure(published, l01):
    published.population = 1_500
    published.save()
    response = client_in("en").get(LIST)
    page = text_of(response)
    assert "no figure computed from its cases is public" in page
    assert "6.5" not in page
    detail = client_in("en").get(PAGE)
    assert detail.status_code == 200
    assert "6.5" not in text_of(detail) and "No figure yet." in text_of(detail)


def test_unknown_municipality_is_404(db):
    assert client_in("en").get("/municipalities/999999/outcomes/").status_code == 404
    assert client_in("en").get("/municipalities/999999/outcomes/L01/").status_code == 404


# -- one procedure ---------------------------------------------------------------------------------------


def test_the_procedure_page_says_what_the_procedure_is(published, l01):
    response = client_in("en").get(PAGE)

    assert response.status_code == 200
    page = text_of(response)
    assert l01.name in page
    assert "30 calendar days from the application" in page  # the statutory limit
    assert "10 business days" in page  # the city's standard period
    assert l01.legal_basis.split("\n")[0][:10] in page


def test_the_fiscal_year_and_month_tables_withhold_small_numbers(published):
    response = client_in("en").get(PAGE)
    body = response.content.decode()

    years = body[body.index('id="years"') : body.index('id="months"')]
    months = body[body.index('id="months"') : body.index('id="data"')]
    # the year is published (30 cases), but its shares at 0 % or 100 % (correction, statutory, online) would
    # reveal June's: withheld
    assert ">30<" in years and ">6.5<" in years
    assert years.count('class="num withheld"') == 3
    # April and June withheld whole (every value column); May shown: 15 cases, median 8, p90 13.6
    assert ">15<" in months and ">13.6<" in months and ">66.7%<" in months
    assert ">12<" not in months and ">3<" not in months
    assert months.count('<tr class="suppressed">') == 2
    # the explanation of the rule, linked once
    assert body.count('href="#small-numbers"') == 2  # the in-page contents and the note under 「秘匿」
    assert "fewer than 10 cases" in text_of(response)


def test_every_column_of_the_api_has_a_header(published):
    page = text_of(client_in("en").get(PAGE))
    for label in (
        "Cases",
        "Processing days, median (business days)",
        "Processing days, 90th percentile (business days)",
        "Calendar days, median",
        "Calendar days, mean",
        "Share processed within the standard processing period",
        "Share within the statutory limit",
        "Share of online applications",
        "Share of cases needing a correction",
        "Standard processing period (business days)",
    ):
        assert label in page, label


def test_members_read_every_value_on_the_procedure_page(published, viewer):
    body = client_in("en", viewer).get(PAGE).content.decode()
    assert 'class="num withheld"' not in body
    assert ">12<" in body and ">3<" in body


def test_the_chart_leaves_withheld_months_out(published):
    body = client_in("en").get(PAGE).content.decode()
    chart = body[body.index('<svg class="chart-outcome"') : body.index("</svg>")]
    assert chart.count("<circle") == 1  # May only: April and June are withheld
    assert "<polyline" not in chart  # one shown month: no line to draw
    assert 'class="standard"' in chart  # the standard period is marked
    assert "2 withheld months are gaps" in chart


def test_the_chart_breaks_its_line_at_a_withheld_month(city, l01):
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10, publish_figures=True)
    for month, n in ((4, 20), (5, 20), (6, 3), (7, 20), (8, 20)):
        add_month(city, l01, D(2025, month, 1), n)
    figures_recompute(municipality=city, today=TODAY)

    body = client_in("en").get(PAGE).content.decode()
    chart = body[body.index('<svg class="chart-outcome"') : body.index("</svg>")]
    # June (3) withheld; with it the smallest published month (April) — two runs remain: May, Jul–Aug
    assert chart.count("<circle") == 3
    assert chart.count("<polyline") == 1


def test_links_to_the_api_and_the_comparison(published):
    body = client_in("en").get(PAGE).content.decode()
    assert "/api/v1/outcomes/?municipality=272299&amp;procedure=L01&amp;period=month" in body
    assert "/api/v1/outcomes/?municipality=272299&amp;procedure=L01&amp;period=fiscal_year&amp;format=csv" in body
    assert 'href="/outcomes/L01/?municipality=272299"' in body


def test_an_unpublished_procedure_is_404_to_the_public_and_shown_to_members(published, viewer, other_editor):
    assert client_in("en").get("/municipalities/272299/outcomes/C12/").status_code == 404
    assert client_in("en", other_editor).get("/municipalities/272299/outcomes/C12/").status_code == 404
    response = client_in("en", viewer).get("/municipalities/272299/outcomes/C12/")
    assert response.status_code == 200
    assert "Not published: you see these figures" in text_of(response)


def test_a_procedure_the_city_does_not_have_is_404(published):
    assert client_in("en").get("/municipalities/272299/outcomes/M01/").status_code == 404
    assert client_in("en").get("/municipalities/272299/outcomes/NOPE/").status_code == 404


def test_the_code_is_read_whatever_its_case(published):
    assert client_in("en").get("/municipalities/272299/outcomes/l01/").status_code == 200


def test_a_city_own_procedure_has_no_comparison_link(published, city):
    own = Procedure.objects.create(code="X-1", name="放置自転車の返還", municipality=city)
    MunicipalProcedure.objects.create(municipality=city, procedure=own, publish_figures=True)
    add_month(city, own, D(2025, 4, 1), 12)
    figures_recompute(municipality=city, today=TODAY)
    response = client_in("en").get("/municipalities/272299/outcomes/X-1/")
    assert response.status_code == 200
    assert "/outcomes/X-1/?municipality" not in response.content.decode()
    assert "Own procedure" in text_of(response)


def test_the_linked_kpis_of_published_agreements(published, l01, editor):
    agreement = AgreementFactory(municipality=published, published=True, published_at=timezone.now())
    initiative = InitiativeFactory(agreement=agreement, starts_on=D(2025, 5, 1))
    kpi = OutcomeIndicatorFactory(agreement=agreement, initiative=initiative, unit="日", code="KPI-7")
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    hidden = OutcomeIndicatorFactory(agreement=AgreementFactory(municipality=published, published=False), unit="日")
    indicator_link_save(indicator=hidden, procedure=l01, kind=StandardIndicator.P90_DAYS, by=editor)

    body = client_in("en").get(PAGE).content.decode()
    assert f'href="{agreement.get_absolute_url()}#indicator-{kpi.pk}"' in body
    assert f"/outcomes/effects/{kpi.pk}/" in body
    assert f"#indicator-{hidden.pk}" not in body


def test_english_and_japanese_pages_render(published):
    assert client_in("ja").get(PAGE).status_code == 200
    assert client_in("ja").get(LIST).status_code == 200


def test_bad_input_is_never_a_500(published):
    for url in ("/municipalities/272299/outcomes/%00/", "/municipalities/272299/outcomes/L01/?period=x"):
        assert client_in("en").get(url).status_code in (200, 400, 404)
    assert client_in("en").post(PAGE).status_code == 405


# -- query counts ----------------------------------------------------------------------------------------


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def more_procedures(city):
    for code in ("C01", "C02", "C03"):
        procedure = Procedure.objects.get(code=code, municipality__isnull=True)
        MunicipalProcedure.objects.create(municipality=city, procedure=procedure, standard_days=5, publish_figures=True)
        add_month(city, procedure, D(2025, 4, 1), 12)
        add_month(city, procedure, D(2025, 5, 1), 12)
    figures_recompute(municipality=city, today=TODAY)


def more_links(city, procedure, editor, n):
    for _ in range(n):
        agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
        kpi = OutcomeIndicatorFactory(agreement=agreement, unit="日")
        indicator_link_save(indicator=kpi, procedure=procedure, kind=StandardIndicator.MEDIAN_DAYS, by=editor)


def test_query_counts_are_pinned_and_flat(published, l01, editor, viewer):
    more_links(published, l01, editor, 1)
    # the list: municipality, settings, figures, procedures; a member: + session, user, access, unread notices
    assert count(client_in("en"), LIST) == 4
    assert count(client_in("en", viewer), LIST) == 8
    # a procedure: municipality, procedure, setting, figures, linked KPIs
    assert count(client_in("en"), PAGE) == 5
    assert count(client_in("en", viewer), PAGE) == 9

    more_procedures(published)
    more_links(published, l01, editor, 3)
    assert count(client_in("en"), LIST) == 4
    assert count(client_in("en", viewer), LIST) == 8
    assert count(client_in("en"), PAGE) == 5


def test_period_kinds_are_the_apis(published):
    assert {PeriodKind.MONTH, PeriodKind.FISCAL_YEAR} == set(PeriodKind.values)


# -- the KPI section and the municipality page ------------------------------------------------------------


@pytest.fixture
def linked(published, l01, editor):
    agreement = AgreementFactory(municipality=published, published=True, published_at=timezone.now())
    initiative = InitiativeFactory(agreement=agreement, starts_on=D(2025, 5, 1))
    kpi = OutcomeIndicatorFactory(agreement=agreement, initiative=initiative, unit="日", code="KPI-7")
    indicator_link_save(indicator=kpi, procedure=l01, kind=StandardIndicator.MEDIAN_DAYS, by=editor)
    return kpi


def loaded(kpi):
    """The KPI as the agreement page loads it (portal.selectors, /tmp/lead/request-H2.md)."""
    settings = MunicipalProcedure.objects.filter(municipality_id=kpi.agreement.municipality_id)
    indicator = (
        OutcomeIndicator.objects.select_related("agreement__municipality", "initiative", "outcome_link__procedure")
        .prefetch_related(Prefetch("outcome_link__procedure__municipal_settings", settings, to_attr="city_settings"))
        .get(pk=kpi.pk)
    )
    indicator.latest = indicator.measurements.order_by("period_end").last()
    return indicator


def test_computed_values_are_marked_in_the_kpi_table(linked):
    body = client_in("en").get(linked.agreement.get_absolute_url()).content.decode()
    table = body[body.index('<table class="measurements kpi-table">') :]
    assert table.count('<span class="badge computed">Computed</span>') == 1  # FY2025, n=30
    assert ">30<" in table  # the sample size: n


def test_outcome_says_what_a_kpi_is_computed_from(linked, l01, django_assert_num_queries):
    indicator = loaded(linked)
    with django_assert_num_queries(0):
        shown = kpi.outcome(indicator, member=False)
    assert shown.procedure == l01
    assert (shown.kind, shown.period) == ("Processing days, median (business days)", "Fiscal year")
    assert shown.procedure_url == "/municipalities/272299/outcomes/L01/"
    assert shown.effect_url == f"/outcomes/effects/{linked.pk}/"
    assert (shown.latest_computed, shown.latest_n) == (True, 30)


def test_outcome_links_the_public_only_to_published_figures(linked):
    MunicipalProcedure.objects.filter(procedure__code="L01").update(publish_figures=False)
    indicator = loaded(linked)
    assert (kpi.outcome(indicator, member=False).procedure_url, kpi.outcome(indicator, member=False).effect_url) == (
        "",
        "",
    )
    assert kpi.outcome(indicator, member=True).procedure_url


def test_outcome_is_none_for_a_custom_kpi_or_an_unloaded_link(linked, published):
    custom = OutcomeIndicatorFactory(agreement=linked.agreement)
    assert kpi.outcome(loaded(custom), member=False) is None
    assert kpi.outcome(OutcomeIndicator.objects.get(pk=linked.pk), member=False) is None  # never a query


def test_the_kpi_section_names_the_procedure_and_links(linked):
    indicator = loaded(linked)
    indicator.outcome = kpi.outcome(indicator, member=False)
    indicator.shown_measurements = list(indicator.measurements.order_by("period_end"))
    indicator.series, indicator.columns = kpi.series(indicator), kpi.columns(indicator, member=False)
    indicator.latest.before_baseline = kpi.before_baseline(indicator, indicator.latest)
    indicator.latest.shown_attainment = kpi.attainment(indicator, indicator.latest)
    html = render_to_string("portal/includes/kpi_indicator.html", {"indicator": indicator, "legend": []})
    assert 'href="/municipalities/272299/outcomes/L01/"' in html
    assert f'href="/outcomes/effects/{linked.pk}/"' in html
    assert "Computed from" in html and "n = 30" in html


def test_the_municipality_section_links_the_outcome_pages(published):
    html = render_to_string("portal/outcomes/municipality_link.html", {"municipality": published})
    assert 'href="/municipalities/272299/outcomes/"' in html and 'href="/outcomes/"' in html


def test_the_page_shows_exactly_what_the_api_publishes(published):
    """Parity with GET /api/v1/outcomes/ (whose withheld values tests/outcomes/test_suppression.py fails to
    recover): every cell of both tables is the API's value, 「秘匿」 exactly where the API gives null."""
    from rest_framework.test import APIClient

    from portal.outcome_views import COLUMNS, value_text

    labels = {str(c.label): c for c in COLUMNS}  # before the API's request activates Japanese
    body = client_in("en").get(PAGE).content.decode()
    for section, period in (("years", "fiscal_year"), ("months", "month")):
        html = body[body.index(f'id="{section}"') :]
        table = html[html.index("<tbody>") : html.index("</tbody>")]
        rows = [re.findall(r'data-label="([^"]+)">([^<]*)</td>', tr) for tr in table.split("</tr>")[:-1]]
        api = (
            APIClient()
            .get("/api/v1/outcomes/", {"municipality": "272299", "procedure": "L01", "period": period})
            .json()["results"]
        )
        assert len(rows) == len(api)
        for cells, result in zip(rows, api, strict=True):
            for label, text in cells:
                column = labels[label]
                value = result[column.key]
                if value is None and column.key != "standard_days" and result["suppressed"] and text == "Withheld":
                    continue  # withheld on both
                with translation.override("en"):
                    expected = value_text(column.kind, None if value is None else Decimal(str(value)))
                assert text == expected, (period, result["period_start"], column.key, text, value)


def test_the_agreement_page_says_what_a_linked_kpi_is_computed_from(linked):
    body = client_in("en").get(linked.agreement.get_absolute_url()).content.decode()
    assert 'href="/municipalities/272299/outcomes/L01/"' in body
    assert f'href="/outcomes/effects/{linked.pk}/"' in body
    assert "Computed from" in body and "n = 30" in body


def test_the_agreement_page_links_the_public_only_to_published_figures(linked, viewer):
    MunicipalProcedure.objects.filter(procedure__code="L01").update(publish_figures=False)
    body = client_in("en").get(linked.agreement.get_absolute_url()).content.decode()
    assert "Computed from" in body and "/municipalities/272299/outcomes/L01/" not in body
    assert (
        "/municipalities/272299/outcomes/L01/"
        in client_in("en", viewer).get(linked.agreement.get_absolute_url()).content.decode()
    )


def test_the_agreement_page_reads_the_links_in_one_query(linked, l01, editor):
    """The city's settings of the linked procedures are one query (none without a linked KPI), however
    many KPIs are linked."""
    url = linked.agreement.get_absolute_url()
    with_one = count(client_in("en"), url)
    for code in ("KPI-8", "KPI-9"):
        more = OutcomeIndicatorFactory(agreement=linked.agreement, unit="日", code=code)
        indicator_link_save(indicator=more, procedure=l01, kind=StandardIndicator.P90_DAYS, by=editor)
    assert count(client_in("en"), url) == with_one
    IndicatorLink.objects.filter(indicator__agreement=linked.agreement).delete()
    assert count(client_in("en"), url) == with_one - 1


def test_the_municipality_page_links_its_outcomes_when_it_publishes_any(published, other_city):
    assert 'href="/municipalities/272299/outcomes/"' in client_in("en").get("/municipalities/272299/").content.decode()
    other = client_in("en").get(f"/municipalities/{other_city.code}/").content.decode()
    assert "/outcomes/" not in other
