"""Outcome indicators (KPI) and charts in Chromium (issue 14, item 11 and the public agreement page at
390 px): the latest value, the target and the attainment come first with the chart, the full series
is collapsed; at 390 px the page fits (no document overflow, nothing past the screen's edge, no table
scrolling sideways, headings wrapping normally) and the charts' text is at least 12 px; axe finds
nothing at 1280 px. The home page's prefecture chart stays readable with all 47 prefectures."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from agreements.choices import ReviewStatus
from partnerships.names import PREFECTURES
from tests.browser.conftest import assert_fits_phone, axe_violations, log_in, screenshot
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    PrefectureFactory,
    UserFactory,
    lg_code,
)

pytestmark = pytest.mark.django_db(transaction=True)

LONG_TITLE = "保育所・認定こども園・地域型保育事業の入所申請と変更届出のオンライン化および窓口予約の一元化"


@pytest.fixture
def agreement(settings, tmp_path):
    """A published agreement with a long Japanese title and initiative, and four KPIs: one with a
    value from before its baseline period and one on the baseline's own period, one with sample sizes
    and notes, one with large figures, and one not measured yet; one value still under review."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    city = MunicipalityFactory(code="272299", name="四條畷市", name_en="Shijonawate", kana="しじょうなわてし")
    lead = OrganizationFactory(name="株式会社スマート行政サービス研究所ホールディングス")
    agreement = AgreementFactory(
        municipality=city,
        title=LONG_TITLE + "に関する連携協定",
        status="active",
        municipal_cost_jpy=0,
        published=True,
        published_at=timezone.now(),
    )
    PartyFactory(agreement=agreement, organization=lead, role="lead_partner", signatory_title="代表取締役社長執行役員")
    initiative = InitiativeFactory(agreement=agreement, title=LONG_TITLE)
    for number in range(3):
        DeliverableFactory(
            initiative=initiative,
            title=f"電子申請フォームと審査事務システムの連携機能の構築と試験運用（第{number + 1}期）",
            responsible=lead,
            due_on=timezone.localdate() + datetime.timedelta(days=30 * number),
        )

    def fiscal(year: int) -> dict:
        return {"period_start": datetime.date(year, 4, 1), "period_end": datetime.date(year + 1, 3, 31)}

    days = OutcomeIndicatorFactory(
        agreement=agreement,
        initiative=initiative,
        code="KPI-1",
        name="入所申請から入所決定通知までに要する平均日数（土日祝日を除く営業日ベース）",
        unit="日",
        direction="lower",
        baseline_value=Decimal(14),
        baseline_period_start=datetime.date(2023, 4, 1),
        baseline_period_end=datetime.date(2024, 3, 31),
        target_value=Decimal(3),
        target_on=datetime.date(2028, 3, 31),
        reporter=lead,
    )
    MeasurementFactory(indicator=days, value=Decimal(16), **fiscal(2021))  # before the baseline period
    MeasurementFactory(indicator=days, value=Decimal(14), **fiscal(2023))  # the baseline's own period
    MeasurementFactory(indicator=days, value=Decimal(9), **fiscal(2024))
    MeasurementFactory(indicator=days, value=Decimal(6), **fiscal(2025))
    MeasurementFactory(indicator=days, value=Decimal(5), review_status=ReviewStatus.PENDING, **fiscal(2026))
    share = OutcomeIndicatorFactory(
        agreement=agreement,
        code="KPI-2",
        name="オンラインで申請した保護者の割合",
        unit="%",
        direction="higher",
        baseline_value=Decimal("12.5"),
        target_value=Decimal(80),
    )
    for year, value in ((2024, "35.2"), (2025, "61.8")):
        MeasurementFactory(
            indicator=share,
            value=Decimal(value),
            sample_size=1200 + year,
            source="市の電子申請システムの利用統計（年度末集計）",
            note="紙の申請書による申請を含む全申請件数に対する割合",
            **fiscal(year),
        )
    visits = OutcomeIndicatorFactory(
        agreement=agreement,
        code="KPI-3",
        name="窓口来庁者数",
        unit="人",
        direction="lower",
        baseline_value=Decimal(12_500_000),
        target_value=Decimal(8_000_000),
    )
    MeasurementFactory(indicator=visits, value=Decimal(11_250_000), **fiscal(2024))
    OutcomeIndicatorFactory(agreement=agreement, code="KPI-4", name="利用者満足度", unit="点")
    yield agreement
    cache.clear()


def chart_text_sizes(page, selector: str) -> list[dict]:
    """Every text of the matching charts: its rendered size (font size × the chart's scale), in px."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ' text')].map(t => {
            const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                    height: t.getBoundingClientRect().height};
        })""",
        selector,
    )


def squeezed_headings(page) -> list[str]:
    """Headings and captions drawn narrower than four characters (one character per line)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main h1, main h2, main h3, main caption, main summary')]
            .filter(el => el.getBoundingClientRect().width > 1)
            .filter(el => el.textContent.trim().length > 6)
            .filter(el => el.getBoundingClientRect().width < 4 * parseFloat(getComputedStyle(el).fontSize))
            .map(el => el.textContent.trim().slice(0, 30))"""
    )


def open_details(page):
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_kpi_sections_put_the_headline_first_and_collapse_the_series(page, agreement):
    response = page.goto(agreement.get_absolute_url())
    assert response.status == 200
    articles = page.locator("article.kpi")
    assert articles.count() == 4
    first = articles.nth(0)
    order = first.evaluate(
        "a => [...a.querySelectorAll('.kpi-headline, figure.kpi-chart, details.kpi-history')].map(e => e.className)"
    )
    assert order == ["kpi-headline", "chart kpi-chart", "kpi-history"]
    assert first.locator(".kpi-latest .kpi-value").inner_text() == "6 日"
    assert first.locator(".kpi-target .kpi-value").inner_text() == "3 日"
    assert first.locator(".kpi-attainment .kpi-value").inner_text() == "73%"  # (14 − 6) / (14 − 3)
    assert first.locator("details.kpi-history").evaluate("d => d.open") is False
    assert first.locator("svg.chart-kpi text.latest").text_content() == "6 日"
    # the series: the value before the baseline period, the baseline, then the later values, the target
    open_details(page)
    rows = first.locator("table.kpi-table tbody tr")
    assert rows.count() == 6  # 4 accepted values + baseline + target (the public sees no pending value)
    assert rows.nth(1).get_attribute("class") == "baseline"
    assert "基準期間前" in rows.nth(0).inner_text() or "before the baseline" in rows.nth(0).inner_text()
    assert "-" not in rows.nth(0).locator("td").nth(1).inner_text()  # never a negative attainment
    # empty columns are left out: KPI-1 has no sample sizes and notes, KPI-2 has both
    assert first.locator("table.kpi-table thead th").count() == 4
    assert articles.nth(1).locator("table.kpi-table thead th").count() == 6
    screenshot(page, "kpi-agreement-desktop")
    assert axe_violations(page) == []
    sizes = chart_text_sizes(page, "svg.chart-kpi")
    assert sizes and min(s["px"] for s in sizes) >= 12


def test_agreement_page_fits_a_phone_with_readable_charts(phone, agreement):
    phone.goto(agreement.get_absolute_url())
    assert_fits_phone(phone)
    open_details(phone)  # the series tables, stacked
    assert_fits_phone(phone)
    assert squeezed_headings(phone) == []
    sizes = chart_text_sizes(phone, "svg.chart-kpi")
    assert sizes, "no chart text"
    small = [s for s in sizes if s["px"] < 12]
    assert small == [], small
    # the measured text boxes agree: a 12 px font draws a box at least ~12 px tall
    assert min(s["height"] for s in sizes) >= 12
    # a stacked series row labels its figures
    label = phone.locator("table.kpi-table tbody tr:not(.baseline):not(.target) td.num").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label not in ("none", "normal", "")
    screenshot(phone, "kpi-agreement-phone")


def test_members_see_the_value_under_review_on_a_phone(phone, agreement):
    member = UserFactory(username="kpi-partner")
    lead = agreement.parties.get().organization
    MembershipFactory(user=member, municipality=None, organization=lead, role="editor")
    log_in(phone, "kpi-partner")
    phone.goto(agreement.get_absolute_url())
    notice = phone.locator("article.kpi .kpi-pending")
    assert notice.count() == 1 and "5 日" in notice.inner_text()
    open_details(phone)
    assert phone.locator("article.kpi").first.locator("table.kpi-table tbody tr").count() == 7
    assert_fits_phone(phone)


@pytest.fixture
def all_prefectures(settings, tmp_path):
    """A published agreement in a city of each of the 47 prefectures (more in the larger ones)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    for number, name in enumerate(PREFECTURES, start=1):
        prefecture = PrefectureFactory(code=lg_code(f"{number:02d}000"), name=name, name_en="", kana="")
        city = MunicipalityFactory(code=lg_code(f"{number:02d}201"), prefecture=prefecture, name=f"{name[:2]}市")
        for index in range(1 + number % 5):
            AgreementFactory(
                municipality=city,
                published=True,
                published_at=timezone.now(),
                municipal_cost_jpy=0 if index % 2 == 0 else 100_000,
            )
    yield
    cache.clear()


def test_home_prefecture_chart_with_47_prefectures(page, phone, all_prefectures):
    phone.goto("/")
    chart = phone.locator("svg.chart-bars")
    assert chart.count() == 1
    assert chart.locator("rect").count() == 2 * 15  # the 15 prefectures with the most agreements
    sizes = chart_text_sizes(phone, "svg.chart-bars")
    assert min(s["px"] for s in sizes) >= 12, sizes[:3]
    assert phone.locator("table.prefecture-table tbody tr").count() == 47  # all of them in the table
    open_details(phone)
    assert_fits_phone(phone)
    screenshot(phone, "kpi-home-prefectures-phone")

    page.goto("/")
    box = page.locator("svg.chart-bars").bounding_box()
    assert box["height"] < 700  # the chart fits a laptop's screen
    sizes = chart_text_sizes(page, "svg.chart-bars")
    assert min(s["px"] for s in sizes) >= 12 and max(s["px"] for s in sizes) <= 20
    open_details(page)
    screenshot(page, "kpi-home-prefectures-desktop")
    assert axe_violations(page) == []
