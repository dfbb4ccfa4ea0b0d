"""The search page's name filters in Chromium (issue 14, item 7): suggestions as you type (search.js,
from the API lists' ``q``), a name two places share answered with links to choose from, a variant
spelling found — axe 0 at 1280 px, nothing past the edge at 390 px."""

import pytest
from django.core.cache import cache

from tests.browser.conftest import assert_fits_phone, axe_violations, screenshot
from tests.factories import MunicipalityFactory
from tests.portal.seed import seed_agreement

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    city = MunicipalityFactory(code="272299", name="四條畷市", name_en="Shijonawate", kana="しじょうなわてし")
    seeded = seed_agreement(city)
    prefecture = {"kind": "prefecture", "prefecture": None}
    tokyo = MunicipalityFactory(code="130001", name="東京都", kana="とうきょうと", **prefecture)
    hiroshima = MunicipalityFactory(code="340006", name="広島県", kana="ひろしまけん", **prefecture)
    MunicipalityFactory(code="132063", name="府中市", kana="ふちゅうし", prefecture=tokyo)
    MunicipalityFactory(code="342076", name="府中市", kana="ふちゅうし", prefecture=hiroshima)
    yield seeded
    cache.clear()


def test_suggestions_as_you_type_then_the_city_by_its_reading(page, seeded):
    page.goto("/agreements/")
    page.click("details.more-filters > summary")
    page.fill("#id_municipality", "しじょう")
    page.wait_for_selector("#municipality-suggestions option[value='四條畷市']", state="attached")
    page.fill("#id_municipality", "四条畷")  # a variant spelling, typed in full
    page.click("form.search-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("ol.results > li").count() == 1
    assert axe_violations(page) == []


def test_a_shared_name_lists_the_places_as_links(page, phone, seeded):
    for viewer, name in ((page, "portal-search-candidates"), (phone, "portal-search-candidates-phone")):
        viewer.goto("/agreements/?municipality=府中市")
        links = viewer.locator(".search-form .candidates a")
        assert links.count() == 2
        screenshot(viewer, name)
    assert axe_violations(page) == []
    assert_fits_phone(phone)
    page.click(".search-form .candidates a >> text=広島県府中市")
    page.wait_for_load_state()
    assert "municipality=342076" in page.url
    assert page.locator(".error-summary").count() == 0


def test_the_search_page_fits_a_phone_with_more_filters_open(phone, seeded):
    phone.goto("/agreements/?q=保育")
    phone.click("details.more-filters > summary")
    screenshot(phone, "portal-search-more-filters-phone")
    assert_fits_phone(phone)


@pytest.mark.parametrize("words", ["四条畷 ほいく", "しじょうなわて オンライン申請", "ＯＮＬＩＮＥ"])
def test_a_citizen_finds_the_agreement_by_the_words_they_type(phone, seeded, words):
    """The keyword box on a phone: a variant spelling (四条畷 for 四條畷), a city's reading, a word typed in
    hiragana (ほいく for 保育), full-width letters — each finds the agreement, on a page that fits."""
    phone.goto("/agreements/")
    phone.fill("#id_q", words)
    phone.click("form.search-form button[type=submit]")
    phone.wait_for_load_state()
    assert phone.locator("ol.results > li").count() == 1, words
    assert "保育所入所申請のオンライン化" in phone.locator("ol.results").inner_text()
    assert_fits_phone(phone)
