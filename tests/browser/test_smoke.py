"""The browser harness itself: the home page loads in Chromium, in Japanese, with nothing from outside."""

import pytest

from tests.browser.conftest import assert_fits_phone, axe_violations, phone_problems, screenshot

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


def test_home_and_login_fit_a_phone(phone):
    """The header (brand, links, language switch), the page and the footer fit a 390 px screen."""
    for path in ("/", "/accounts/login/"):
        phone.goto(path)
        assert_fits_phone(phone)
    screenshot(phone, "smoke-login-phone")


def test_the_phone_check_finds_what_does_not_fit(phone):
    """assert_fits_phone is not blind: a squeezed table, a box scrolling sideways and a wide element are found;
    visually hidden text and the skip link are not problems."""
    cells = "".join(f"<td>子育て手続のオンライン化 {n}</td>" for n in range(9))
    wide = cells.replace("<td>", "<td style=white-space:nowrap>")
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body>'
        '<a href="#m" style="position:absolute;left:-999px" class="skip-link">skip</a>'
        '<span class="visually-hidden" style="position:absolute;width:1px;height:1px;overflow:hidden">hidden</span>'
        f"<table style='width:100%'><tr>{cells}</tr></table>"
        f"<div style='overflow-x:auto'><table><tr>{wide}</tr></table></div>"
        "</body>"
    )
    problems = "\n".join(phone_problems(phone))
    assert "is squeezed to" in problems
    assert "scrolls sideways" in problems
    assert "spans" in problems
    assert "skip" not in problems and "hidden" not in problems
    phone.set_content('<meta name="viewport" content="width=device-width"><body><p>短い文。</p></body>')
    assert phone_problems(phone) == []
