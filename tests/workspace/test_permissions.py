"""Trying to break every rule of the workspaces: each page refuses whoever it is not for.

Another municipality's agreement is a 404 (its existence is not revealed); a role too low for a page
is a 403 page that says why; the services refuse too, so a forged POST changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, Deliverable, Measurement, ProgressUpdate
from tests.factories import MeasurementFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


OFFICER_PAGES = ["home", "agreements", "agreement-create", "review", "imports"]


def officer_record_pages(world):
    """Every officer page under an agreement, as (method, url)."""
    pid = world.agreement.public_id
    return [
        ("get", url("agreement", pid)),
        ("get", url("agreement-edit", pid)),
        ("get", url("agreement-delete", pid)),
        ("post", url("agreement-negotiate", pid)),
        ("get", url("agreement-activate", pid)),
        ("get", url("agreement-terminate", pid)),
        ("post", url("agreement-publish", pid)),
        ("post", url("agreement-unpublish", pid)),
        ("get", url("record-create", pid, "parties")),
        ("get", url("record-create", pid, "initiatives")),
        ("get", url("record-create", pid, "deliverables")),
        ("get", url("record-create", pid, "indicators")),
        ("get", url("record-edit", pid, "deliverables", world.deliverable.pk)),
        ("get", url("record-delete", pid, "deliverables", world.deliverable.pk)),
        ("get", url("measurement-create", pid, world.indicator.pk)),
    ]


def test_anonymous_users_are_sent_to_log_in(client, world):
    for name in [*OFFICER_PAGES, "partner", "partner-reports"]:
        response = client.get(url(name))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("name", [*OFFICER_PAGES, "agreements"])
def test_partner_cannot_open_officer_pages(login, partner, world, name):
    response = login(partner).get(url(name))
    if name == "home":  # a partner's home is the partner workspace
        assert response.status_code == 302 and response["Location"] == url("partner")
    else:
        assert response.status_code == 403, name
        assert b"for municipal officers" in response.content


def test_partner_cannot_open_any_page_of_an_agreement_even_its_own(login, partner, world):
    client = login(partner)
    for method, address in officer_record_pages(world):
        assert getattr(client, method)(address).status_code == 403, address


def test_officer_cannot_open_another_municipalitys_pages(login, other_editor, world):
    """other_editor is an approver of 大東市: every page of 四條畷市's agreement is a 404, and nothing changes."""
    client = login(other_editor)
    for method, address in officer_record_pages(world):
        assert getattr(client, method)(address).status_code == 404, address
    world.agreement.refresh_from_db()
    assert not world.agreement.published and world.agreement.status == "draft"


def test_officer_cannot_post_into_another_municipalitys_agreement(login, other_editor, world):
    pid = world.agreement.public_id
    response = login(other_editor).post(
        url("record-create", pid, "initiatives"), {"title": "侵入", "status": "planned", "municipal_cost_jpy": "0"}
    )
    assert response.status_code == 404
    assert not world.agreement.initiatives.filter(title="侵入").exists()


def test_officer_cannot_review_another_municipalitys_reports(login, other_editor, world, partner):
    update = ProgressUpdateFactory(deliverable=world.deliverable, submitted_by=partner)
    measurement = MeasurementFactory(indicator=world.indicator, review_status="pending", measured_by="partner")
    client = login(other_editor)
    assert client.get(url("review-progress", update.pk)).status_code == 404
    assert client.post(url("review-progress", update.pk), {"action": "accept"}).status_code == 404
    assert client.post(url("review-measurement", measurement.pk), {"action": "accept"}).status_code == 404
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "pending"
    assert b"\xe7\x94\xb3\xe8\xab\x8b" not in client.get(url("review")).content  # 申請 (the deliverable) not listed


def test_viewer_sees_but_cannot_change(login, viewer, world, partner):
    client = login(viewer)
    page = client.get(url("agreement", world.agreement.public_id)).content.decode()
    assert world.agreement.title in page
    assert url("agreement-edit", world.agreement.public_id) not in page
    assert url("agreement-publish", world.agreement.public_id) not in page
    assert url("record-create", world.agreement.public_id, "parties") not in page
    for method, address in officer_record_pages(world)[1:]:
        response = getattr(client, method)(address)
        assert response.status_code == 403, address
    forged = client.post(
        url("record-create", world.agreement.public_id, "initiatives"),
        {"title": "閲覧者の変更", "status": "planned"},
    )
    assert forged.status_code == 403
    assert not world.agreement.initiatives.filter(title="閲覧者の変更").exists()
    assert client.get(url("imports")).status_code == 403
    update = ProgressUpdateFactory(deliverable=world.deliverable, submitted_by=partner)
    assert client.get(url("review-progress", update.pk)).status_code == 200  # may read the report
    assert client.post(url("review-progress", update.pk), {"action": "accept"}).status_code == 403


def test_editor_cannot_publish_nor_sees_the_button(login, editor, world):
    client = login(editor)
    page = client.get(url("agreement", world.agreement.public_id)).content.decode()
    assert url("agreement-publish", world.agreement.public_id) not in page
    assert "Publishing needs the approver role." in page
    response = client.post(url("agreement-publish", world.agreement.public_id))
    assert response.status_code == 403 and b"approver" in response.content
    assert not Agreement.objects.get(pk=world.agreement.pk).published


def test_editor_cannot_unpublish(login, editor, world):
    Agreement.objects.filter(pk=world.agreement.pk).update(published=True, published_at=timezone.now())
    assert login(editor).post(url("agreement-unpublish", world.agreement.public_id)).status_code == 403
    assert Agreement.objects.get(pk=world.agreement.pk).published


def test_editor_cannot_accept_or_return(login, editor, world, partner):
    update = ProgressUpdateFactory(deliverable=world.deliverable, submitted_by=partner)
    measurement = MeasurementFactory(indicator=world.indicator, review_status="pending", measured_by="partner")
    client = login(editor)
    page = client.get(url("review-progress", update.pk)).content.decode()
    assert 'value="accept"' not in page and "Waiting for an approver" in page
    assert client.post(url("review-progress", update.pk), {"action": "accept"}).status_code == 403
    assert client.post(url("review-progress", update.pk), {"action": "return", "comment": "x"}).status_code == 403
    assert client.post(url("review-measurement", measurement.pk), {"action": "accept"}).status_code == 403
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "pending"
    assert Measurement.objects.get(pk=measurement.pk).review_status == "pending"


def test_partner_cannot_report_on_another_organizations_deliverable(login, partner, world):
    client = login(partner)
    assert client.get(url("report-progress", world.other_deliverable.pk)).status_code == 404
    response = client.post(
        url("report-progress", world.other_deliverable.pk), {"progress": "100", "status": "in_progress"}
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.filter(deliverable=world.other_deliverable).exists()
    assert client.get(url("report-measurement", world.other_indicator.pk)).status_code == 404


def test_partner_cannot_see_another_organizations_reports_or_evidence(login, partner, stranger_partner, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    theirs = ProgressUpdate(
        deliverable=world.other_deliverable, progress=10, status="in_progress", submitted_by=stranger_partner
    )
    theirs.evidence.save("secret.pdf", SimpleUploadedFile("secret.pdf", b"%PDF-1.4 secret"), save=True)
    MeasurementFactory(
        indicator=world.other_indicator,
        review_status="pending",
        reported_by=stranger_partner,
        value=123,
        measured_by="partner",
    )
    client = login(partner)
    assert client.get(url("evidence", theirs.pk)).status_code == 404
    reports = client.get(url("partner-reports")).content.decode()
    assert "secret.pdf" not in reports and url("evidence", theirs.pk) not in reports
    assert world.other_deliverable.title not in reports and "KPI-9" not in reports
    home = client.get(url("partner")).content.decode()
    assert world.other_deliverable.title not in home and "大東市の協定" not in home


def test_evidence_only_for_members(login, partner, stranger_partner, other_editor, viewer, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    update = ProgressUpdate(deliverable=world.deliverable, progress=10, status="in_progress", submitted_by=partner)
    update.evidence.save("proof.pdf", SimpleUploadedFile("proof.pdf", b"%PDF-1.4 proof"), save=True)
    assert login(viewer).get(url("evidence", update.pk)).status_code == 200  # an officer of the municipality
    assert login(partner).get(url("evidence", update.pk)).status_code == 200  # the responsible organization
    assert login(other_editor).get(url("evidence", update.pk)).status_code == 404
    assert login(stranger_partner).get(url("evidence", update.pk)).status_code == 404
    assert Client().get(url("evidence", update.pk)).status_code == 302  # to the login page


def test_partner_viewer_cannot_report(login, partner_viewer, world):
    client = login(partner_viewer)
    page = client.get(url("report-progress", world.deliverable.pk)).content.decode()
    assert "needs the editor role" in page and 'type="file"' not in page
    response = client.post(url("report-progress", world.deliverable.pk), {"progress": "50", "status": "in_progress"})
    assert response.status_code == 403
    response = client.post(
        url("report-measurement", world.indicator.pk),
        {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "5", "measured_by": "partner"},
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists() and not Measurement.objects.exists()


def test_officer_cannot_use_partner_pages(login, approver, world):
    assert login(approver).get(url("partner")).status_code == 403
    assert login(approver).get(url("report-progress", world.deliverable.pk)).status_code == 403


def test_imports_of_another_municipality_are_hidden(login, editor, other_editor, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.models import ImportJob

    job = ImportJob(municipality=world.other_agreement.municipality, original_name="list.csv", created_by=other_editor)
    job.file.save("list.csv", SimpleUploadedFile("list.csv", b"a,b\n"), save=True)
    client = login(editor)
    assert client.get(url("import", job.pk)).status_code == 404
    assert client.get(url("import-status", job.pk)).status_code == 404
    assert client.post(url("import-confirm", job.pk)).status_code == 404
    assert "list.csv" not in client.get(url("imports")).content.decode()


def test_unknown_record_kind_is_404(login, editor, world):
    assert login(editor).get(url("record-create", world.agreement.public_id, "contacts")).status_code == 404
    assert Deliverable.objects.count() == 2


def test_a_record_is_reached_only_through_its_own_agreement(login, editor, world, city):
    """Editing another agreement's deliverable through this agreement's URL is a 404, even in the same city."""
    from tests.factories import AgreementFactory

    sibling = AgreementFactory(municipality=city)
    client = login(editor)
    assert client.get(url("record-edit", sibling.public_id, "deliverables", world.deliverable.pk)).status_code == 404
    assert client.post(url("record-delete", sibling.public_id, "deliverables", world.deliverable.pk)).status_code == 404
    assert client.get(url("measurement-create", sibling.public_id, world.indicator.pk)).status_code == 404
    assert Deliverable.objects.filter(pk=world.deliverable.pk).exists()


def test_superuser_without_membership_is_sent_to_the_admin_rules(login, world):
    """Workspaces follow memberships; a superuser without one is told the page is for officers."""
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert login(root).get(url("agreements")).status_code == 403
