"""Issue #14 in Chromium: the one-page agreement entry, and check-and-publish.

What is counted. A *click* is pressing a link or a button (``page.click``, wrapped by a counter); typing
into a field, choosing in a select and ticking a box or a radio are the form's *fields*, as in the
issue's own count ("12 clicks, 39 fields and 6 form pages"). *One page* is one URL path: after the
new-agreement form redirects to the agreement's page, every save posts to that page and comes back to it
(only its fragment, or the query of 「保存して続けて追加」, changes) — no other form page is opened.

Measured: logging a signed agreement with one party, one initiative, one deliverable and one KPI takes
6 clicks from the dashboard (open the form, log it, then one 「保存」 per record), and one page after the
new-agreement form."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from agreements.choices import AgreementStatus
from agreements.models import Agreement, CooperationField, Deliverable, OutcomeIndicator, Party
from tests.browser.conftest import assert_fits_phone, axe_violations, log_in, screenshot
from tests.factories import AgreementFactory, PartyFactory

pytestmark = pytest.mark.django_db(transaction=True)

MAX_CLICKS = 6


def count_clicks(page) -> list[str]:
    """Wrap page.click: every link or button pressed is appended to the returned list."""
    clicks = []
    click = page.click

    def counted(selector, **kwargs):
        clicks.append(selector)
        return click(selector, **kwargs)

    page.click = counted
    return clicks


def save(page, kind):
    """「保存」 of a section's inline form; back on the same page, at that section."""
    with page.expect_navigation():
        page.click(f"#entry-{kind} button[name=then][value=done]")
    expect(page.locator(".error-summary")).to_have_count(0)


@pytest.fixture
def known_partner(city, organization):
    """The city already works with the partner: it is offered in the party's select without a search."""
    PartyFactory(agreement=AgreementFactory(municipality=city, title="以前の協定"), organization=organization)
    return organization


def test_one_agreement_with_a_party_initiative_deliverable_and_kpi_in_one_page_and_six_clicks(
    page, phone, approver, known_partner
):
    field, _ = CooperationField.objects.get_or_create(code="childcare", defaults={"name": "子育て"})
    log_in(page, "approver")
    clicks = count_clicks(page)

    # the new-agreement form: signed already, so it is logged active at once (no second step)
    page.click("main a[href='/workspace/agreements/new/']")
    page.select_option("select[name=kind]", "comprehensive")
    page.fill("input[name=title]", "子育て手続のデジタル化に関する連携協定")
    page.fill("textarea[name=summary]", "オンライン申請で子育て手続の待ち日数を減らす")
    page.check(f"input[name=fields][value='{field.pk}']")
    page.check("input[name=stage][value=active]")
    page.fill("input[name=signed_on]", "2025-04-01")
    page.fill("input[name=starts_on]", "2025-04-01")
    page.fill("input[name=ends_on]", "2028-03-31")
    with page.expect_navigation():
        page.click("main form.stacked button[type=submit]")
    expect(page.locator(".error-summary")).to_have_count(0)
    agreement = Agreement.objects.get(title="子育て手続のデジタル化に関する連携協定")
    assert agreement.status == AgreementStatus.ACTIVE
    one_page = f"/workspace/agreements/{agreement.public_id}/"
    assert urlsplit(page.url).path == one_page
    paths = set()
    screenshot(page, "agreement-entry-empty")

    # a party: the city's known partner, the date signed carried from the agreement
    expect(page.locator("#id_party-signed_on")).to_have_value("2025-04-01")
    page.select_option("#id_party-organization", str(known_partner.pk))
    page.select_option("#id_party-role", "lead_partner")
    save(page, "parties")
    paths.add(urlsplit(page.url).path)

    # an initiative: its dates carried from the agreement's period
    expect(page.locator("#id_initiative-starts_on")).to_have_value("2025-04-01")
    expect(page.locator("#id_initiative-ends_on")).to_have_value("2028-03-31")
    page.fill("#id_initiative-title", "子育て手続のオンライン化")
    save(page, "initiatives")
    paths.add(urlsplit(page.url).path)

    # a deliverable: the only initiative and the only party preselected
    page.fill("#id_deliverable-title", "オンライン申請フォームの公開")
    page.fill("#id_deliverable-due_on", "2027-03-31")
    save(page, "deliverables")
    paths.add(urlsplit(page.url).path)

    # a KPI: its code generated, the only initiative preselected, the baseline year and target date carried
    expect(page.locator("#id_indicator-code")).to_have_value("KPI-1")
    expect(page.locator("#id_indicator-baseline_period_start")).to_have_value("2024-04-01")
    expect(page.locator("#id_indicator-target_on")).to_have_value("2028-03-31")
    page.fill("#id_indicator-name", "申請から交付までの日数")
    page.fill("#id_indicator-unit", "日")
    page.fill("#id_indicator-baseline_value", "14")
    page.fill("#id_indicator-target_value", "3")
    save(page, "indicators")
    paths.add(urlsplit(page.url).path)

    assert paths == {one_page}, "every record is added on the agreement's page"
    assert len(clicks) <= MAX_CLICKS, clicks
    print(f"\nOne-page entry: {len(clicks)} clicks, {len(paths)} page after the new-agreement form")

    party = Party.objects.get(agreement=agreement)
    deliverable = Deliverable.objects.get(initiative__agreement=agreement)
    indicator = OutcomeIndicator.objects.get(agreement=agreement)
    assert party.organization == known_partner and str(party.signed_on) == "2025-04-01"
    assert deliverable.responsible == known_partner and deliverable.initiative.title == "子育て手続のオンライン化"
    assert (indicator.code, indicator.direction, indicator.initiative) == ("KPI-1", "lower", deliverable.initiative)

    # the page, complete, passes axe at 1280 px …
    screenshot(page, "agreement-entry-complete")
    assert axe_violations(page) == []
    # … and with every inline form open
    page.goto(f"{one_page}?add=indicators")
    page.evaluate("document.querySelectorAll('details.entry').forEach(d => d.open = true)")
    assert axe_violations(page) == []

    # on a phone the officer's page fits 390 px, forms open or not
    log_in(phone, "approver")
    phone.goto(one_page)
    screenshot(phone, "phone-agreement-entry")
    assert_fits_phone(phone)
    phone.evaluate("document.querySelectorAll('details.entry').forEach(d => d.open = true)")
    assert_fits_phone(phone)
    phone.goto("/workspace/agreements/new/")
    assert_fits_phone(phone)


def test_save_and_add_another_and_an_error_in_place(page, phone, approver, known_partner, city):
    agreement = AgreementFactory(municipality=city, title="観光振興に関する協定", status=AgreementStatus.ACTIVE)
    one_page = f"/workspace/agreements/{agreement.public_id}/"
    log_in(page, "approver")
    page.goto(one_page)

    # 「保存して続けて追加」: the same form again, empty, the focus on its first field, the dates kept
    page.fill("#id_initiative-title", "観光案内のデジタル化")
    page.fill("#id_initiative-starts_on", "2025-06-01")
    with page.expect_navigation():
        page.click("#entry-initiatives button[value=more]")
    assert urlsplit(page.url).path == one_page and "add=initiatives" in urlsplit(page.url).query
    expect(page.locator("#entry-initiatives")).to_have_attribute("open", "")
    expect(page.locator("#id_initiative-title")).to_have_value("")
    expect(page.locator("#id_initiative-starts_on")).to_have_value("2025-06-01")
    assert page.evaluate("document.activeElement.id") == "id_initiative-title"
    expect(page.locator("ul.messages")).to_contain_text("観光案内のデジタル化")

    # an error: the page again, 「エラー：」 in its title, the summary focused and linked, the values kept
    page.fill("#id_initiative-title", "")
    page.fill("#id_initiative-ends_on", "2020-01-01")  # before it starts
    with page.expect_navigation():
        page.click("#entry-initiatives button[value=done]")
    assert urlsplit(page.url).path == one_page
    assert page.title().startswith("エラー：")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(page.locator("#error-summary a[href='#id_initiative-title']")).to_have_count(1)
    expect(page.locator("#id_initiative-ends_on")).to_have_value("2020-01-01")
    assert axe_violations(page) == []
    page.click("#error-summary a[href='#id_initiative-title']")
    assert page.evaluate("document.activeElement.id") == "id_initiative-title"

    log_in(phone, "approver")
    phone.goto(one_page)
    assert_fits_phone(phone)


def test_check_and_publish_refuses_an_incomplete_draft_and_publishes_a_complete_one(
    page, phone, approver, known_partner, city
):
    draft = AgreementFactory(municipality=city, title="題名だけの下書き", summary="", signed_on=None)
    field, _ = CooperationField.objects.get_or_create(code="childcare", defaults={"name": "子育て"})
    complete = AgreementFactory(municipality=city, title="子育て支援に関する協定", status=AgreementStatus.ACTIVE)
    complete.fields.set([field])
    PartyFactory(agreement=complete, organization=known_partner)
    log_in(page, "approver")

    # the incomplete draft: the checklist names what is missing and offers no button to publish
    page.goto(f"/workspace/agreements/{draft.public_id}/")
    with page.expect_navigation():
        page.click(f"main a[href='/workspace/agreements/{draft.public_id}/publish/']")
    for item in ("status", "signed_on", "parties", "summary", "fields"):
        expect(page.locator(f"#check-{item}.missing")).to_have_count(1)
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    assert axe_violations(page) == []
    # sent anyway (a stale page): refused, each problem listed and linked
    with page.expect_navigation():
        page.evaluate("document.querySelector('main form').submit()")
    assert page.title().startswith("エラー：")
    expect(page.locator("#error-summary a[href='#check-parties']")).to_have_count(1)
    draft.refresh_from_db()
    assert not draft.published

    # the complete agreement: every required item done; published after the confirmation
    page.goto(f"/workspace/agreements/{complete.public_id}/")
    with page.expect_navigation():
        page.click(f"main a[href='/workspace/agreements/{complete.public_id}/publish/']")
    expect(page.locator(".checklist li.missing")).to_have_count(0)
    complete.refresh_from_db()
    assert not complete.published  # the checklist page itself changes nothing
    screenshot(page, "agreement-publish-ready")
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert urlsplit(page.url).path == f"/workspace/agreements/{complete.public_id}/"
    complete.refresh_from_db()
    assert complete.published
    page.goto(complete.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("子育て支援に関する協定")
    expect(page.locator("main")).not_to_contain_text(re.compile("下書き"))

    log_in(phone, "approver")
    phone.goto(f"/workspace/agreements/{draft.public_id}/publish/")
    assert_fits_phone(phone)
