"""Each rule a page used to restate now lives in one service, and gives the same answer on every door:
the workspace page, the API and the service itself refuse the same user, and a refused write changes
nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agreements import services
from agreements.models import Measurement, ProgressUpdate
from partnerships.models import Role
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MembershipFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_viewer(organization):
    """A user of the partner organization with the viewer role only: may read, may not report."""
    user = UserFactory(username="partner-viewer")
    MembershipFactory(user=user, municipality=None, organization=organization, role=Role.VIEWER)
    return user


@pytest.fixture
def records(city, organization):
    agreement = AgreementFactory(municipality=city, status="active")
    PartyFactory(agreement=agreement, organization=organization)
    deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    return deliverable, indicator


def test_only_editors_of_the_responsible_organization_report_progress_on_every_door(records, partner_viewer, client):
    deliverable, _indicator = records
    client.force_login(partner_viewer)

    page = client.post(
        reverse("workspace:report-progress", kwargs={"pk": deliverable.pk}), {"progress": 50, "status": "in_progress"}
    )
    api = client_for(partner_viewer).post(
        "/api/v1/progress-updates/",
        {"deliverable": deliverable.pk, "progress": 50, "status": "in_progress"},
        format="json",
    )
    with pytest.raises(PermissionDenied):
        services.progress_update_submit(deliverable=deliverable, by=partner_viewer, progress=50, status="in_progress")

    assert page.status_code == 403 and api.status_code == 403
    assert not ProgressUpdate.objects.exists()
    assert services.is_partner_editor(partner_viewer, deliverable.responsible_id) is False


def test_only_editors_of_the_reporting_organization_report_values_on_every_door(records, partner_viewer, client):
    _deliverable, indicator = records
    client.force_login(partner_viewer)
    data = {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "3", "measured_by": "partner"}

    page = client.post(reverse("workspace:report-measurement", kwargs={"pk": indicator.pk}), data)
    api = client_for(partner_viewer).post("/api/v1/measurements/", {"indicator": indicator.pk, **data}, format="json")

    assert page.status_code == 403 and api.status_code == 403
    assert not Measurement.objects.exists()


def test_only_approvers_review_reports_on_every_door(records, partner, editor, client):
    deliverable, _indicator = records
    update = ProgressUpdateFactory(deliverable=deliverable, submitted_by=partner, progress=80)
    client.force_login(editor)

    page = client.post(reverse("workspace:review-progress", kwargs={"pk": update.pk}), {"action": "accept"})
    api = client_for(editor).post(f"/api/v1/progress-updates/{update.pk}/accept/", {}, format="json")
    with pytest.raises(PermissionDenied):
        services.progress_update_accept(update=update, by=editor)

    assert page.status_code == 403 and api.status_code == 403
    update.refresh_from_db()
    deliverable.refresh_from_db()
    assert update.review_status == "pending" and deliverable.progress != 80
