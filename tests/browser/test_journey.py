"""The main journey, in Chromium, as a new user would walk it.

An approver of 四條畷市 logs in, logs an agreement with a party, an initiative, a deliverable and a KPI,
activates and publishes it; the partner logs in, reports progress with an evidence file and a KPI
value; the approver accepts both; the public agreement page then shows the agreement.
Pages are found by their links and form fields, not by their wording, so the test holds in both languages.
"""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement, CooperationField, Deliverable, Measurement, ProgressUpdate
from tests.browser.conftest import log_in, screenshot
from tests.workspace.conftest import PNG

pytestmark = pytest.mark.django_db(transaction=True)


def submit(page):
    page.click("main form.stacked button[type=submit]")
    page.wait_for_load_state()


def log_out(page):
    page.click("header form[action='/accounts/logout/'] button")
    page.wait_for_load_state()


def test_officer_logs_partner_reports_officer_accepts_public_sees(page, approver, partner, organization, tmp_path):
    # transaction=True tests flush the tables between tests, the vocabulary from the migration included
    field, _ = CooperationField.objects.get_or_create(
        code="childcare", defaults={"name": "子育て", "name_en": "Childcare"}
    )

    # --- the approver logs the agreement --------------------------------------------------------
    log_in(page, "approver")
    expect(page).to_have_url(re.compile(r"/workspace/$"))
    screenshot(page, "journey-01-dashboard-empty")
    page.click("main a[href='/workspace/agreements/new/']")
    page.select_option("select[name=kind]", "comprehensive")
    page.fill("input[name=title]", "子育て手続のデジタル化に関する連携協定")
    page.fill("textarea[name=summary]", "オンライン申請で子育て手続の待ち日数を減らす")
    page.check(f"input[name=fields][value='{field.pk}']")
    page.fill("input[name=signed_on]", "2025-04-01")
    page.fill("input[name=starts_on]", "2025-04-01")
    page.fill("input[name=ends_on]", "2028-03-31")
    screenshot(page, "journey-02-agreement-form")
    submit(page)
    agreement = Agreement.objects.get(title="子育て手続のデジタル化に関する連携協定")
    expect(page).to_have_url(re.compile(rf"/workspace/agreements/{agreement.public_id}/$"))

    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/parties/new/']")
    page.fill("input[name=q]", "パートナー")
    page.click("form.ws-search button")
    page.select_option("select[name=organization]", str(organization.pk))
    page.select_option("select[name=role]", "lead_partner")
    submit(page)

    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/initiatives/new/']")
    page.fill("input[name=title]", "子育て手続のオンライン化")
    page.fill("textarea[name=journey_before]", "窓口で申請し、交付まで14日")
    page.fill("textarea[name=journey_after]", "スマートフォンで申請し、交付まで3日")
    submit(page)

    page.click(f"a[href^='/workspace/agreements/{agreement.public_id}/deliverables/new/']")
    page.fill("input[name=title]", "オンライン申請フォームの公開")
    page.select_option("select[name=responsible]", str(organization.pk))
    page.fill("input[name=due_on]", "2027-03-31")
    submit(page)

    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/indicators/new/']")
    page.fill("input[name=code]", "KPI-1")
    page.fill("input[name=name]", "申請から交付までの日数")
    page.fill("input[name=unit]", "日")
    page.select_option("select[name=direction]", "lower")
    page.fill("input[name=baseline_value]", "14")
    page.fill("input[name=baseline_period_start]", "2024-04-01")
    page.fill("input[name=baseline_period_end]", "2025-03-31")
    page.fill("input[name=target_value]", "3")
    page.fill("input[name=target_on]", "2028-03-31")
    page.select_option("select[name=reporter]", str(organization.pk))
    submit(page)

    # publishing before the agreement is signed is refused: the checklist names what is missing
    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/publish/']")
    expect(page.locator("#check-status")).to_have_class(re.compile("missing"))
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    screenshot(page, "journey-03a-publish-checklist")
    page.click(f"main a[href='/workspace/agreements/{agreement.public_id}/']")

    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/activate/']")
    submit(page)  # the signature date is already known
    page.click(f"a[href='/workspace/agreements/{agreement.public_id}/publish/']")
    expect(page.locator("main")).to_contain_text("オンライン申請で子育て手続の待ち日数を減らす")  # what becomes public
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    agreement.refresh_from_db()
    assert agreement.published and agreement.status == "active"
    expect(page.locator("#initiatives")).to_contain_text("オンライン申請フォームの公開")
    expect(page.locator("#indicators")).to_contain_text("申請から交付までの日数")
    screenshot(page, "journey-03-agreement-published")
    log_out(page)

    # --- the partner reports --------------------------------------------------------------------
    evidence = tmp_path / "申請フォーム画面.png"
    evidence.write_bytes(PNG)
    log_in(page, "partner")
    expect(page).to_have_url(re.compile(r"/workspace/partner/$"))
    screenshot(page, "journey-04-partner-home")
    page.locator("tr", has_text="オンライン申請フォームの公開").locator("a").click()
    page.fill("input[name=progress]", "60")
    page.select_option("select[name=status]", "in_progress")
    page.fill("textarea[name=note]", "フォームを試験公開し、20件の申請を受け付けました。")
    page.set_input_files("input[name=evidence]", str(evidence))
    screenshot(page, "journey-05-partner-report")
    submit(page)
    expect(page).to_have_url(re.compile(r"/workspace/partner/reports/$"))
    update = ProgressUpdate.objects.get()
    assert update.progress == 60 and update.evidence

    page.click("nav.ws-nav a[href='/workspace/partner/']")
    page.locator("tr", has_text="KPI-1").locator("a").click()
    page.fill("input[name=period_start]", "2025-04-01")
    page.fill("input[name=period_end]", "2025-09-30")
    page.fill("input[name=value]", "6")
    page.fill("input[name=sample_size]", "20")
    submit(page)
    assert Measurement.objects.get().review_status == "pending"
    screenshot(page, "journey-06-partner-reports")
    log_out(page)

    # --- the approver accepts -------------------------------------------------------------------
    log_in(page, "approver")
    page.click("nav.ws-nav a[href='/workspace/review/']")
    screenshot(page, "journey-07-review-queue")
    page.click(f"a[href='/workspace/review/progress/{update.pk}/']")
    with page.expect_download() as download:
        page.click(f"main a[href='/workspace/evidence/{update.pk}/']")
    assert download.value.suggested_filename.endswith(".png")
    screenshot(page, "journey-08-review-progress")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    page.click("a[href^='/workspace/review/measurements/']")
    page.fill("textarea[name=comment]", "確認しました。")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert Deliverable.objects.get().progress == 60
    assert Measurement.objects.get().review_status == "accepted"
    log_out(page)

    # --- the public sees it -----------------------------------------------------------------------
    page.goto(agreement.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("子育て手続のデジタル化に関する連携協定")
    expect(page.locator("main")).to_contain_text(agreement.public_id)
    main = page.locator("main")
    expect(main).to_contain_text("オンライン申請フォームの公開")
    # the accepted report is now the deliverable's progress
    expect(main.locator("progress[aria-label^='オンライン申請フォームの公開']")).to_have_attribute("value", "60")
    # the KPI chart, with its accepted value
    chart = main.locator("figure.chart", has_text="申請から交付までの日数").first
    expect(chart.locator("svg")).to_be_visible()
    screenshot(page, "journey-09-public-agreement")
    assert page.outside_requests == []
