"""The workspace pages in Chromium: no WCAG 2.1 A/AA violation (axe-core) on the dashboard, the review
pages, the partner's report form (also showing its errors), and the other task pages; on a phone
(390 px) nothing is wider than the screen. Screenshots are saved as test artifacts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.choices import AgreementStatus
from agreements.models import ProgressUpdate
from imports.models import ImportJob
from notifications.models import Notice
from tests.browser.conftest import assert_fits_phone, axe_violations, log_in, phone_problems, screenshot
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def busy_city(city, approver, partner, organization):
    """A city with something in every dashboard section and in the review queue."""
    today = timezone.localdate()
    agreement = AgreementFactory(
        municipality=city,
        title="子育て支援に関する包括連携協定",
        status=AgreementStatus.ACTIVE,
        ends_on=today + datetime.timedelta(days=45),
        published=True,
        published_at=timezone.now(),
    )
    AgreementFactory(
        municipality=city,
        title="観光振興に関する協定",
        status=AgreementStatus.ACTIVE,
        dormant_since=today - datetime.timedelta(days=220),
    )
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    initiative = InitiativeFactory(agreement=agreement, title="子育て手続のオンライン化")
    late = DeliverableFactory(
        initiative=initiative,
        title="申請フォームの公開",
        responsible=organization,
        due_on=today - datetime.timedelta(5),
    )
    DeliverableFactory(
        initiative=initiative, title="利用者アンケート", responsible=organization, due_on=today + datetime.timedelta(6)
    )
    indicator = OutcomeIndicatorFactory(agreement=agreement, code="KPI-1", reporter=organization)
    update = ProgressUpdateFactory(deliverable=late, progress=70, note="試験公開済み", submitted_by=partner)
    measurement = MeasurementFactory(
        indicator=indicator, review_status="pending", measured_by="partner", reported_by=partner, value=8
    )
    ProgressUpdateFactory(
        deliverable=late,
        progress=40,
        review_status="returned",
        review_comment="写真を添付してください",
        submitted_by=partner,
    )
    Notice.objects.create(
        recipient=approver,
        kind="report_submitted",
        key="k1",
        params={
            "title": late.title,
            "agreement": agreement.public_id,
            "progress": 70,
            "organization": organization.name,
        },
    )
    job = ImportJob(
        municipality=city,
        original_name="協定一覧.csv",
        created_by=approver,
        status="failed",
        rows_total=2,
        rows_done=2,
        errors=[
            {"row": 2, "column": "協定名", "message": "This column is required."},
            {"row": 3, "column": "締結日", "message": "Write the date as 2024-07-01 or 2024/7/1."},
        ],
    )
    job.file.save("list.csv", SimpleUploadedFile("list.csv", b"x"), save=True)
    return {"agreement": agreement, "deliverable": late, "update": update, "measurement": measurement, "job": job}


def test_officer_pages_have_no_wcag_violations(page, busy_city):
    log_in(page, "approver")
    agreement, update = busy_city["agreement"], busy_city["update"]
    pages = {
        "workspace-dashboard": "/workspace/",
        "workspace-agreements": "/workspace/agreements/",
        "workspace-agreement": f"/workspace/agreements/{agreement.public_id}/",
        "workspace-agreement-form": "/workspace/agreements/new/",
        "workspace-deliverable-form": f"/workspace/agreements/{agreement.public_id}/deliverables/new/",
        "workspace-review": "/workspace/review/",
        "workspace-review-progress": f"/workspace/review/progress/{update.pk}/",
        "workspace-review-measurement": f"/workspace/review/measurements/{busy_city['measurement'].pk}/",
        "workspace-imports": "/workspace/imports/",
        "workspace-import-errors": f"/workspace/imports/{busy_city['job'].pk}/",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, path
        screenshot(page, name)
        assert axe_violations(page) == [], path
    assert page.outside_requests == []


def test_form_errors_have_no_wcag_violations(page, busy_city):
    """The agreement form and the return form, showing their errors."""
    log_in(page, "approver")
    page.goto("/workspace/agreements/new/")
    page.fill("input[name=starts_on]", "2025-04-01")
    page.fill("input[name=ends_on]", "2024-04-01")
    page.click("main form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#id_title_error").is_visible() and page.locator("#id_ends_on_error").is_visible()
    assert page.locator("#id_ends_on").get_attribute("aria-describedby") == "id_ends_on_error"
    screenshot(page, "workspace-agreement-form-errors")
    assert axe_violations(page) == []

    page.goto(f"/workspace/review/progress/{busy_city['update'].pk}/")
    page.click("button[value=return]")
    page.wait_for_load_state()
    assert page.locator("#id_comment_error").is_visible()
    assert ProgressUpdate.objects.get(pk=busy_city["update"].pk).review_status == "pending"
    screenshot(page, "workspace-review-return-errors")
    assert axe_violations(page) == []


def test_partner_pages_have_no_wcag_violations(page, busy_city, tmp_path):
    log_in(page, "partner")
    deliverable = busy_city["deliverable"]
    for name, path in {
        "partner-home": "/workspace/partner/",
        "partner-report": f"/workspace/partner/deliverables/{deliverable.pk}/report/",
        "partner-reports": "/workspace/partner/reports/",
    }.items():
        response = page.goto(path)
        assert response.status == 200, path
        screenshot(page, name)
        assert axe_violations(page) == [], path

    # the report form showing a refused file and a progress out of range
    bad = tmp_path / "script.exe"
    bad.write_bytes(b"MZ")
    page.goto(f"/workspace/partner/deliverables/{deliverable.pk}/report/")
    page.fill("input[name=progress]", "150")
    page.set_input_files("input[name=evidence]", str(bad))
    page.click("main form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#id_progress_error").is_visible()
    assert page.locator("#id_evidence_error").is_visible()
    screenshot(page, "partner-report-errors")
    assert axe_violations(page) == []


def _phone_survey(phone, paths: dict[str, str]) -> dict[str, list[str]]:
    """Visit each page on the phone, save its screenshot, and say what does not fit (nothing, when all fit)."""
    problems = {}
    for name, path in paths.items():
        response = phone.goto(path)
        screenshot(phone, name)
        if response.status != 200:
            problems[path] = [f"answered {response.status}"]
        elif found := phone_problems(phone):
            problems[path] = found
    return problems


def _in_view(locator):
    """The element is shown and lies within the screen's width (no sideways scrolling to reach it)."""
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_workspace_fits_a_phone(phone, busy_city):
    """Every workspace page the browser tests visit, at 390 px: nothing past the screen's edge, no table
    squeezed to a character or two, and each page's main action on the screen."""
    agreement = busy_city["agreement"]
    log_in(phone, "approver")
    assert_fits_phone(phone)  # where the log-in lands
    problems = _phone_survey(
        phone,
        {
            "phone-workspace-dashboard": "/workspace/",
            "phone-workspace-agreements": "/workspace/agreements/",
            "phone-workspace-agreement": f"/workspace/agreements/{agreement.public_id}/",
            "phone-workspace-agreement-form": "/workspace/agreements/new/",
            "phone-workspace-deliverable-form": f"/workspace/agreements/{agreement.public_id}/deliverables/new/",
            "phone-workspace-measurement-form": (
                f"/workspace/agreements/{agreement.public_id}/indicators/{busy_city['measurement'].indicator_id}"
                "/measurements/new/"
            ),
            "phone-workspace-review-queue": "/workspace/review/",
            "phone-workspace-review": f"/workspace/review/progress/{busy_city['update'].pk}/",
            "phone-workspace-review-measurement": f"/workspace/review/measurements/{busy_city['measurement'].pk}/",
            "phone-workspace-imports": "/workspace/imports/",
            "phone-workspace-import-errors": f"/workspace/imports/{busy_city['job'].pk}/",
            "phone-notices": "/accounts/notices/",
        },
    )
    phone.goto("/workspace/review/")
    assert _in_view(phone.locator(f"main a[href='/workspace/review/progress/{busy_city['update'].pk}/']"))
    phone.goto(f"/workspace/review/progress/{busy_city['update'].pk}/")
    assert _in_view(phone.locator("main button[value=accept]"))

    phone.click("header form[action='/accounts/logout/'] button")
    log_in(phone, "partner")
    deliverable = busy_city["deliverable"]
    indicator = busy_city["measurement"].indicator
    problems |= _phone_survey(
        phone,
        {
            "phone-partner-home": "/workspace/partner/",
            "phone-partner-report": f"/workspace/partner/deliverables/{deliverable.pk}/report/",
            "phone-partner-measurement": f"/workspace/partner/indicators/{indicator.pk}/report/",
            "phone-partner-reports": "/workspace/partner/reports/",
            "phone-partner-notices": "/accounts/notices/",
        },
    )
    phone.goto("/workspace/partner/")
    # the partner's two actions, 進捗を報告 and 測定値を報告, are on the screen without scrolling sideways
    actions = phone.locator("main td.row-action")
    assert _in_view(actions.locator(f"a[href='/workspace/partner/deliverables/{deliverable.pk}/report/']"))
    assert _in_view(actions.locator(f"a[href='/workspace/partner/indicators/{indicator.pk}/report/']"))
    # a page the partner may not open says so, on the screen too
    assert phone.goto("/workspace/review/").status == 403
    screenshot(phone, "phone-partner-not-allowed")
    assert_fits_phone(phone)
    assert problems == {}


def test_import_page_follows_the_job_under_the_real_csp(browser, live_server, editor, tmp_path):
    """With the CSP enforced (no bypass), the job page polls the job and shows the row-by-row report."""
    import csv

    from imports.columns import HEADERS
    from imports.jobs import import_run

    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    try:
        listing = tmp_path / "協定一覧.csv"
        with listing.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            row = dict.fromkeys(HEADERS, "") | {"協定種別": "包括連携協定", "締結日": "2024/13/1"}
            row["連携先法人番号"] = "1234567890123"  # a wrong check digit
            writer.writerow([row[h] for h in HEADERS])
        log_in(page, "editor")
        page.goto("/workspace/imports/")
        page.set_input_files("input[name=file]", str(listing))
        page.click("main form.stacked button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("[data-poll-url]").count() == 1  # queued: the page follows the job
        import_run(ImportJob.objects.get())  # what the worker does
        problems = page.locator("main table").last  # after the table of how the columns were read
        page.locator("main table").first.wait_for(timeout=20_000)  # the page reloaded by itself with the report
        assert page.locator("[data-poll-url]").count() == 0
        assert problems.locator("tbody tr").count() >= 2  # 締結日 not a date, 法人番号 check digit wrong
        screenshot(page, "workspace-import-report")
        assert refused == []  # (axe-core itself cannot be injected under this CSP: see the test above)
    finally:
        context.close()


def test_the_import_report_of_a_real_list_fits_a_phone(phone, editor, city):
    """The report of a city's list as published (館林市: heading rows, partners and dates in one cell, public
    bodies) — the column mapping, the notes and the mapping form — fits a 390 px screen."""
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.jobs import import_run
    from imports.models import ImportJob
    from imports.services import import_job_create

    listing = Path(__file__).resolve().parent.parent / "imports" / "real" / "102075_tatebayashi.csv"
    import_job_create(
        municipality=city,
        uploaded=SimpleUploadedFile("協定一覧.csv", listing.read_bytes()),
        by=editor,
        dry_run=True,
    )
    job = ImportJob.objects.get()
    import_run(job)  # what the worker does
    log_in(phone, "editor")
    phone.goto(f"/workspace/imports/{job.pk}/")
    screenshot(phone, "phone-import-report-real-list")
    assert phone.locator("main table").count() >= 1  # how the columns were read
    assert "(cooperative;" not in phone.content()  # kinds by their labels, not their codes
    assert_fits_phone(phone)


def test_the_pages_added_for_issue_14_pass_axe_and_fit_a_phone(page, phone, busy_city, city):
    """The check-before-publishing page (with its error summary), the notices page with its mail choice,
    the officer's exports and the operator's pages: axe 0 at 1280 px, no overflow at 390 px."""
    import importlib

    from django.apps import apps

    # the operator's pages come from a data migration, which a transactional test before this one flushed
    importlib.import_module("portal.migrations.0002_default_info_pages").create(apps, None)
    draft = AgreementFactory(municipality=city, title="題名だけの下書き", summary="", signed_on=None)
    paths = {
        "publish-checklist": f"/workspace/agreements/{draft.public_id}/publish/",
        "notices": "/accounts/notices/",
        "workspace-agreements-exports": "/workspace/agreements/",
        "privacy": "/about/privacy/",
        "accessibility": "/about/accessibility/",
        "publication-policy": "/publication-policy/",
    }
    for client in (page, phone):
        log_in(client, "approver")
        for name, path in paths.items():
            response = client.goto(path)
            assert response.status == 200, path
            if client is phone:
                screenshot(client, f"phone-{name}")
                assert_fits_phone(client)
            else:
                screenshot(client, name)
                assert axe_violations(client) == [], path
        # a refused publication: the summary at the top, focused, each item a link
        client.goto(paths["publish-checklist"])
        with client.expect_navigation():  # no button is offered: the form is sent as a stale page would
            client.evaluate("document.querySelector('main form').submit()")
        assert client.title().startswith("エラー：")
        assert client.evaluate("document.activeElement.id") == "error-summary"
        if client is phone:
            assert_fits_phone(client)
        else:
            assert axe_violations(client) == []
