"""The admin writes through agreements.services (issue 10, item 13): the same rule as the API and the
pages for deleting agreements and records, for the public id, for measurements. A refusal is an admin
error message and nothing is deleted or saved."""

import datetime

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.utils import timezone

from agreements.models import Agreement, Measurement, Party
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
)

from .conftest import admin_url, form_data

pytestmark = pytest.mark.django_db
REFUSED = "Only an unpublished draft can be deleted; terminate or unpublish the agreement instead."


def messages_of(response):
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def active(city, **kwargs):
    """An active, unpublished agreement: the API refuses to delete it; the admin used to delete it."""
    agreement = AgreementFactory(municipality=city, **kwargs)
    Agreement.objects.filter(pk=agreement.pk).update(status="active")
    return Agreement.objects.get(pk=agreement.pk)


# --- deleting agreements ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "approver", "admin_user"])
def test_an_active_agreement_is_not_deleted_from_its_page(login, city, request, who):
    """The confirmation POST (as the delete page sends it) gets the service's refusal as a message."""
    agreement = active(city)
    client = login(request.getfixturevalue(who))

    response = client.post(admin_url(Agreement, "delete", agreement.pk), {"post": "yes"})

    assert response.status_code == 302
    assert response.url == admin_url(Agreement, "change", agreement.pk)
    assert messages_of(response) == [(ERROR, REFUSED)]
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_the_delete_page_of_a_refused_agreement_says_why_at_once(login, editor, city):
    agreement = active(city)
    client = login(editor)

    response = client.get(admin_url(Agreement, "delete", agreement.pk))
    change_page = client.get(admin_url(Agreement, "change", agreement.pk))

    assert response.status_code == 302 and messages_of(response) == [(ERROR, REFUSED)]
    assert not change_page.context["show_delete"]  # no Delete button for what would be refused


def test_a_published_draft_is_not_deleted_even_by_an_approver(login, approver, city):
    """The admin let approvers delete a published agreement; the API never did. One rule now."""
    agreement = AgreementFactory(municipality=city, published=True, published_at=timezone.now())

    response = login(approver).post(admin_url(Agreement, "delete", agreement.pk), {"post": "yes"})

    assert messages_of(response) == [(ERROR, REFUSED)]
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_a_draft_is_deleted_by_an_editor_through_the_service(login, editor, city):
    draft = AgreementFactory(municipality=city)
    client = login(editor)
    assert client.get(admin_url(Agreement, "change", draft.pk)).context.get("show_delete", True)

    response = client.post(admin_url(Agreement, "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 302 and response.url == admin_url(Agreement, "changelist")
    assert not Agreement.objects.filter(pk=draft.pk).exists()
    assert draft.history.filter(history_type="-").get().history_user == editor


def test_a_viewer_may_not_delete_at_all(login, viewer, city):
    draft = AgreementFactory(municipality=city)
    assert login(viewer).post(admin_url(Agreement, "delete", draft.pk), {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=draft.pk).exists()


def test_bulk_delete_deletes_drafts_and_refuses_the_others_one_by_one(login, editor, city):
    draft = AgreementFactory(municipality=city, title="下書き")
    running = active(city, title="締結済み")
    published = AgreementFactory(municipality=city, title="公開中", published=True, published_at=timezone.now())
    client = login(editor)
    selected = {"action": "delete_selected", "_selected_action": [str(a.pk) for a in (draft, running, published)]}

    confirmation = client.post(admin_url(Agreement, "changelist"), selected)
    response = client.post(admin_url(Agreement, "changelist"), selected | {"post": "yes"})

    assert confirmation.status_code == 200  # Django's confirmation page first
    assert sorted(messages_of(response)) == sorted(
        [
            (ERROR, f"{running}: {REFUSED}"),
            (ERROR, f"{published}: {REFUSED}"),
            (SUCCESS, "Successfully deleted 1 agreement."),
        ]
    )
    assert set(Agreement.objects.values_list("title", flat=True)) == {"締結済み", "公開中"}
    assert draft.history.filter(history_type="-").get().history_user == editor


# --- creating and changing agreements ------------------------------------------------------------------


def test_an_agreement_added_in_the_admin_gets_the_service_s_id_even_after_a_gap(login, editor, city):
    """The admin's own copy of the id loop is gone: agreement_create numbers after the highest id."""
    AgreementFactory(municipality=city, public_id="272299-2024-007")
    client = login(editor)
    data = form_data(client.get(admin_url(Agreement, "add")), municipality=str(city.pk), kind="other", title="追加")
    data["signed_on"] = "2024-10-01"

    response = client.post(admin_url(Agreement, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Agreement.objects.get(title="追加")
    assert (created.public_id, created.created_by, created.status) == ("272299-2024-008", editor, "draft")
    assert created.history.get().history_user == editor


def test_an_implausible_date_is_a_form_error_in_the_admin(login, editor, city):
    client = login(editor)
    data = form_data(client.get(admin_url(Agreement, "add")), municipality=str(city.pk), kind="other", title="未来")
    data["signed_on"] = "2999-01-01"

    response = client.post(admin_url(Agreement, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["signed_on"] == ["Enter a date between the years 1950 and 2100."]
    assert not Agreement.objects.filter(title="未来").exists()


# --- records in inlines -------------------------------------------------------------------------------


def test_removing_a_responsible_party_in_the_inline_is_refused_and_nothing_is_saved(login, editor, city):
    """agreement_record_delete refuses to remove a party still responsible for a deliverable; the rest of
    the same form (a new title) is not saved either."""
    agreement = AgreementFactory(municipality=city, title="元の題名")
    organization = OrganizationFactory()
    party = PartyFactory(agreement=agreement, organization=organization)
    DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)
    client = login(editor)
    data = form_data(client.get(admin_url(Agreement, "change", agreement.pk)), title="新しい題名")
    data["parties-0-DELETE"] = "on"

    response = client.post(admin_url(Agreement, "change", agreement.pk), data)

    assert response.status_code == 302 and response.url == admin_url(Agreement, "change", agreement.pk)
    assert messages_of(response) == [
        (ERROR, "This organization is responsible for deliverables of the agreement; reassign them first.")
    ]
    assert Party.objects.filter(pk=party.pk).exists()
    assert Agreement.objects.get(pk=agreement.pk).title == "元の題名"


@pytest.fixture
def partner_value(city, organization, partner):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    return MeasurementFactory(
        indicator=indicator,
        measured_by="partner",
        review_status="pending",
        reported_by=partner,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
    )


def test_an_editor_cannot_verify_a_partner_s_value_in_the_admin(login, editor, partner_value):
    client = login(editor)
    url = admin_url(Measurement, "change", partner_value.pk)
    data = form_data(client.get(url), verified="on")

    response = client.post(url, data)

    assert messages_of(response) == [(ERROR, "Only approvers of the municipality verify a value.")]
    assert Measurement.objects.get(pk=partner_value.pk).verified is False


def test_nor_in_the_indicator_s_inline(login, editor, partner_value):
    client = login(editor)
    url = admin_url(type(partner_value.indicator), "change", partner_value.indicator_id)
    data = form_data(client.get(url))
    data["measurements-0-verified"] = "on"

    client.post(url, data)

    assert Measurement.objects.get(pk=partner_value.pk).verified is False


def test_a_value_added_in_the_indicator_s_inline_is_recorded_by_the_service(login, editor, partner_value):
    client = login(editor)
    url = admin_url(type(partner_value.indicator), "change", partner_value.indicator_id)
    data = form_data(client.get(url))
    data.update(
        {
            "measurements-TOTAL_FORMS": "2",
            "measurements-1-period_start": "2026-04-01",
            "measurements-1-period_end": "2027-03-31",
            "measurements-1-value": "4",
            "measurements-1-measured_by": "city",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    added = Measurement.objects.get(period_start=datetime.date(2026, 4, 1))
    assert (added.reported_by, added.review_status) == (editor, "accepted")
