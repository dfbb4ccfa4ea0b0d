"""The API documentation page works in Chromium with the real Content-Security-Policy and without any
request leaving the machine (its assets are served by Kyoso)."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_documentation_renders_offline_under_the_csp(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP")  # CSP enforced here
    page = context.new_page()
    outside, csp_errors = [], []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "Kyoso API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/agreements/", timeout=20_000)
    screenshot(page, "api-docs")
    assert outside == []
    assert csp_errors == []
    context.close()
