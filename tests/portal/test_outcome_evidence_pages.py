"""The public evidence pages (issue 15, section 4): the procedures published anywhere, the national
comparison of one procedure (the highlighted municipality, 「秘匿」, the 標準処理期間, the reference
figures, the chooser with its 400 on bad input), and a linked KPI's before/after and
difference-in-differences (numbers only when supported, 「推定できません」 with the reasons otherwise, 404
unless ``evidence_visible`` allows), with pinned query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import MunicipalProcedure, OutcomeFigure, Procedure, ReferenceFigure
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
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def l01(db):
    return Procedure.objects.get(code="L01", municipality__isnull=True)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.fixture
def compared(city, l01):
    """Four cities publishing L01 (one of them with 4 cases in its latest year: withheld), one not."""
    cities = [populated(city), *(populated(MunicipalityFactory(name=f"比較市{i}")) for i in range(4))]
    OutcomeFigure.objects.bulk_create(
        [
            year_figure(cities[0], l01, D(2025, 4, 1), 12.5, 80),
            year_figure(cities[1], l01, D(2025, 4, 1), 20, 60),
            year_figure(cities[2], l01, D(2024, 4, 1), 15, 60),
            year_figure(cities[3], l01, D(2025, 4, 1), 9, 4),
            year_figure(cities[4], l01, D(2025, 4, 1), 5, 90),
        ]
    )
    for c in cities[:4]:
        MunicipalProcedure.objects.create(municipality=c, procedure=l01, standard_days=15, publish_figures=True)
    MunicipalProcedure.objects.create(municipality=cities[4], procedure=l01, standard_days=10)
    return cities


# -- the index --------------------------------------------------------------------------------------------


def test_the_index_lists_the_procedures_published_anywhere_with_their_count(compared):
    response = client_in("en").get("/outcomes/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/outcomes/L01/"' in body
    assert ">4<" in body  # four municipalities publish L01
    assert "/outcomes/C12/" not in body


def test_the_index_without_any(db):
    assert "No municipality publishes" in text_of(client_in("en").get("/outcomes/"))


# -- the comparison ---------------------------------------------------------------------------------------


def test_the_comparison_lists_each_city_shortest_first_with_withheld_and_standard(compared):
    response = client_in("en").get("/outcomes/L01/")

    assert response.status_code == 200
    body = response.content.decode()
    table = body[body.index('<table class="stack outcome-comparison">') :]
    names = re.findall(r'<a href="/municipalities/\d{6}/outcomes/L01/" lang="ja">([^<]+)</a>', table)
    assert names == ["四條畷市", "比較市1", "比較市0", "比較市2"]  # 12.5, 15, 20, withheld last
    assert "比較市3" not in body  # does not publish
    assert 'class="num withheld"' in table
    assert "15 business days" in text_of(response)
    chart = body[body.index('<svg class="chart-comparison"') : body.index("</svg>")]
    assert chart.count('class="standard"') == 4  # a red mark for each city's standard period, withheld or not
    assert chart.count("<rect x=") == 3  # three bars: the withheld city has none


def test_the_highlighted_city_is_marked_for_eyes_and_screen_readers(compared):
    response = client_in("en").get("/outcomes/L01/?municipality=272299")
    body = response.content.decode()
    assert '<tr class="highlight">' in body
    assert "highlighted</span>" in body  # a visible word, read by screen readers too
    chart = body[body.index('<svg class="chart-comparison"') : body.index("</svg>")]
    assert "▶ 四條畷市" in chart and 'class="highlight"' in chart
    assert "四條畷市 (highlighted): 12.5." in chart  # the chart's description
    assert '<option value="272299" selected>' in body


def test_the_chooser_changes_indicator_and_period(compared, l01):
    response = client_in("en").get("/outcomes/L01/?indicator=correction_share&period=fiscal_year")
    assert response.status_code == 200
    assert "Share of cases needing a correction" in text_of(response)
    assert ">0.0%<" in response.content.decode()


@pytest.mark.parametrize("query", ["indicator=nope", "period=week", "municipality=12", "municipality=999999"])
def test_bad_choices_are_a_400_with_the_message(compared, query):
    response = client_in("en").get(f"/outcomes/L01/?{query}")
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()
    assert "<table" not in response.content.decode()


def test_a_nul_character_is_a_400(compared):
    assert client_in("en").get("/outcomes/L01/?municipality=%00").status_code == 400


def test_an_unknown_or_own_procedure_is_404(compared, city):
    assert client_in("en").get("/outcomes/NOPE/").status_code == 404
    Procedure.objects.create(code="X-1", name="独自", municipality=city)
    assert client_in("en").get("/outcomes/X-1/").status_code == 404


def test_the_reference_figures_with_their_source(compared, l01):
    ReferenceFigure.objects.create(
        procedure=l01,
        insurer_name="四條畷市",
        insurer_code="272299",
        municipality=compared[0],
        period_start=D(2024, 4, 1),
        period_end=D(2025, 3, 31),
        mean_calendar_days="38.5",
        within_statutory_share="0.2500",
        source_title="要介護認定の申請から認定までの期間",
        source_url="https://www.mhlw.go.jp/example",
    )
    body = client_in("en").get("/outcomes/L01/?municipality=272299").content.decode()
    refs = body[body.index('id="references-heading"') :]
    assert ">38.5<" in refs and ">25.0%<" in refs
    assert 'href="https://www.mhlw.go.jp/example"' in refs
    assert '<tr class="highlight">' in refs


def test_members_see_their_own_city_unsuppressed(compared):
    member = officer_of(compared[3])
    body = client_in("en", member).get("/outcomes/L01/").content.decode()
    assert "your municipality: every value" in body
    assert ">9<" in body


def test_comparison_query_counts(compared):
    # the procedure; then the comparison: settings with municipalities, figures, references (cached after)
    assert count(client_in("en"), "/outcomes/L01/") == 4
    assert count(client_in("en"), "/outcomes/L01/") == 1  # the comparison from the cache
    # the highlighted municipality is one more
    assert count(client_in("en"), "/outcomes/L01/?municipality=272299") == 2
    assert count(client_in("en"), "/outcomes/") == 1


# -- the effect of a KPI ----------------------------------------------------------------------------------


@pytest.fixture
def before_after_kpi(city, l01):
    populated(city)
    MunicipalProcedure.objects.update_or_create(
        municipality=city, procedure=l01, defaults={"standard_days": 18, "publish_figures": True}
    )
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    return linked_kpi(city, l01)


def test_before_after_in_words_with_both_sides(before_after_kpi):
    response = client_in("en").get(f"/outcomes/effects/{before_after_kpi.pk}/")

    assert response.status_code == 200
    page = text_of(response)
    assert "Before the start" in page and "After the start" in page
    assert "30" in page and "20" in page and "10" in page
    assert "The median became 10 business days shorter." in page
    assert "bootstrap 95% interval" in page
    assert "The whole interval is below 0" in page
    assert "+80.0 points (20.0% → 100.0%)" in page
    # no comparison municipality: the difference-in-differences cannot be estimated, with its reasons
    did = page[page.index("Difference-in-differences") :]
    assert "Cannot be estimated" in did and "Too few comparison municipalities" in did


def test_a_small_side_is_withheld_and_not_estimated(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=18, publish_figures=True)
    add_cases(city, l01, D(2024, 10, 1), [20] * 4)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    kpi = linked_kpi(city, l01)

    page = text_of(client_in("en").get(f"/outcomes/effects/{kpi.pk}/"))
    assert "Withheld" in page and "Cannot be estimated" in page
    assert "became" not in page  # no number for the difference


def test_the_difference_in_differences_with_its_trend_chart(city, l01):
    cities = [city, *(MunicipalityFactory() for _ in range(4))]
    panel(l01, cities)
    kpi = linked_kpi(city, l01)

    response = client_in("en").get(f"/outcomes/effects/{kpi.pk}/")
    body = response.content.decode()
    page = text_of(response)
    did = page[page.index("Estimated effect") :]
    assert "business days" in did and "95% interval" in did
    chart = body[
        body.index('<svg class="chart-trends"') : body.index("</svg>", body.index('<svg class="chart-trends"'))
    ]
    assert chart.count("<polyline") >= 2  # the city and the comparison mean
    assert 'class="start"' in chart  # the vertical line at the start
    assert "Caveats" in page and "parallel trends" in page


def test_the_effect_page_is_404_unless_visible(city, l01, viewer):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=18, publish_figures=False)
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    kpi = linked_kpi(city, l01)
    unpublished = linked_kpi(city, l01, published=False)
    assert client_in("en").get(f"/outcomes/effects/{kpi.pk}/").status_code == 404  # figures not published
    assert client_in("en", viewer).get(f"/outcomes/effects/{kpi.pk}/").status_code == 200  # a member
    MunicipalProcedure.objects.filter(municipality=city).update(publish_figures=True)
    assert client_in("en").get(f"/outcomes/effects/{kpi.pk}/").status_code == 200
    assert client_in("en").get(f"/outcomes/effects/{unpublished.pk}/").status_code == 404  # agreement unpublished
    assert client_in("en").get("/outcomes/effects/999999/").status_code == 404


def test_a_kpi_without_a_start_says_why(city, l01):
    populated(city)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=18, publish_figures=True)
    kpi = linked_kpi(city, l01, initiative=False)
    page = text_of(client_in("en").get(f"/outcomes/effects/{kpi.pk}/"))
    assert "Cannot be estimated" in page and "no start date" in page


def test_effect_query_count(before_after_kpi):
    # the KPI with its city, initiative and link; the agreement's visibility; the publication; the cases;
    # the standard period; the comparison municipalities; the figures
    assert count(client_in("en"), f"/outcomes/effects/{before_after_kpi.pk}/") == 7


def test_japanese_pages_render(compared, before_after_kpi):
    for url in ("/outcomes/", "/outcomes/L01/?municipality=272299", f"/outcomes/effects/{before_after_kpi.pk}/"):
        assert client_in("ja").get(url).status_code == 200
