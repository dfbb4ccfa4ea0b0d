"""The agreement's one page (issue #14, item 4): parties, initiatives, deliverables and KPIs are added in
place by the inline forms of workspace:agreement, with values carried forward; 「保存して続けて追加」 comes back
to the same form; errors re-render the page with the summary and the values typed; only editors write; a
new agreement is logged at the stage it has reached; terminating is a separate, confirmed action."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.choices import AgreementStatus, Direction
from agreements.models import Agreement, Deliverable, Initiative, OutcomeIndicator, Party
from partnerships.models import Organization
from tests.factories import AgreementFactory, OrganizationFactory, OutcomeIndicatorFactory, cooperation_field
from workspace.forms import next_indicator_code

pytestmark = pytest.mark.django_db


def page_url(agreement):
    return reverse("workspace:agreement", args=[agreement.public_id])


def entries(response):
    return response.context["entry"]


@pytest.fixture
def fresh(city):
    """A signed agreement with nothing under it yet (signed 2025-04-01, in force 2025-04-01 – 2028-03-31)."""
    return AgreementFactory(
        municipality=city,
        title="子育て手続のデジタル化に関する連携協定",
        status=AgreementStatus.ACTIVE,
        signed_on=datetime.date(2025, 4, 1),
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
    )


# --- carried forward ---------------------------------------------------------------------------


def test_an_empty_agreement_opens_every_form_with_the_agreement_s_dates(login, editor, fresh):
    response = login(editor).get(page_url(fresh))
    forms = entries(response)
    assert {kind: entry.open for kind, entry in forms.items()} == dict.fromkeys(forms, True)
    assert forms["parties"].form["signed_on"].value() == datetime.date(2025, 4, 1)
    initiative = forms["initiatives"].form
    assert (initiative["starts_on"].value(), initiative["ends_on"].value()) == (
        datetime.date(2025, 4, 1),
        datetime.date(2028, 3, 31),
    )
    indicator = forms["indicators"].form
    assert indicator["code"].value() == "KPI-1"
    # the baseline is the fiscal year before the agreement starts; the target date its end
    assert (indicator["baseline_period_start"].value(), indicator["baseline_period_end"].value()) == (
        datetime.date(2024, 4, 1),
        datetime.date(2025, 3, 31),
    )
    assert indicator["target_on"].value() == datetime.date(2028, 3, 31)
    html = response.content.decode()
    # a deliverable needs an initiative: no form until there is one
    assert 'id="entry-deliverables"' not in html and "add the initiative first" in html
    assert 'name="party-signed_on" value="2025-04-01"' in html


def test_the_only_initiative_and_party_are_preselected_and_the_next_kpi_code_is_free(login, editor, world):
    OutcomeIndicatorFactory(agreement=world.agreement, code="KPI-2")
    response = login(editor).get(page_url(world.agreement))
    forms = entries(response)
    deliverable, indicator = forms["deliverables"].form, forms["indicators"].form
    assert deliverable["initiative"].value() == world.initiative.pk
    assert deliverable["responsible"].value() == world.deliverable.responsible_id
    assert indicator["initiative"].value() == world.initiative.pk
    assert indicator["code"].value() == "KPI-3"
    # sections with rows keep their form folded
    assert not any(entry.open for entry in forms.values())
    html = response.content.decode()
    assert re.search(rf'<option value="{world.initiative.pk}" selected>', html)


def test_next_indicator_code_takes_the_first_free_number():
    assert next_indicator_code([]) == "KPI-1"
    assert next_indicator_code(["KPI-1", "kpi-2", "OTHER"]) == "KPI-3"
    assert next_indicator_code(["KPI-2"]) == "KPI-1"


# --- adding in place ---------------------------------------------------------------------------


def test_an_editor_adds_party_initiative_deliverable_and_kpi_on_the_one_page(login, editor, fresh, organization):
    client = login(editor)
    page = page_url(fresh)

    response = client.post(
        page, {"entry": "parties", "then": "done", "party-organization": organization.pk, "party-role": "lead_partner",
               "party-signed_on": "2025-04-01"}
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"{page}#parties"
    party = Party.objects.get(agreement=fresh)
    assert (party.organization, party.role, party.signed_on) == (
        organization,
        "lead_partner",
        datetime.date(2025, 4, 1),
    )
    assert party.history.first().history_user == editor

    response = client.post(
        page, {"entry": "initiatives", "then": "done", "initiative-title": "子育て手続のオンライン化",
               "initiative-starts_on": "2025-04-01", "initiative-ends_on": "2028-03-31"}
    )  # fmt: skip
    assert response["Location"] == f"{page}#initiatives"
    initiative = Initiative.objects.get(agreement=fresh)
    assert initiative.municipal_cost_jpy is None  # unknown, never 0

    # the page now preselects the initiative and the party on the deliverable
    forms = entries(client.get(page))
    assert forms["deliverables"].form["initiative"].value() == initiative.pk
    assert forms["deliverables"].form["responsible"].value() == organization.pk
    response = client.post(
        page, {"entry": "deliverables", "then": "done", "deliverable-initiative": initiative.pk,
               "deliverable-title": "オンライン申請フォームの公開", "deliverable-responsible": organization.pk,
               "deliverable-due_on": "2027-03-31"}
    )  # fmt: skip
    assert response["Location"] == f"{page}#deliverables"
    deliverable = Deliverable.objects.get(initiative=initiative)
    assert (deliverable.responsible, deliverable.due_on) == (organization, datetime.date(2027, 3, 31))

    response = client.post(
        page, {"entry": "indicators", "then": "done", "indicator-initiative": initiative.pk, "indicator-code": "KPI-1",
               "indicator-name": "申請から交付までの日数", "indicator-unit": "日", "indicator-baseline_value": "14",
               "indicator-target_value": "3", "indicator-direction": "",
               "indicator-baseline_period_start": "2024-04-01", "indicator-baseline_period_end": "2025-03-31",
               "indicator-target_on": "2028-03-31", "indicator-reporter": ""}
    )  # fmt: skip
    assert response["Location"] == f"{page}#indicators"
    indicator = OutcomeIndicator.objects.get(agreement=fresh)
    # the direction follows from the baseline and the target
    assert (indicator.code, indicator.direction, indicator.target_value) == ("KPI-1", Direction.LOWER, Decimal(3))
    assert indicator.initiative == initiative and indicator.reporter is None

    html = client.get(page).content.decode()
    for text in (
        "株式会社パートナー",
        "子育て手続のオンライン化",
        "オンライン申請フォームの公開",
        "申請から交付までの日数",
    ):
        assert text in html
    assert "Saved: KPI-1 申請から交付までの日数" in html


def test_a_new_organization_is_registered_with_its_party(login, editor, fresh):
    client = login(editor)
    data = {"entry": "parties", "then": "done", "party-new_organization": "NPO法人あたらしい",
            "party-new_organization_kind": "npo", "party-role": "partner", "party-signed_on": ""}  # fmt: skip
    response = client.post(page_url(fresh), data)
    assert response.status_code == 302
    organization = Organization.objects.get(name="NPO法人あたらしい")
    assert organization.kind == "npo" and Party.objects.get(agreement=fresh).organization == organization
    # typed again for another agreement: the registered one, not a twin
    other = AgreementFactory(municipality=fresh.municipality)
    client.post(page_url(other), data | {"party-new_organization_kind": ""})
    assert Organization.objects.filter(name="NPO法人あたらしい").count() == 1
    assert Party.objects.get(agreement=other).organization == organization


def test_a_party_needs_one_organization_and_a_new_one_its_kind(login, editor, fresh, organization):
    client = login(editor)
    neither = client.post(page_url(fresh), {"entry": "parties", "party-role": "partner"})
    assert "organization" in neither.context["form"].errors
    both = client.post(
        page_url(fresh),
        {"entry": "parties", "party-organization": organization.pk, "party-new_organization": "別の会社",
         "party-role": "partner"},
    )  # fmt: skip
    assert "new_organization" in both.context["form"].errors
    no_kind = client.post(
        page_url(fresh), {"entry": "parties", "party-new_organization": "別の会社", "party-role": "partner"}
    )
    assert "new_organization_kind" in no_kind.context["form"].errors
    assert not Party.objects.filter(agreement=fresh).exists() and not Organization.objects.filter(name="別の会社")


def test_the_organization_search_offers_what_it_finds_and_preselects_a_single_match(login, editor, fresh):
    found = OrganizationFactory(name="株式会社みつかる")
    response = login(editor).get(page_url(fresh), {"q": "みつかる", "add": "parties"})
    party = entries(response)["parties"]
    assert party.open and party.form["organization"].value() == found.pk
    assert "株式会社みつかる" in response.content.decode()


# --- save and add another ----------------------------------------------------------------------


def test_save_and_add_another_comes_back_to_the_form_with_the_values_carried(login, editor, world):
    client = login(editor)
    page = page_url(world.agreement)
    response = client.post(
        page, {"entry": "deliverables", "then": "more", "deliverable-initiative": world.initiative.pk,
               "deliverable-title": "説明会の開催", "deliverable-responsible": world.deliverable.responsible_id,
               "deliverable-due_on": "2026-09-30"}
    )  # fmt: skip
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{page}?add=deliverables&") and "#" not in location
    again = client.get(location)
    entry = entries(again)["deliverables"]
    assert entry.open and not entry.form.is_bound
    assert entry.form["title"].value() is None  # empty for the next one …
    assert entry.form["due_on"].value() == "2026-09-30"  # … with the values carried forward
    assert str(entry.form["responsible"].value()) == str(world.deliverable.responsible_id)
    html = again.content.decode()
    assert re.search(r'<select name="deliverable-initiative"[^>]*autofocus', html)  # the focus on its first field
    assert "Saved: 説明会の開催" in html
    assert Deliverable.objects.filter(title="説明会の開催").count() == 1


# --- errors --------------------------------------------------------------------------------------


def test_an_error_shows_the_summary_and_keeps_what_was_typed(login, editor, world):
    client = login(editor)
    before = OutcomeIndicator.objects.count()
    response = client.post(
        page_url(world.agreement),
        {"entry": "indicators", "then": "more", "indicator-code": "KPI-1", "indicator-name": "窓口の待ち時間",
         "indicator-unit": "分", "indicator-baseline_value": "30", "indicator-target_value": "30",
         "indicator-baseline_period_start": "2024-04-01", "indicator-baseline_period_end": "2025-03-31",
         "indicator-target_on": "2028-03-31"},
    )  # fmt: skip
    assert response.status_code == 200 and OutcomeIndicator.objects.count() == before
    html = response.content.decode()
    assert re.search(r"<title>Error: ", html)
    assert 'id="error-summary"' in html
    # each problem links to its field: the code is taken, the target does not differ from the baseline
    assert 'href="#id_indicator-code"' in html and 'href="#id_indicator-target_value"' in html
    assert 'name="indicator-name" value="窓口の待ち時間"' in html
    entry = entries(response)["indicators"]
    assert entry.open and entry.form.is_bound
    # the other forms are not bound: no error on them
    assert not entries(response)["parties"].form.is_bound


def test_an_unknown_section_is_a_bad_request(login, editor, world):
    assert login(editor).post(page_url(world.agreement), {"entry": "documents"}).status_code == 400


# --- who may write -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "partner"])
def test_only_editors_post_the_inline_forms_and_a_refusal_changes_nothing(request, login, world, who):
    user = request.getfixturevalue(who)
    client = login(user)
    before = Initiative.objects.count()
    response = client.post(
        page_url(world.agreement), {"entry": "initiatives", "then": "done", "initiative-title": "勝手な追加"}
    )
    assert response.status_code == 403 and Initiative.objects.count() == before
    if who == "viewer":
        html = client.get(page_url(world.agreement)).content.decode()
        assert 'class="entry"' not in html and 'name="entry"' not in html


def test_another_municipality_s_agreement_is_not_found(login, editor, world):
    response = login(editor).post(
        page_url(world.other_agreement), {"entry": "initiatives", "initiative-title": "よその取組"}
    )
    assert response.status_code == 404 and not Initiative.objects.filter(title="よその取組").exists()


def test_the_page_query_count_is_pinned(login, editor, viewer, world):
    """15 for an editor (the viewer's 14 + the organizations offered to a new party): the other selects
    reuse the rows the page reads anyway (test_query_counts pins it flat with many rows)."""
    for user, expected in ((editor, 15), (viewer, 14)):
        client = login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(world.agreement)).status_code == 200
        assert len(captured) == expected, user


# --- the new agreement, at its stage -----------------------------------------------------------


def _agreement_data(**changes):
    return {
        "kind": "comprehensive",
        "title": "締結済みの協定",
        "summary": "子育て手続のデジタル化",
        "fields": [cooperation_field("childcare").pk],
        "signed_on": "2025-04-01",
        "starts_on": "2025-04-01",
        "ends_on": "2028-03-31",
    } | changes


def test_a_signed_agreement_is_logged_active_in_one_step(login, editor, city):
    response = login(editor).post(reverse("workspace:agreement-create"), _agreement_data(stage="active"))
    agreement = Agreement.objects.get(title="締結済みの協定")
    assert response["Location"] == page_url(agreement)
    assert agreement.status == AgreementStatus.ACTIVE and agreement.signed_on == datetime.date(2025, 4, 1)


def test_signed_without_a_date_is_refused_and_nothing_is_logged(login, editor, city):
    response = login(editor).post(reverse("workspace:agreement-create"), _agreement_data(stage="active", signed_on=""))
    assert response.status_code == 200 and "signed_on" in response.context["form"].errors
    assert not Agreement.objects.filter(title="締結済みの協定").exists()


def test_an_agreement_in_negotiation_is_logged_so(login, editor, city):
    login(editor).post(reverse("workspace:agreement-create"), _agreement_data(stage="negotiating", signed_on=""))
    assert Agreement.objects.get(title="締結済みの協定").status == AgreementStatus.NEGOTIATING


# --- terminate: away from the edit button, behind a confirmation --------------------------------


def test_terminate_is_in_the_danger_zone_and_asks_first(login, editor, fresh):
    client = login(editor)
    html = client.get(page_url(fresh)).content.decode()
    terminate = reverse("workspace:agreement-terminate", args=[fresh.public_id])
    danger = html[html.index('id="danger"') :]
    assert terminate in danger and html.count(terminate) == 1
    edit = html.index(reverse("workspace:agreement-edit", args=[fresh.public_id]))
    assert edit < html.index('id="parties"') < html.index('id="danger"')
    confirmation = client.get(terminate)
    assert confirmation.status_code == 200 and b'class="danger"' in confirmation.content
    fresh.refresh_from_db()
    assert fresh.status == AgreementStatus.ACTIVE  # nothing happens before the confirmation
    client.post(terminate)
    fresh.refresh_from_db()
    assert fresh.status == AgreementStatus.TERMINATED
