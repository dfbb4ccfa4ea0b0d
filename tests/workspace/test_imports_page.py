"""The import page: upload as a dry run, follow the job, read the row-by-row report, then import."""

import csv
import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement
from imports.columns import HEADERS
from imports.jobs import import_run
from imports.models import ImportJob
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def csv_file(*rows, name="list.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow([values.get(h, "") for h in HEADERS])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


GOOD = {
    "協定名": "インポートした協定",
    "協定種別": "包括連携協定",
    "締結日": "2024/7/1",
    "状態": "締結中",
    "連携先法人番号": "",
}


@pytest.fixture
def run_jobs():
    """Run queued imports at once instead of through the broker."""
    with mock.patch("imports.services._enqueue", lambda task, job_id: import_run(ImportJob.objects.get(pk=job_id))):
        yield


def test_page_offers_the_template_and_a_dry_run_by_default(login, editor, city):
    page = login(editor).get(url("imports")).content.decode()
    assert "/api/v1/imports/template/?type=xlsx" in page and "/api/v1/imports/template/?type=csv" in page
    assert 'name="dry_run"' in page and "checked" in page


def test_dry_run_then_import_for_real(login, editor, city, run_jobs, django_capture_on_commit_callbacks):
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("imports"), {"file": csv_file(GOOD), "dry_run": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("import", job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.dry_run and not Agreement.objects.exists()
    page = client.get(url("import", job.pk)).content.decode()
    assert "The 1 row is valid" in page and url("import-confirm", job.pk) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import-confirm", job.pk))
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == url("import", real.pk)
    real.refresh_from_db()
    assert real.status == "succeeded" and not real.dry_run
    assert Agreement.objects.get().title == "インポートした協定"
    assert "1 agreement was imported" in client.get(url("import", real.pk)).content.decode()


def test_errors_are_reported_row_by_row(login, editor, city, run_jobs, django_capture_on_commit_callbacks):
    OrganizationFactory(corporate_number="4000020270008")
    # a missing title is generated and 令和6年 is a year: what stops an import is what is wrong
    bad = {**GOOD, "締結日": "2024/13/45", "連携先法人番号": "1234567890123"}
    client = login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("imports"), {"file": csv_file(GOOD, bad), "dry_run": "on"})
    job = ImportJob.objects.get()
    response = client.get(url("import", job.pk))
    page = response.content.decode()
    assert "nothing was imported" in page
    assert "2024/13/45 is not a date in the calendar." in page
    assert ">連携先法人番号</td>" in page.replace("\n", "").replace("    ", "")
    assert "Import these rows" not in page  # only the mapping form posts back, to check again
    assert client.post(url("import-confirm", job.pk)).status_code == 302
    assert ImportJob.objects.count() == 1


def test_a_file_of_the_wrong_type_is_refused_on_the_form(login, editor, city):
    response = login(editor).post(url("imports"), {"file": SimpleUploadedFile("list.pdf", b"%PDF"), "dry_run": "on"})
    assert "File extension “pdf” is not allowed" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.exists()


def test_status_is_polled_as_json(login, editor, city):
    job = ImportJob(municipality=city, original_name="list.csv", created_by=editor, rows_total=200, rows_done=50)
    job.file.save("list.csv", SimpleUploadedFile("list.csv", b"x"), save=True)
    client = login(editor)
    page = client.get(url("import", job.pk)).content.decode()
    assert f'data-poll-url="{url("import-status", job.pk)}"' in page and "js/workspace.js" in page
    data = client.get(url("import-status", job.pk)).json()
    assert data == {
        "status": "queued",
        "status_label": "Queued",
        "progress": 25,
        "rows_done": 50,
        "rows_total": 200,
        "finished": False,
    }
