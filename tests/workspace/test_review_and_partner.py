"""The reporting loop: a partner reports progress (with evidence) and values; an approver accepts, or
returns with a comment the partner then reads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from agreements.models import Measurement, ProgressUpdate
from tests.factories import DeliverableFactory, MeasurementFactory, ProgressUpdateFactory

from .conftest import PNG

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def test_partner_home_lists_deliverables_by_due_date_with_late_ones_marked(login, partner, world, organization):
    import datetime

    late = DeliverableFactory(
        initiative=world.initiative, title="遅れた成果物", responsible=organization, due_on=datetime.date(2020, 1, 31)
    )
    DeliverableFactory(
        initiative=world.initiative,
        title="完了した成果物",
        responsible=organization,
        status="met",
        met_on=datetime.date(2024, 1, 1),
        due_on=datetime.date(2024, 1, 31),
    )
    response = login(partner).get(url("partner"))
    rows = response.context["deliverables"].rows
    assert [d.title for d in rows] == [late.title, world.deliverable.title]  # open ones, by due date
    page = response.content.decode()
    assert 'class="is-late"' in page and "late</span>" in page
    assert "完了した成果物" in login(partner).get(url("partner"), {"show": "all"}).content.decode()
    assert world.agreement.title in page and "KPI-1" in page


def test_partner_reports_progress_with_evidence(login, partner, world, approver):
    response = login(partner).post(
        url("report-progress", world.deliverable.pk),
        {
            "progress": "60",
            "status": "in_progress",
            "note": "フォームを試験公開しました",
            "evidence": SimpleUploadedFile("screen.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302 and response["Location"] == url("partner-reports")
    update = ProgressUpdate.objects.get()
    assert update.progress == 60 and update.evidence.name.endswith(".png") and update.submitted_by == partner
    assert approver.notices.filter(kind="report_submitted").exists()
    reports = login(partner).get(url("partner-reports")).content.decode()
    assert "Waiting for review" in reports and url("evidence", update.pk) in reports


def test_evidence_of_the_wrong_type_is_refused_with_the_reason(login, partner, world):
    response = login(partner).post(
        url("report-progress", world.deliverable.pk),
        {
            "progress": "60",
            "status": "in_progress",
            "evidence": SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream"),
        },
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["evidence"]
    assert "File extension “exe” is not allowed" in error and "pdf" in error
    assert not ProgressUpdate.objects.exists()


@override_settings(KYOSO_MAX_UPLOAD_BYTES=100)
def test_evidence_too_large_is_refused_with_the_limit(login, partner, world):
    response = login(partner).post(
        url("report-progress", world.deliverable.pk),
        {"progress": "60", "status": "in_progress", "evidence": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 200)},
    )
    assert response.context["form"].errors["evidence"] == ["The file is 0.0 MB; the limit is 0.0 MB."]
    assert not ProgressUpdate.objects.exists()


def test_progress_over_100_says_so(login, partner, world):
    response = login(partner).post(url("report-progress", world.deliverable.pk), {"progress": "120", "status": "met"})
    assert response.context["form"].errors["progress"] == ["Ensure this value is less than or equal to 100."]


def test_evidence_is_a_download_that_cannot_run(login, partner, world, viewer):
    update = ProgressUpdate(deliverable=world.deliverable, progress=10, status="in_progress", submitted_by=partner)
    update.evidence.save("page.html.pdf", SimpleUploadedFile("page.html.pdf", b"<script>alert(1)</script>"), save=True)
    response = login(viewer).get(url("evidence", update.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"


def test_approver_accepts_a_report_which_becomes_the_deliverables_state(login, approver, partner, world):
    update = ProgressUpdateFactory(
        deliverable=world.deliverable, progress=80, status="in_progress", submitted_by=partner
    )
    client = login(approver)
    queue = client.get(url("review")).content.decode()
    assert world.deliverable.title in queue and url("review-progress", update.pk) in queue
    response = client.post(url("review-progress", update.pk), {"action": "accept", "comment": "確認しました"})
    assert response.status_code == 302 and response["Location"] == url("review")
    world.deliverable.refresh_from_db()
    assert world.deliverable.progress == 80
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "accepted"
    assert partner.notices.filter(kind="report_accepted").exists()


def test_returning_needs_a_comment_which_the_partner_reads(login, approver, partner, world):
    update = ProgressUpdateFactory(deliverable=world.deliverable, progress=80, submitted_by=partner)
    client = login(approver)
    response = client.post(url("review-progress", update.pk), {"action": "return", "comment": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == [
        "Write what the partner should fix: a comment is required to return a report."
    ]
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "pending"

    client.post(url("review-progress", update.pk), {"action": "return", "comment": "証拠写真を添付してください"})
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "returned"
    partner_client = login(partner)
    assert "証拠写真を添付してください" in partner_client.get(url("partner-reports")).content.decode()
    assert "証拠写真を添付してください" in partner_client.get(url("partner")).content.decode()  # "returned to you"


def test_a_reviewed_report_cannot_be_reviewed_again(login, approver, partner, world):
    update = ProgressUpdateFactory(deliverable=world.deliverable, submitted_by=partner)
    client = login(approver)
    client.post(url("review-progress", update.pk), {"action": "accept"})
    response = client.post(url("review-progress", update.pk), {"action": "return", "comment": "やはり差し戻し"})
    assert response.status_code == 200 and "already been reviewed" in response.content.decode()
    assert ProgressUpdate.objects.get(pk=update.pk).review_status == "accepted"


def test_partner_reports_a_value_which_an_approver_accepts(login, partner, approver, world):
    response = login(partner).post(
        url("report-measurement", world.indicator.pk),
        {
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "value": "5",
            "measured_by": "partner",
            "sample_size": "120",
        },
    )
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert measurement.review_status == "pending" and not measurement.verified

    client = login(approver)
    page = client.get(url("review-measurement", measurement.pk)).content.decode()
    assert "82% of the way from the baseline to the target" in page  # (5 − 14) / (3 − 14)
    client.post(url("review-measurement", measurement.pk), {"action": "accept"})
    measurement.refresh_from_db()
    assert measurement.review_status == "accepted" and measurement.verified


def test_returned_measurement_shows_the_comment_to_the_partner(login, partner, approver, world):
    measurement = MeasurementFactory(
        indicator=world.indicator, review_status="pending", reported_by=partner, measured_by="partner"
    )
    login(approver).post(url("review-measurement", measurement.pk), {"action": "return", "comment": "母数を記入"})
    assert "母数を記入" in login(partner).get(url("partner-reports")).content.decode()


def test_measurement_form_errors_are_on_the_fields(login, partner, world):
    response = login(partner).post(
        url("report-measurement", world.indicator.pk),
        {"period_start": "2026-04-01", "period_end": "2025-03-31", "value": "abc", "measured_by": "partner"},
    )
    errors = response.context["form"].errors
    assert errors["value"] == ["Enter a number."]
    assert errors["period_end"] == ["The period ends before it starts."]


def test_partner_cannot_claim_the_municipality_measured_it(login, partner, world):
    response = login(partner).post(
        url("report-measurement", world.indicator.pk),
        {"period_start": "2025-04-01", "period_end": "2026-03-31", "value": "5", "measured_by": "city"},
    )
    assert response.context["form"].errors["measured_by"] == [
        "A partner's value is measured by the partner or by an independent party, not by the municipality."
    ]  # the service's rule, as in the API (tests/api/test_write_paths.py)
    assert not Measurement.objects.exists()
