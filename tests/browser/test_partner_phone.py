"""A partner reporting from the field on a 390 px phone, in Chromium with touch.

The partner's staff member logs in, taps 進捗を報告 on a deliverable, sends the form with a mistake (the error
summary comes first, focused, the title prefixed with 「エラー：」), corrects it and sends it, sees the success
message and the report in their list; then reports a KPI value the same way. Every page on the way fits the
screen (assert_fits_phone) and axe-core finds no WCAG 2.1 A/AA violation. The taps are counted: each tap on a
link, a button or a field (typing after a tap on a field is not a tap).
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agreements.choices import AgreementStatus
from agreements.models import Measurement, ProgressUpdate
from tests.browser.conftest import assert_fits_phone, axe_violations, screenshot
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def field_work(city, partner, organization):
    """An agreement in force with a deliverable and a KPI that the partner's organization reports."""
    today = timezone.localdate()
    agreement = AgreementFactory(
        municipality=city,
        title="子育て手続のデジタル化に関する連携協定",
        status=AgreementStatus.ACTIVE,
        published=True,
        published_at=timezone.now(),
    )
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    initiative = InitiativeFactory(agreement=agreement, title="子育て手続のオンライン化")
    deliverable = DeliverableFactory(
        initiative=initiative,
        title="オンライン申請フォームの公開",
        responsible=organization,
        due_on=today + datetime.timedelta(days=30),
    )
    DeliverableFactory(
        initiative=initiative, title="利用者アンケート", responsible=organization, due_on=today + datetime.timedelta(90)
    )
    indicator = OutcomeIndicatorFactory(
        agreement=agreement, code="KPI-1", name="申請から交付までの日数", unit="日", reporter=organization
    )
    return {"deliverable": deliverable, "indicator": indicator}


class Phone:
    """The phone page, counting taps; every page it lands on is checked: fits 390 px, axe finds nothing."""

    def __init__(self, page):
        self.page, self.taps, self.checked = page, 0, []

    def tap(self, selector_or_locator):
        locator = (
            self.page.locator(selector_or_locator) if isinstance(selector_or_locator, str) else selector_or_locator
        )
        self.taps += 1
        locator.tap()
        return locator

    def type(self, selector: str, text: str):
        self.tap(selector).fill(text)

    def choose(self, selector: str, value: str):
        self.tap(selector).select_option(value)

    def send(self, selector: str = "main form.stacked button[type=submit]"):
        with self.page.expect_navigation():
            self.tap(selector)

    def check(self, name: str):
        """The page as it is now fits the screen and has no WCAG violation."""
        screenshot(self.page, name)
        assert_fits_phone(self.page)
        assert axe_violations(self.page) == [], self.page.url
        self.checked.append(self.page.url)


def in_view(locator) -> bool:
    """Shown, within the screen's width (no sideways scrolling to reach it)."""
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_partner_reports_progress_and_a_value_on_a_phone(phone, field_work):
    deliverable, indicator = field_work["deliverable"], field_work["indicator"]
    me = Phone(phone)

    # --- log in -------------------------------------------------------------------------------------------
    phone.goto("/accounts/login/")
    me.check("partner-phone-01-login")
    me.type("input[name=username]", "partner")
    me.type("input[name=password]", "pass-for-tests")
    me.send("main button[type=submit]")
    expect(phone).to_have_url(re.compile(r"/workspace/partner/$"))
    me.check("partner-phone-02-home")

    # --- 進捗を報告: the deliverable's action is on the screen, full width -------------------------------------
    report = phone.locator(f"main td.row-action a[href='/workspace/partner/deliverables/{deliverable.pk}/report/']")
    assert in_view(report)
    assert report.bounding_box()["width"] >= 300  # a full-width button, easy to hit
    me.tap(report)
    phone.wait_for_load_state()
    expect(phone).to_have_url(re.compile(rf"/workspace/partner/deliverables/{deliverable.pk}/report/$"))
    me.check("partner-phone-03-report-form")

    # a mistake first: 150 % — the error summary at the top, focused, the title says there is an error
    me.type("input[name=progress]", "150")
    me.send()
    assert phone.title().startswith("エラー：")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    summary = phone.locator("#error-summary")
    assert in_view(summary) and summary.locator("a[href='#id_progress']").count() == 1
    expect(phone.locator("#id_progress_error")).to_be_visible()
    assert ProgressUpdate.objects.count() == 0
    me.check("partner-phone-04-report-errors")

    # the summary's link leads to the field; corrected, the report is sent
    me.tap(summary.locator("a[href='#id_progress']"))
    me.type("input[name=progress]", "60")
    me.choose("select[name=status]", "in_progress")
    me.type("textarea[name=note]", "フォームを試験公開し、20件の申請を受け付けました。")
    assert in_view(phone.locator("main form.stacked button[type=submit]"))
    me.send()
    expect(phone).to_have_url(re.compile(r"/workspace/partner/reports/(#.*)?$"))
    expect(phone.locator(".messages li.success")).to_be_visible()
    expect(phone.locator("main table").first).to_contain_text("オンライン申請フォームの公開")
    update = ProgressUpdate.objects.get()
    assert update.progress == 60 and update.review_status == "pending"
    me.check("partner-phone-05-report-sent")
    taps_for_progress = me.taps

    # --- 測定値を報告, the same way -------------------------------------------------------------------------
    me.tap("nav.ws-nav a[href='/workspace/partner/']")
    phone.wait_for_load_state()
    value = phone.locator(f"main td.row-action a[href='/workspace/partner/indicators/{indicator.pk}/report/']")
    assert in_view(value)
    me.tap(value)
    phone.wait_for_load_state()
    me.check("partner-phone-06-value-form")

    # a mistake first: the period ends before it starts, and no value
    me.type("input[name=period_start]", "2025-09-30")
    me.type("input[name=period_end]", "2025-04-01")
    me.send()
    assert phone.title().startswith("エラー：")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert phone.locator("#error-summary li").count() >= 2
    assert Measurement.objects.count() == 0
    me.check("partner-phone-07-value-errors")

    me.type("input[name=period_start]", "2025-04-01")
    me.type("input[name=period_end]", "2025-09-30")
    me.type("input[name=value]", "6")
    me.send()
    expect(phone).to_have_url(re.compile(r"/workspace/partner/reports/(#.*)?$"))
    expect(phone.locator(".messages li.success")).to_be_visible()
    expect(phone.locator("main table").last).to_contain_text("KPI-1")
    assert Measurement.objects.get().review_status == "pending"
    me.check("partner-phone-08-value-sent")

    taps_for_value = me.taps - taps_for_progress
    print(
        f"\npartner on a 390 px phone: {taps_for_progress} taps to log in and report progress (one mistake "
        f"corrected), {taps_for_value} taps to report a KPI value (one mistake corrected); "
        f"{len(me.checked)} pages checked"
    )
    assert taps_for_progress <= 12 and taps_for_value <= 10
