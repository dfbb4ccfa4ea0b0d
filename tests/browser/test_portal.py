"""The public portal in Chromium: home, search, agreement, municipality and organization pages load
with nothing from outside, pass axe-core's WCAG 2.1 A/AA checks (with every table alternative
opened), and the agreement page fits a 390 px phone."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import assert_fits_phone, axe_violations, phone_problems, screenshot
from tests.factories import MunicipalityFactory
from tests.portal.seed import seed_agreement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # the home page's statistics
    city = MunicipalityFactory(code="272299", name="四條畷市", name_en="Shijonawate", kana="しじょうなわてし")
    seeded = seed_agreement(city)
    yield seeded
    cache.clear()


def open_details(page):
    """Open every <details> (the charts' tables, more filters) so that axe checks them too."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def check(page, url: str, name: str):
    response = page.goto(url)
    assert response.status == 200, url
    assert page.locator("html").get_attribute("lang") == "ja"
    open_details(page)
    screenshot(page, name)
    assert axe_violations(page) == [], url
    assert page.outside_requests == [], page.outside_requests


def test_home_page(page, seeded):
    check(page, "/", "portal-home")
    assert page.locator("svg.chart-bars[role=img]").count() == 1
    assert page.locator("svg.chart-verdicts[role=img]").count() == 1


def test_search_page_with_results_and_with_errors(page, seeded):
    check(page, "/agreements/?q=保育&status=active", "portal-search")
    assert page.locator("ol.results > li").count() == 1
    check(page, "/agreements/?municipality=12&zero_budget=maybe", "portal-search-errors")
    assert page.locator("[aria-invalid=true]").count() == 2


def test_search_form_submits_a_shareable_address(page, seeded):
    page.goto("/agreements/")
    page.fill("#id_q", "保育")
    page.select_option("#id_prefecture", "27")
    page.click("form.search-form button[type=submit]")
    page.wait_for_load_state()
    assert "q=%E4%BF%9D%E8%82%B2" in page.url and "prefecture=27" in page.url
    assert page.locator("ol.results > li").count() == 1


def test_agreement_page(page, seeded):
    check(page, seeded.agreement.get_absolute_url(), "portal-agreement")
    assert page.locator("svg.chart-kpi[role=img]").count() == 3
    assert page.locator("table.measurements").count() == 3
    assert page.locator("tr.late").count() == 1


def test_municipality_and_organization_pages(page, seeded):
    check(page, f"/municipalities/{seeded.agreement.municipality.code}/", "portal-municipality")
    check(page, f"/organizations/{seeded.lead.pk}/", "portal-organization")


def test_agreement_page_fits_a_phone(phone, seeded):
    """The public agreement page at 390 px: no heading one character per line, no table cut off."""
    phone.goto(seeded.agreement.get_absolute_url())
    screenshot(phone, "portal-agreement-phone")
    assert_fits_phone(phone)
    open_details(phone)  # the measurement tables too
    assert_fits_phone(phone)


def test_public_pages_fit_a_phone(phone, seeded):
    """Every other public page at 390 px: nothing past the screen's edge, no table squeezed to a character
    or two (tables of records become one card per row)."""
    import importlib

    from django.apps import apps

    # the operator's pages come from a data migration, which a transactional test before this one flushed
    importlib.import_module("portal.migrations.0002_default_info_pages").create(apps, None)
    city = seeded.agreement.municipality
    paths = {
        "portal-home-phone": "/",
        "portal-search-phone": "/agreements/?q=保育",
        "portal-search-errors-phone": "/agreements/?municipality=12&zero_budget=maybe",
        "portal-municipality-phone": f"/municipalities/{city.code}/",
        "portal-organization-phone": f"/organizations/{seeded.lead.pk}/",
        "opendata-phone": "/opendata/",
        "publication-policy-phone": "/publication-policy/",
        "contact-phone": "/about/contact/",
        "privacy-phone": "/about/privacy/",
        "accessibility-phone": "/about/accessibility/",
        "login-phone": "/accounts/login/",
        "password-reset-phone": "/accounts/password_reset/",
    }
    if city.prefecture_id:
        paths["portal-prefecture-phone"] = f"/municipalities/{city.prefecture.code}/"
    problems = {}
    for name, path in paths.items():
        response = phone.goto(path)
        screenshot(phone, name)
        if response.status != 200:
            problems[path] = [f"answered {response.status}"]
        elif found := phone_problems(phone):
            problems[path] = found
    response = phone.goto("/no-such-page/")
    assert response.status == 404
    screenshot(phone, "not-found-phone")
    assert_fits_phone(phone)
    # the header's main links and the footer's links are on the screen
    for link in ("/agreements/", "/opendata/", "/accounts/login/"):
        assert phone.locator(f"header.site a[href^='{link}']").first.is_visible(), link
    assert phone.locator("footer.site a").count() >= 6
    assert problems == {}


def test_language_switch_to_english(page, seeded):
    page.goto(seeded.agreement.get_absolute_url())
    page.select_option("#language", "en")
    page.click(".lang-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2#overview").inner_text() == "Overview"
    screenshot(page, "portal-agreement-en")
    assert axe_violations(page) == []
