"""A partner proposes on a 390 px phone, in Chromium with touch (issue 16): from the partner home's 「提案する」
to the one-page form, a mistake first (the error summary, focused, the title prefixed with 「エラー：」), then the
check of the answers and the submission, and the proposal in 「自分の提案」. Every page on the way fits the
screen (assert_fits_phone) and axe-core finds no WCAG 2.1 A/AA violation."""

import re

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal
from tests.browser.conftest import assert_fits_phone, axe_violations, log_in, screenshot
from tests.proposals.conftest import scheme as proposal_world  # noqa: F401 — tests/proposals' fixture

pytestmark = pytest.mark.django_db(transaction=True)


def check(page, name):
    screenshot(page, name)
    assert_fits_phone(page)
    assert axe_violations(page) == [], page.url


def test_partner_proposes_on_a_phone(phone, proposal_world, partner):  # noqa: F811 — the imported fixture
    log_in(phone, "partner")
    expect(phone).to_have_url(re.compile(r"/workspace/partner/$"))
    phone.locator("main a[href='/workspace/partner/proposals/new/']").tap()
    phone.wait_for_load_state()
    check(phone, "proposal-phone-01-form")

    # a mistake first: nothing written — the error summary comes first, focused
    before = Proposal.objects.count()
    with phone.expect_navigation():
        phone.locator("main form.stacked button[type=submit]").tap()
    assert phone.title().startswith("エラー：")
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert Proposal.objects.count() == before
    check(phone, "proposal-phone-02-errors")

    municipality = proposal_world.open_theme.municipality
    phone.select_option("select[name=municipality]", str(municipality.pk))
    phone.select_option("select[name=theme]", str(proposal_world.open_theme.pk))
    phone.fill("input[name=title]", "公園の朝市")
    phone.fill("textarea[name=problem]", "平日の公園の利用が少ない")
    phone.fill("textarea[name=offer]", "朝市の運営")
    phone.fill("textarea[name=expected_outcome]", "来園者の増加")
    phone.locator("input[name=no_new_cost]").tap()
    with phone.expect_navigation():
        phone.locator("main form.stacked button[type=submit]").tap()
    expect(phone.locator("main h1")).to_be_visible()
    assert Proposal.objects.count() == before  # the check of the answers: nothing sent yet
    check(phone, "proposal-phone-03-check")

    with phone.expect_navigation():
        phone.locator("main button[name=confirmed]").tap()
    expect(phone).to_have_url(re.compile(r"/workspace/partner/proposals/(#.*)?$"))
    expect(phone.locator(".messages li.success")).to_be_visible()
    expect(phone.locator("main table")).to_contain_text("公園の朝市")
    made = Proposal.objects.get(title="公園の朝市")
    assert made.theme == proposal_world.open_theme and made.no_new_cost and made.cost_to_city_jpy is None
    check(phone, "proposal-phone-04-mine")


def test_reviewer_scores_on_a_phone(phone, proposal_world, editor):  # noqa: F811 — the imported fixture
    """The officers' list and a proposal's page (routing, consultation, scoring, decision) fit a phone; the
    reviewer scores blind and then sees the summary."""
    from proposals.models import Score

    log_in(phone, "editor")
    phone.goto("/workspace/proposals/")
    expect(phone.locator("main table")).to_contain_text(proposal_world.proposal.title)
    check(phone, "proposal-phone-05-officer-list")
    phone.locator(f"main a[href='/workspace/proposals/{proposal_world.proposal.pk}/']").tap()
    phone.wait_for_load_state()
    check(phone, "proposal-phone-06-officer-detail")
    for criterion, value in zip(proposal_world.criteria, ("4", "3"), strict=True):
        phone.locator(f"input[name=score_{criterion.pk}][value='{value}']").tap()
    with phone.expect_navigation():
        phone.locator("main button[name=submit_scores]").tap()
    expect(phone.locator(".messages li.success")).to_be_visible()
    assert Score.objects.filter(reviewer=editor, submitted=True).count() == 2
    check(phone, "proposal-phone-07-scored")
