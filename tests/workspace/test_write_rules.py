"""The workspace pages give the services' answers as form errors (issue 10): a second report while one
waits for review, a partner's value measured "by the city", implausible dates; and the agreement page
offers deletion exactly when the service would allow it."""

import pytest
from django.urls import reverse

from agreements.models import Agreement, Measurement, ProgressUpdate
from tests.factories import AgreementFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def test_a_second_report_while_one_waits_is_a_form_error(login, partner, world):
    waiting = ProgressUpdateFactory(deliverable=world.deliverable, progress=40, submitted_by=partner)

    response = login(partner).post(
        url("report-progress", world.deliverable.pk), {"progress": "60", "status": "in_progress", "note": "進捗"}
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "A report on this deliverable is already waiting for review; the municipality accepts or returns it "
        "before another can be sent."
    ]
    assert list(ProgressUpdate.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_a_double_submit_of_the_report_page_stores_one_report(login, partner, world):
    client = login(partner)
    form = {"progress": "60", "status": "in_progress", "note": "進捗"}

    first = client.post(url("report-progress", world.deliverable.pk), form)
    second = client.post(url("report-progress", world.deliverable.pk), form)

    assert (first.status_code, second.status_code) == (302, 200)
    assert ProgressUpdate.objects.filter(deliverable=world.deliverable).count() == 1


def test_a_forged_city_measured_value_gets_the_service_s_message(login, partner, world):
    """The select never offers "city" to a partner; a forged POST gets the same answer as the API."""
    response = login(partner).post(
        url("report-measurement", world.indicator.pk),
        {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "5", "measured_by": "city"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["measured_by"] == [
        "A partner's value is measured by the partner or by an independent party, not by the municipality."
    ]
    assert not Measurement.objects.exists()


def test_the_partner_s_select_offers_no_city(login, partner, world):
    form = login(partner).get(url("report-measurement", world.indicator.pk)).context["form"]
    assert [value for value, _label in form.fields["measured_by"].widget.choices] == ["", "partner", "independent"]


def test_an_implausible_date_is_a_form_error(login, partner, world):
    response = login(partner).post(
        url("report-progress", world.deliverable.pk),
        {"progress": "100", "status": "met", "met_on": "0001-01-01", "note": ""},
    )
    assert response.context["form"].errors["met_on"] == ["Enter a date between the years 1950 and 2100."]
    assert not ProgressUpdate.objects.exists()


def test_the_delete_button_follows_the_service_s_rule(login, editor, city):
    """A draft with individual agreements under it is not offered for deletion (the service refuses it)."""
    parent = AgreementFactory(municipality=city, title="包括協定")
    lone = AgreementFactory(municipality=city, title="単独の下書き")
    client = login(editor)
    assert client.get(url("agreement", lone.public_id)).context["can_delete"]
    AgreementFactory(municipality=city, kind="individual", parent=parent)

    assert not client.get(url("agreement", parent.public_id)).context["can_delete"]
    response = client.post(url("agreement-delete", parent.public_id))
    assert response.status_code == 302
    assert Agreement.objects.filter(pk=parent.pk).exists()
