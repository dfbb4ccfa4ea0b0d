"""The public outcome pages in Chromium, in Japanese (issue 15): a municipality's procedures, one
procedure's figures with its chart and month table open, the national comparison with a highlighted
city and reference figures, the evidence of a linked KPI (before/after, difference-in-differences with
its trend chart) and the list of procedures: no WCAG 2.1 A/AA violation, and each fits a 390 px phone.

(The officer's outcome pages are in test_outcome_pages.py.)"""

import datetime

import pytest
from django.core.cache import cache

from outcomes.models import MunicipalProcedure, OutcomeFigure, Procedure, ReferenceFigure
from outcomes.services import procedures_load
from tests.browser.conftest import assert_fits_phone, axe_violations, screenshot
from tests.factories import MunicipalityFactory
from tests.outcomes.test_evidence import AFTER_DAYS, BEFORE_DAYS, add_cases, linked_kpi, panel, year_figure

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


@pytest.fixture
def evidence(settings, tmp_path):
    """四條畷市 and four comparison cities publishing L01: 24 months of figures (四條畷市's months from the
    start 10 days shorter), its cases around the start, a fiscal year with few cases in one city, a
    reference figure, and a linked KPI of a published agreement."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    procedures_load()  # the catalogue comes from a data migration, which a transactional test may have flushed
    l01 = Procedure.objects.get(code="L01", municipality__isnull=True)
    city = MunicipalityFactory(code="272299", name="四條畷市", name_en="Shijonawate", kana="しじょうなわてし")
    cities = [city, *(MunicipalityFactory(name=f"比較対象の市{i}") for i in range(4))]
    panel(l01, cities)
    MunicipalProcedure.objects.filter(procedure=l01).update(standard_days=21)
    OutcomeFigure.objects.bulk_create(
        [
            year_figure(cities[0], l01, D(2025, 4, 1), 12.5, 600),
            year_figure(cities[1], l01, D(2025, 4, 1), 22, 600),
            year_figure(cities[2], l01, D(2025, 4, 1), 9, 4),  # withheld
        ]
    )
    add_cases(city, l01, D(2024, 10, 1), BEFORE_DAYS)
    add_cases(city, l01, D(2025, 6, 2), AFTER_DAYS)
    ReferenceFigure.objects.create(
        procedure=l01,
        insurer_name="四條畷市",
        insurer_code="272299",
        municipality=city,
        period_start=D(2024, 4, 1),
        period_end=D(2025, 3, 31),
        mean_calendar_days="38.5",
        within_statutory_share="0.2500",
        source_title="要介護認定の申請から認定までの期間（保険者別）",
        source_url="https://www.mhlw.go.jp/example",
    )
    kpi = linked_kpi(city, l01)
    return city, kpi


@pytest.mark.parametrize("width", [1280, 390])
def test_the_public_outcome_pages_pass_axe_and_fit_a_phone(browser, live_server, evidence, width):
    city, kpi = evidence
    context = browser.new_context(
        base_url=live_server.url,
        locale="ja-JP",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
        has_touch=width < 500,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"/municipalities/{city.code}/outcomes/")
        assert page.locator("table.outcome-list tbody tr").count() == 1
        _check(page, width, "outcomes-municipality")

        page.goto(f"/municipalities/{city.code}/outcomes/L01/")
        assert page.locator("svg.chart-outcome").count() == 1
        page.click("details.outcome-months > summary")
        _check(page, width, "outcomes-procedure")

        page.goto(f"/outcomes/L01/?municipality={city.code}")
        assert page.locator("tr.highlight").count() == 2  # the city and its reference figure
        assert page.locator("td.withheld").count() >= 1
        _check(page, width, "outcomes-comparison")

        page.goto(f"/outcomes/effects/{kpi.pk}/")
        assert page.locator("svg.chart-trends").count() == 1
        page.click("details.table-alternative > summary")
        _check(page, width, "outcomes-effect")

        page.goto("/outcomes/")
        _check(page, width, "outcomes-index")
    finally:
        context.close()


def _check(page, width, name):
    screenshot(page, f"{name}-{width}")
    violations = axe_violations(page)
    assert violations == [], violations
    if width < 500:
        # a phone widens its layout to the widest element: the page must not make it (a visually hidden
        # caption stretched to 100 % once did)
        assert page.evaluate("() => window.innerWidth") == width
        assert_fits_phone(page)
        # the charts' text stays at least 12 px on the phone
        sizes = page.evaluate(
            "() => [...document.querySelectorAll('figure.chart svg text')].map(t => t.getBoundingClientRect().height)"
        )
        assert all(size >= 11 for size in sizes), sizes
