"""Admin actions change status, publication and reviews only through agreements.services, by role."""

import datetime

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages

from agreements.models import Agreement, Measurement, ProgressUpdate
from partnerships.models import Role
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
    ready_to_publish,
)

from .conftest import admin_url

pytestmark = pytest.mark.django_db


def run_action(client, model, action, objects, **extra):
    """POST a changelist action on these objects, as the changelist's action form does."""
    data = {"action": action, "index": "0", "_selected_action": [str(o.pk) for o in objects], **extra}
    return client.post(admin_url(model, "changelist"), data)


def messages_of(response):
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def action_names(client, model):
    form = client.get(admin_url(model, "changelist")).context["action_form"]
    return set() if form is None else {name for name, _label in form.fields["action"].choices if name}


# --- agreement lifecycle and publication ----------------------------------------------------------


def test_editor_is_not_offered_publication(login, editor, agreement):
    """An editor gets the lifecycle actions but not publish / unpublish."""
    names = action_names(login(editor), Agreement)

    assert {"start_negotiation", "activate", "terminate"} <= names
    assert not {"publish", "unpublish"} & names


def test_editor_cannot_publish(login, editor, agreement):
    """Posting the publish action anyway leaves the agreement unpublished."""
    response = run_action(login(editor), Agreement, "publish", [agreement])

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.published is False


def test_approver_publishes_and_unpublishes(login, approver, agreement):
    """An approver publishes (with a date) and withdraws an agreement, through the services."""
    client = login(approver)
    ready_to_publish(agreement)

    published = run_action(client, Agreement, "publish", [agreement])
    agreement.refresh_from_db()
    assert agreement.published is True
    assert agreement.published_at is not None
    assert agreement.history.latest().history_user == approver
    assert (SUCCESS, "1 agreement is published.") in messages_of(published)

    run_action(client, Agreement, "unpublish", [agreement])
    agreement.refresh_from_db()
    assert (agreement.published, agreement.published_at) == (False, None)


def test_publication_fails_per_agreement_where_the_user_is_not_approver(login, approver, other_city, agreement):
    """Approver here, editor there: one agreement is published, the other gets its own error message."""
    MembershipFactory(user=approver, municipality=other_city, role=Role.EDITOR)
    elsewhere = ready_to_publish(AgreementFactory(municipality=other_city))
    ready_to_publish(agreement)

    response = run_action(login(approver), Agreement, "publish", [agreement, elsewhere])

    agreement.refresh_from_db()
    elsewhere.refresh_from_db()
    assert agreement.published is True
    assert elsewhere.published is False
    errors = [text for level, text in messages_of(response) if level == ERROR]
    assert len(errors) == 1
    assert errors[0].startswith(str(elsewhere))


def test_other_city_approver_cannot_publish_by_posting_ids(login, other_editor, agreement):
    """Ids of another city's agreements are outside the action's queryset: nothing happens."""
    run_action(login(other_editor), Agreement, "publish", [agreement])

    agreement.refresh_from_db()
    assert agreement.published is False


def test_editor_moves_an_agreement_through_its_lifecycle(login, editor, city):
    """draft → negotiating → active → terminated, each through its service."""
    agreement = AgreementFactory(municipality=city)
    client = login(editor)

    for action, status in [("start_negotiation", "negotiating"), ("activate", "active"), ("terminate", "terminated")]:
        run_action(client, Agreement, action, [agreement])
        agreement.refresh_from_db()
        assert agreement.status == status


def test_a_refused_transition_is_reported_and_changes_nothing(login, editor, city):
    """Activating an unsigned agreement is refused by the model's rules, with a message naming it."""
    unsigned = AgreementFactory(municipality=city, signed_on=None, starts_on=None)

    response = run_action(login(editor), Agreement, "activate", [unsigned])

    unsigned.refresh_from_db()
    assert unsigned.status == "draft"
    [(level, text)] = messages_of(response)
    assert level == ERROR
    assert text.startswith(unsigned.public_id)


def test_viewer_gets_no_lifecycle_action(login, viewer, agreement):
    """A viewer may run no action at all; posting one changes nothing."""
    client = login(viewer)

    assert action_names(client, Agreement) == set()
    run_action(client, Agreement, "start_negotiation", [agreement])
    agreement.refresh_from_db()
    assert agreement.status == "draft"


# --- partners' progress updates --------------------------------------------------------------------


@pytest.fixture
def report(agreement, partner, organization):
    """A partner's pending progress update on a deliverable of 四條畷市's agreement."""
    PartyFactory(agreement=agreement, organization=organization)
    deliverable = DeliverableFactory(initiative__agreement=agreement, responsible=organization)
    return ProgressUpdateFactory(deliverable=deliverable, progress=80, status="in_progress", submitted_by=partner)


def test_approver_accepts_a_progress_update(login, approver, report):
    """Accepting makes the report the deliverable's state."""
    run_action(login(approver), ProgressUpdate, "accept", [report])

    report.refresh_from_db()
    report.deliverable.refresh_from_db()
    assert report.review_status == "accepted"
    assert report.reviewed_by == approver
    assert report.deliverable.progress == 80


def test_editor_cannot_review(login, editor, report):
    """Editors see reports but neither accept nor return them."""
    client = login(editor)

    assert action_names(client, ProgressUpdate) == set()
    run_action(client, ProgressUpdate, "accept", [report])
    report.refresh_from_db()
    assert report.review_status == "pending"


def test_progress_updates_are_read_only_in_the_admin(login, approver, report):
    """A report changes only by review: no add form, and the change form is read-only even for approvers."""
    client = login(approver)

    assert client.get(admin_url(ProgressUpdate, "add")).status_code == 403
    assert client.get(admin_url(ProgressUpdate, "change", report.pk)).context["has_change_permission"] is False


def test_return_asks_for_a_comment_first(login, approver, report):
    """The return action shows an intermediate page with a comment field; nothing is returned yet."""
    response = run_action(login(approver), ProgressUpdate, "return_with_comment", [report])

    assert response.status_code == 200
    assert "admin/agreements/return_with_comment.html" in [t.name for t in response.templates]
    assert str(report) in response.content.decode()
    report.refresh_from_db()
    assert report.review_status == "pending"


def test_return_without_a_comment_is_refused(login, approver, report):
    """An empty comment shows the page again with an error."""
    response = run_action(login(approver), ProgressUpdate, "return_with_comment", [report], apply="1", comment=" ")

    assert response.status_code == 200
    assert response.context["form"].errors
    report.refresh_from_db()
    assert report.review_status == "pending"


def test_return_with_a_comment(login, approver, report):
    """With a comment the report goes back to the partner carrying it."""
    response = run_action(
        login(approver),
        ProgressUpdate,
        "return_with_comment",
        [report],
        apply="1",
        comment="証拠資料を添付してください",
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.review_status, report.review_comment) == ("returned", "証拠資料を添付してください")


def test_an_already_reviewed_report_gets_an_error(login, approver, report):
    """Accepting twice: the second time the service refuses, and the admin says so."""
    client = login(approver)
    run_action(client, ProgressUpdate, "accept", [report])

    response = run_action(client, ProgressUpdate, "accept", [report])

    errors = [text for level, text in messages_of(response) if level == ERROR]
    assert errors == [f"{report}: This report has already been reviewed."]


# --- measurements ----------------------------------------------------------------------------------


@pytest.fixture
def partner_measurement(agreement, partner):
    """A partner's measurement waiting for review."""
    organization = OrganizationFactory()
    PartyFactory(agreement=agreement, organization=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    return MeasurementFactory(indicator=indicator, measured_by="partner", review_status="pending", reported_by=partner)


def test_approver_accepts_and_returns_measurements(login, approver, partner_measurement, agreement):
    """Accept and return of measurements go through the services; return carries the comment."""
    other = MeasurementFactory(
        indicator=partner_measurement.indicator,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
        review_status="pending",
    )
    client = login(approver)

    run_action(client, Measurement, "accept", [partner_measurement])
    run_action(client, Measurement, "return_with_comment", [other], apply="1", comment="算出方法を記載してください")

    partner_measurement.refresh_from_db()
    other.refresh_from_db()
    assert partner_measurement.review_status == "accepted"
    assert (other.review_status, other.review_comment) == ("returned", "算出方法を記載してください")


def test_officer_records_a_measurement_as_reporter(login, editor, agreement):
    """A measurement added in the admin is the officer's: accepted, reported by them."""
    indicator = OutcomeIndicatorFactory(agreement=agreement)
    client = login(editor)
    data = {
        "indicator": indicator.pk,
        "period_start": "2024-04-01",
        "period_end": "2025-03-31",
        "value": "7",
        "measured_by": "city",
    }

    response = client.post(admin_url(Measurement, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.reported_by, measurement.review_status) == (editor, "accepted")
