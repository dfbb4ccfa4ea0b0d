"""Every workspace page's query count is pinned with several rows present, and does not grow with the
rows: each page is read with 3 rows of everything it lists, then with 9, and must cost the same."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.choices import AgreementStatus
from imports.models import ImportJob
from notifications.models import Notice
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

# Every page costs: the session, the user, the user's memberships (access, cached for the request),
# and — in the header — the unread-notice count: 4 on every page with the header. The rest is named
# per page.
OFFICER_PAGES = {
    # 4 + municipalities, 6 sections (rows; the totals of full ones in one more query), notices
    "home": 12,
    # 4 + municipalities, count, page
    "agreements": 7,
    # 4 + agreement, fields, initiatives with progress, deliverables, KPIs, their values, parties, 2 pending counts,
    # for a draft, whether agreements hang under it (the deletion rule of agreement_delete_refusal), and — the
    # inline forms of an editor — the organizations offered to a new party (the other selects reuse the rows)
    "agreement": 15,
    # 4 + agreement, its fields (initial), the choices of parent, department and cooperation fields
    "agreement-edit": 9,
    # 4 + municipalities, the choices of parent, department and cooperation fields
    "agreement-create": 8,
    # 4 + agreement, the organizations offered
    "record-create:parties": 6,
    # 4 + agreement, deliverable, choices of initiative and responsible
    "record-edit:deliverables": 8,
    # 4 + agreement, choices of initiative and reporting partner
    "record-create:indicators": 7,
    # 4 + agreement, indicator, its values
    "measurement-create": 7,
    # 4 + the two queues
    "review": 6,
    # 4 + report, earlier reports
    "review-progress": 6,
    # 4 + value, earlier values
    "review-measurement": 6,
    # 4 + municipalities (form), jobs
    "imports": 6,
    # 4 + the job
    "import": 5,
    # session, user, memberships, the job (JSON, polled: no header)
    "import-status": 4,
    # 4 + agreement, the choices of cooperation field
    "record-create:initiatives": 6,
    # 4 + agreement, choices of initiative and responsible
    "record-create:deliverables": 7,
    # 4 + agreement, the record, the organization it names
    "record-delete:parties": 7,
    # 4 + agreement
    "agreement-activate": 5,
    "agreement-terminate": 5,
    "agreement-delete": 5,
    # 4 + the choices of prefecture
    "organization-create": 5,
}
# Pages whose content does not grow with the rows (forms and confirmations): pinned all the same.
FIXED_CONTENT = {
    "agreement-create",
    "agreement-edit",
    "import",
    "import-status",
    "record-create:initiatives",
    "record-delete:parties",
    "agreement-activate",
    "agreement-terminate",
    "agreement-delete",
    "organization-create",
}
PARTNER_PAGES = {
    # 4 + agreements, deliverables, KPIs, returned reports
    "partner": 8,
    # 4 + progress reports, measurements
    "partner-reports": 6,
    # 4 + deliverable, earlier reports
    "report-progress": 6,
    # 4 + KPI, its values
    "report-measurement": 6,
}


class Rows:
    """n rows of everything the pages list, added on request (3 first, then 6 more)."""

    def __init__(self, world, partner, approver):
        self.world, self.partner, self.approver = world, partner, approver
        self.job = None

    def add(self, n):
        world, today = self.world, timezone.localdate()
        city = world.agreement.municipality
        for i in range(n):
            agreement = AgreementFactory(
                municipality=city,
                status=AgreementStatus.ACTIVE,
                ends_on=today + datetime.timedelta(days=30 + i),
                dormant_since=today - datetime.timedelta(days=200),
            )
            PartyFactory(agreement=agreement, organization=world.deliverable.responsible)
            PartyFactory(agreement=world.agreement)
            initiative = InitiativeFactory(agreement=world.agreement)
            due_soon = DeliverableFactory(
                initiative=initiative, responsible=world.deliverable.responsible, due_on=today + datetime.timedelta(3)
            )
            DeliverableFactory(
                initiative=initiative, responsible=world.deliverable.responsible, due_on=today.replace(2020)
            )
            OutcomeIndicatorFactory(agreement=world.agreement, reporter=world.deliverable.responsible)
            ProgressUpdateFactory(deliverable=due_soon, submitted_by=self.partner)
            ProgressUpdateFactory(
                deliverable=world.deliverable,
                submitted_by=self.partner,
                review_status="returned",
                review_comment="直してください",
            )
            for review_status in ("pending", "accepted"):
                start = datetime.date(2000 + world.indicator.measurements.count(), 4, 1)
                MeasurementFactory(
                    indicator=world.indicator,
                    period_start=start,
                    period_end=start.replace(month=12),
                    review_status=review_status,
                    measured_by="partner",
                    reported_by=self.partner,
                )
            Notice.objects.create(recipient=self.approver, kind="agreement_dormant", key=f"k{agreement.pk}")
            job = ImportJob(
                municipality=city,
                original_name="list.csv",
                created_by=self.approver,
                status="failed",
                errors=[{"row": r, "column": "協定名", "message": "This column is required."} for r in range(2, 40)],
            )
            job.file.save("list.csv", SimpleUploadedFile("list.csv", b"x"), save=True)
            self.job = self.job or job


def address(name, world, rows):
    pid = world.agreement.public_id
    pending_update = world.deliverable.progress_updates.order_by("id").first()
    pending_measurement = world.indicator.measurements.order_by("id").first()
    return {
        "home": reverse("workspace:home"),
        "agreements": reverse("workspace:agreements"),
        "agreement": reverse("workspace:agreement", args=[pid]),
        "agreement-edit": reverse("workspace:agreement-edit", args=[pid]),
        "agreement-create": reverse("workspace:agreement-create"),
        "record-create:parties": reverse("workspace:record-create", args=[pid, "parties"]),
        "record-edit:deliverables": reverse("workspace:record-edit", args=[pid, "deliverables", world.deliverable.pk]),
        "record-create:indicators": reverse("workspace:record-create", args=[pid, "indicators"]),
        "measurement-create": reverse("workspace:measurement-create", args=[pid, world.indicator.pk]),
        "review": reverse("workspace:review"),
        "review-progress": reverse("workspace:review-progress", args=[pending_update.pk]),
        "review-measurement": reverse("workspace:review-measurement", args=[pending_measurement.pk]),
        "imports": reverse("workspace:imports"),
        "import": reverse("workspace:import", args=[rows.job.pk]),
        "import-status": reverse("workspace:import-status", args=[rows.job.pk]),
        "record-create:initiatives": reverse("workspace:record-create", args=[pid, "initiatives"]),
        "record-create:deliverables": reverse("workspace:record-create", args=[pid, "deliverables"]),
        "record-delete:parties": reverse(
            "workspace:record-delete", args=[pid, "parties", world.agreement.parties.order_by("id").first().pk]
        ),
        "agreement-activate": reverse("workspace:agreement-activate", args=[pid]),
        "agreement-terminate": reverse("workspace:agreement-terminate", args=[pid]),
        "agreement-delete": reverse("workspace:agreement-delete", args=[pid]),
        "organization-create": reverse("workspace:organization-create"),
        "partner": reverse("workspace:partner"),
        "partner-reports": reverse("workspace:partner-reports"),
        "report-progress": reverse("workspace:report-progress", args=[world.deliverable.pk]),
        "report-measurement": reverse("workspace:report-measurement", args=[world.indicator.pk]),
    }[name]


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured), response


@pytest.mark.parametrize(("page", "expected"), [*OFFICER_PAGES.items(), *PARTNER_PAGES.items()])
def test_page_query_count_is_pinned_and_flat(login, approver, partner, world, page, expected):
    user = partner if page in PARTNER_PAGES else approver
    rows = Rows(world, partner, approver)
    rows.add(3)
    client = login(user)
    path = address(page, world, rows)
    few, response = queries(client, path)
    rows.add(6)
    many, more = queries(client, path)
    assert len(more.content) > len(response.content) or page in FIXED_CONTENT
    assert (few, many) == (expected, expected), f"{page}: {few} queries with 3 rows, {many} with 9"
