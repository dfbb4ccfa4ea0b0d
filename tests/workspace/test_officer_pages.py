"""The officer's pages: the dashboard shows what needs attention; agreements and their records are
created and changed through the pages, every error next to its field."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus
from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator, Party
from notifications.models import Notice
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    OrganizationFactory,
    ProgressUpdateFactory,
    cooperation_field,
    ready_to_publish,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def test_dashboard_shows_what_needs_attention(login, approver, world, organization):
    """Given an overdue deliverable, one due in a week, a pending report, an agreement ending in a month
    and a dormant one, the dashboard lists each under its heading."""
    today = timezone.localdate()
    DeliverableFactory(initiative=world.initiative, title="遅れている成果物", due_on=today - datetime.timedelta(days=3))
    DeliverableFactory(initiative=world.initiative, title="もうすぐの成果物", due_on=today + datetime.timedelta(days=7))
    ProgressUpdateFactory(deliverable=world.deliverable, progress=40)
    AgreementFactory(
        municipality=world.agreement.municipality,
        title="まもなく終わる協定",
        status=AgreementStatus.ACTIVE,
        ends_on=today + datetime.timedelta(days=30),
    )
    AgreementFactory(
        municipality=world.agreement.municipality,
        title="動きのない協定",
        status=AgreementStatus.ACTIVE,
        dormant_since=today - datetime.timedelta(days=200),
    )
    Notice.objects.create(recipient=approver, kind="report_submitted", key="k", params={"title": "申請フォーム"})

    page = login(approver).get(url("home")).content.decode()

    for text in ("遅れている成果物", "もうすぐの成果物", "申請フォームの公開", "まもなく終わる協定", "動きのない協定"):
        assert text in page
    assert "Progress report to review: 申請フォーム" in page
    assert "大東市の協定" not in page


def test_partner_lands_on_partner_workspace(login, partner, world):
    response = login(partner).get(url("home"))
    assert response.status_code == 302 and response["Location"] == url("partner")


def test_user_without_membership_is_told_what_to_do(login, db):
    from tests.factories import UserFactory

    response = login(UserFactory()).get(url("home"))
    assert response.status_code == 200
    assert b"does not belong to a municipality" in response.content


def test_agreement_list_shows_every_state_of_own_municipality_only(login, viewer, world):
    AgreementFactory(municipality=world.agreement.municipality, title="締結中の協定", status=AgreementStatus.ACTIVE)
    page = login(viewer).get(url("agreements")).content.decode()
    assert "四條畷市とパートナーの包括連携協定" in page and "締結中の協定" in page
    assert "大東市の協定" not in page
    filtered = login(viewer).get(url("agreements"), {"status": "active"}).content.decode()
    assert "締結中の協定" in filtered and "四條畷市とパートナーの包括連携協定" not in filtered


def test_editor_logs_an_agreement_as_a_draft(login, editor, city):
    response = login(editor).post(
        url("agreement-create"),
        {
            "kind": "comprehensive",
            "title": "新しい協定",
            "signed_on": "2025-04-01",
            "starts_on": "2025-04-01",
            "ends_on": "2028-03-31",
            "municipal_cost_jpy": "0",
            "fields": [cooperation_field("childcare").pk],
        },
    )
    agreement = Agreement.objects.get(title="新しい協定")
    assert response.status_code == 302 and response["Location"] == url("agreement", agreement.public_id)
    assert agreement.public_id == "272299-2025-001" and agreement.status == AgreementStatus.DRAFT
    assert list(agreement.fields.values_list("code", flat=True)) == ["childcare"]
    assert agreement.history.first().history_user == editor


def test_agreement_form_says_what_to_fix_next_to_the_field(login, editor, city):
    response = login(editor).post(
        url("agreement-create"),
        {
            "kind": "comprehensive",
            "title": "",
            "starts_on": "2025-04-01",
            "ends_on": "2024-03-31",
            "auto_renewal": "on",
            "municipal_cost_jpy": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["title"] == ["This field is required."]
    assert errors["ends_on"] == ["The end date must not be before the start date."]
    assert errors["renewal_term_months"] == ["Give the renewal term of an agreement that renews automatically."]
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'id="id_ends_on_error"' in page
    assert not Agreement.objects.exists()


def test_editor_changes_an_agreement(login, editor, world):
    client = login(editor)
    form = client.get(url("agreement-edit", world.agreement.public_id)).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="変更後の協定", fields=[cooperation_field("education").pk], kind="comprehensive")
    data.pop("parent", None)
    data.pop("department", None)
    data["auto_renewal"] = ""
    for name in ("signed_on", "starts_on", "ends_on"):
        data[name] = data[name].isoformat()
    response = client.post(url("agreement-edit", world.agreement.public_id), data)
    assert response.status_code == 302, response.context["form"].errors
    world.agreement.refresh_from_db()
    assert world.agreement.title == "変更後の協定"


def test_lifecycle_negotiate_activate_terminate(login, editor, city):
    agreement = AgreementFactory(municipality=city, signed_on=None, starts_on=None)
    client = login(editor)
    client.post(url("agreement-negotiate", agreement.public_id))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.NEGOTIATING

    missing = client.post(url("agreement-activate", agreement.public_id), {"signed_on": ""})
    assert missing.context["form"].errors["signed_on"] == ["This field is required."]
    client.post(url("agreement-activate", agreement.public_id), {"signed_on": "2025-06-01"})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE and agreement.signed_on == datetime.date(2025, 6, 1)

    assert client.get(url("agreement-terminate", agreement.public_id)).status_code == 200  # the confirmation
    client.post(url("agreement-terminate", agreement.public_id))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED


def test_an_impossible_move_is_a_message_not_a_crash(login, editor, city):
    agreement = AgreementFactory(municipality=city, status=AgreementStatus.TERMINATED)
    response = login(editor).post(url("agreement-negotiate", agreement.public_id), follow=True)
    assert "cannot move from Terminated to Negotiating" in response.content.decode()


def test_approver_publishes_and_unpublishes(login, approver, world):
    client = login(approver)
    ready_to_publish(world.agreement)
    page = client.get(url("agreement", world.agreement.public_id)).content.decode()
    assert url("agreement-publish", world.agreement.public_id) in page
    client.post(url("agreement-publish", world.agreement.public_id))
    world.agreement.refresh_from_db()
    assert world.agreement.published
    client.post(url("agreement-unpublish", world.agreement.public_id))
    world.agreement.refresh_from_db()
    assert not world.agreement.published


def test_draft_is_deleted_after_confirmation(login, editor, city):
    agreement = AgreementFactory(municipality=city)
    client = login(editor)
    assert b"Delete the draft" in client.get(url("agreement-delete", agreement.public_id)).content
    response = client.post(url("agreement-delete", agreement.public_id))
    assert response.status_code == 302 and not Agreement.objects.filter(pk=agreement.pk).exists()


def test_editor_adds_party_initiative_deliverable_and_kpi(login, editor, city):
    agreement = AgreementFactory(municipality=city)
    company = OrganizationFactory(name="株式会社あたらしい")
    client = login(editor)
    public_id = agreement.public_id

    search = client.get(url("record-create", public_id, "parties"), {"q": "あたらしい"}).content.decode()
    assert "株式会社あたらしい" in search
    client.post(url("record-create", public_id, "parties"), {"organization": company.pk, "role": "lead_partner"})
    assert Party.objects.get(agreement=agreement).organization == company

    client.post(url("record-create", public_id, "initiatives"), {"title": "窓口の混雑解消", "status": "planned"})
    initiative = Initiative.objects.get(agreement=agreement)
    assert initiative.municipal_cost_jpy is None  # left empty: unknown, never taken for 0 (zero-budget)

    response = client.post(
        url("record-create", public_id, "deliverables"),
        {
            "initiative": initiative.pk,
            "title": "予約システム",
            "responsible": company.pk,
            "due_on": "2026-03-31",
            "status": "scheduled",
            "progress": "0",
            "weight": "1",
        },
    )
    assert response.status_code == 302
    assert Deliverable.objects.get(initiative=initiative).responsible == company

    response = client.post(
        url("record-create", public_id, "indicators"),
        {
            "code": "KPI-1",
            "name": "待ち時間",
            "unit": "分",
            "direction": "lower",
            "baseline_value": "40",
            "baseline_period_start": "2024-04-01",
            "baseline_period_end": "2025-03-31",
            "target_value": "10",
            "target_on": "2027-03-31",
            "frequency": "annual",
            "reporter": company.pk,
        },
    )
    assert response.status_code == 302
    assert OutcomeIndicator.objects.get(agreement=agreement).reporter == company


def test_record_errors_say_what_to_fix(login, editor, world, city):
    """A responsible organization must be a party; a KPI's target must improve on its baseline; an
    organization is a party only once."""
    outsider = OrganizationFactory(name="協定外の会社")
    client = login(editor)
    public_id = world.agreement.public_id
    response = client.post(
        url("record-create", public_id, "deliverables"),
        {
            "initiative": world.initiative.pk,
            "title": "x",
            "responsible": outsider.pk,
            "status": "scheduled",
            "progress": "0",
            "weight": "1",
        },
    )
    assert "Select a valid choice" in response.context["form"].errors["responsible"][0]

    response = client.post(
        url("record-create", public_id, "indicators"),
        {
            "code": "KPI-2",
            "name": "日数",
            "unit": "日",
            "direction": "lower",
            "baseline_value": "10",
            "baseline_period_start": "2024-04-01",
            "baseline_period_end": "2025-03-31",
            "target_value": "20",
            "target_on": "2027-03-31",
            "frequency": "annual",
        },
    )
    assert response.context["form"].errors["target_value"] == [
        "Lower is better: the target must be below the baseline."
    ]

    party = Party.objects.get(agreement=world.agreement)
    response = client.post(
        url("record-create", public_id, "parties"), {"organization": party.organization_id, "role": "partner"}
    )
    assert response.context["form"].errors["organization"] == ["This organization is already a party to the agreement."]


def test_editor_edits_and_deletes_records(login, editor, world):
    client = login(editor)
    public_id = world.agreement.public_id
    edit = client.get(url("record-edit", public_id, "deliverables", world.deliverable.pk))
    assert edit.status_code == 200
    client.post(
        url("record-edit", public_id, "deliverables", world.deliverable.pk),
        {
            "initiative": world.initiative.pk,
            "title": "改名した成果物",
            "responsible": world.deliverable.responsible_id,
            "due_on": "2030-03-31",
            "status": "in_progress",
            "progress": "30",
            "weight": "2",
        },
    )
    world.deliverable.refresh_from_db()
    assert world.deliverable.title == "改名した成果物" and world.deliverable.progress == 30

    client.post(url("record-delete", public_id, "indicators", world.indicator.pk))
    assert not OutcomeIndicator.objects.filter(pk=world.indicator.pk).exists()


def test_officer_value_is_accepted_at_once(login, editor, world):
    response = login(editor).post(
        url("measurement-create", world.agreement.public_id, world.indicator.pk),
        {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "9.5", "measured_by": "city"},
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=world.indicator)
    assert measurement.review_status == "accepted" and measurement.value == Decimal("9.5")


def test_measurement_for_a_taken_period_is_refused_with_a_reason(login, editor, world):
    client = login(editor)
    data = {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "9", "measured_by": "city"}
    client.post(url("measurement-create", world.agreement.public_id, world.indicator.pk), data)
    response = client.post(url("measurement-create", world.agreement.public_id, world.indicator.pk), data)
    assert "already has a value for 2025-04-01 – 2026-03-31" in response.content.decode()


def test_editor_registers_an_organization_and_returns_to_the_party_form(login, editor, world):
    back = url("record-create", world.agreement.public_id, "parties")
    response = login(editor).post(
        url("organization-create") + f"?next={back}",
        {"name": "新しいNPO", "kind": "npo", "corporate_number": ""},
    )
    assert response.status_code == 302 and response["Location"].startswith(back + "?q=")
