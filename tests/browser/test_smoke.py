"""The browser harness itself: the home page loads in Chromium, in Japanese, with nothing from outside."""

import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_in_japanese(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.title()
    screenshot(page, "smoke-home")
    assert page.outside_requests == []


def test_login_page_has_no_wcag_violations(page):
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
