"""The officer's outcome pages in Chromium, in Japanese: 「手続と処理期間」 and 「案件記録の取り込み」 (a dry
run's report, a refusal for personal data in the error summary) have no WCAG 2.1 A/AA violation at
1280 px and fit a 390 px phone."""

import datetime

import pytest

from outcomes.models import ClosedDay, MunicipalProcedure, Procedure
from outcomes.services import cases_import, procedures_load
from tests.browser.conftest import assert_fits_phone, axe_violations, log_in, screenshot
from tests.outcomes.conftest import GOOD_ROWS, HEADER, csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outcome_city(city, approver):
    """四條畷市 with a standard period, a published procedure, an own procedure, a closed day and cases."""
    procedures_load()  # the catalogue comes from a data migration, which a transactional test may have flushed
    c12 = Procedure.objects.get(code="C12", municipality__isnull=True)
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, standard_days=20, publish_figures=True)
    Procedure.objects.create(code="X-101", name="放置自転車の返還", municipality=city)
    ClosedDay.objects.create(municipality=city, date=datetime.date(2025, 10, 1), name="市の休日")
    cases_import(
        municipality=city, name="c.csv", source=csv_bytes(GOOD_ROWS), by=None, today=datetime.date(2026, 3, 31)
    )
    return city


def _files(tmp_path):
    good = tmp_path / "cases.csv"
    good.write_bytes(csv_bytes(GOOD_ROWS))
    personal = tmp_path / "personal.csv"
    personal.write_bytes(csv_bytes([[*row, "山田太郎"] for row in GOOD_ROWS], header=[*HEADER, "氏名"]))
    return good, personal


@pytest.mark.parametrize("width", [1280, 390])
def test_the_outcome_pages_pass_axe_and_fit_a_phone(browser, live_server, outcome_city, tmp_path, width):
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
    good, personal = _files(tmp_path)
    try:
        log_in(page, "approver")
        page.goto("/workspace/outcomes/")
        assert page.url.endswith(f"/workspace/outcomes/{outcome_city.code}/")
        page.goto(f"/workspace/outcomes/{outcome_city.code}/procedures/{Procedure.objects.get(code='C12').pk}/")
        _check(page, width, "outcome-procedure-settings")

        page.goto(f"/workspace/outcomes/{outcome_city.code}/")
        _check(page, width, "outcome-procedures")

        page.goto(f"/workspace/outcomes/{outcome_city.code}/cases/")
        page.set_input_files("input[name=file]", str(good))
        page.click("button[value=check]")
        page.wait_for_load_state()
        assert page.locator("#dry-run-heading").count() == 1
        _check(page, width, "outcome-import-dry-run")

        page.set_input_files("input[name=file]", str(personal))
        page.click("button[value=import]")
        page.wait_for_load_state()
        summary = page.locator("#error-summary").inner_text()
        assert "1" in summary and "氏名" in summary and "山田太郎" not in page.content()
        _check(page, width, "outcome-import-personal")
    finally:
        context.close()


def _check(page, width, name):
    screenshot(page, f"{name}-{width}")
    if width >= 1000:
        assert axe_violations(page) == []
    else:
        assert_fits_phone(page)
