"""Large case files imported by a job (outcomes.services.case_import_job_create → tasks.case_import_run):
end to end with a real Celery worker on Redis and PostgreSQL; a second delivery does nothing; a job
left running by a dead worker runs again; a refused file, an unexpected error or a lost right ends the
job and leaves nothing — no case, no upload, no 案件ID in the database or the logs; the nightly sweep
deletes what dead jobs left; the workspace page sends a large file to the job's page."""

import datetime
import logging
import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Case, CaseImport, CaseImportJob, CaseImportStatus
from outcomes.services import case_import_job_create, case_uploads_sweep, procedures_load
from outcomes.tasks import case_import_run, retention
from partnerships.models import Membership, Role
from tests.celery_broker import use_broker

from .conftest import GOOD_ROWS, HEADER, csv_bytes, texts_in_database
from .test_import_speed_paths import many_rows

REDIS = "redis://127.0.0.1:6379/15"
CASE_IDS = [row[0] for row in GOOD_ROWS]


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.KYOSO_CASE_UPLOAD_DIR = tmp_path / "case-uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.KYOSO_CASE_UPLOAD_DIR


def uploads(directory) -> list:
    return sorted(directory.iterdir()) if directory.exists() else []


def personal_file() -> bytes:
    rows = [[*row, ""] for row in GOOD_ROWS]
    rows[1][-1] = "tanaka.misaki@example.jp"
    return csv_bytes(rows, [*HEADER, "備考"])


def queue(city, by, data: bytes, *, name="cases.csv", dry_run=False) -> CaseImportJob:
    return case_import_job_create(
        municipality=city, name=name, uploaded=SimpleUploadedFile(name, data), by=by, dry_run=dry_run
    )


# --- with a real worker --------------------------------------------------------------------------------


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def worker(tmp_path, upload_dir, postgres_only):
    if not redis_available():
        if os.environ.get("KYOSO_REQUIRE_SERVICES"):
            pytest.fail("KYOSO_REQUIRE_SERVICES is set but Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "KYOSO_TEST_BROKER_URL": REDIS,
        "KYOSO_CASE_UPLOAD_DIR": str(upload_dir),  # the worker reads where the request wrote
    }
    with use_broker(REDIS) as app:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
        log_path = tmp_path / "worker.log"
        log = open(log_path, "w")  # noqa: SIM115 — closed below
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log_path
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()


def wait_until(condition, log_path, *, seconds=180, what="the job"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"{what} did not finish within {seconds} s; worker log:\n" + log_path.read_text()[-3000:])


def finished(job):
    def check():
        job.refresh_from_db()
        return job.status not in (CaseImportStatus.QUEUED, CaseImportStatus.RUNNING)

    return check


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_imported_by_a_real_worker_once_and_leaves_no_file(
    worker, city, editor, other_city, other_editor, upload_dir
):
    procedures_load()  # a transactional test before this one may have flushed the catalogue
    rows = 120_000
    data = csv_bytes(list(many_rows(rows)))
    assert len(data) > django_settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES  # a file the pages send to a job

    started = time.monotonic()
    job = queue(city, editor, data)
    wait_until(finished(job), worker)
    seconds = time.monotonic() - started

    assert job.status == CaseImportStatus.SUCCEEDED, (job.result, job.problems)
    assert (job.result["rows"], job.result["created"], job.result["replaced"]) == (rows, rows, 0)
    assert Case.objects.filter(municipality=city).count() == rows
    assert job.case_import == CaseImport.objects.get(municipality=city)
    assert job.started_at and job.finished_at
    assert uploads(upload_dir) == []
    print(f"\n{rows} cases ({len(data) / 1_048_576:.1f} MB) imported by the worker in {seconds:.1f} s")

    # delivered again, twice (a broker redelivery, a retry): the finished job does nothing
    done_at = job.finished_at
    case_import_run.delay(job.pk)
    case_import_run.delay(job.pk)
    wait_until(
        lambda: worker.read_text().count("Task outcomes.case_import[") >= 6,  # received + succeeded, thrice
        worker,
        what="the redeliveries",
    )
    job.refresh_from_db()
    assert (job.status, job.finished_at) == (CaseImportStatus.SUCCEEDED, done_at)
    assert CaseImport.objects.filter(municipality=city).count() == 1
    assert Case.objects.filter(municipality=city).count() == rows

    # a file with personal data, through the same worker: refused whole, nothing left
    refused = queue(other_city, other_editor, personal_file())
    wait_until(finished(refused), worker)
    assert refused.status == CaseImportStatus.FAILED
    assert refused.result == {"reason": "refused", "problem_count": 1, "personal": True}
    assert [(p["row"], p["column"]) for p in refused.problems] == [(3, "備考")]
    assert not Case.objects.filter(municipality=other_city).exists()
    assert not CaseImport.objects.filter(municipality=other_city).exists()
    assert uploads(upload_dir) == []
    log = worker.read_text()
    for value in [*CASE_IDS, "tanaka.misaki@example.jp", "KS-0000001"]:
        assert value not in log
        assert texts_in_database(value) == []


# --- the job's run, in this process ----------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_the_upload_waits_privately_under_a_random_name(city, editor, upload_dir):
    job = queue(city, editor, csv_bytes(GOOD_ROWS), name="四條畷市_案件.csv")

    [kept] = uploads(upload_dir)
    assert kept.name == job.upload_token and kept.read_bytes() == csv_bytes(GOOD_ROWS)
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert not kept.is_relative_to(django_settings.MEDIA_ROOT)
    assert (job.kind, job.status, job.created_by) == ("csv", CaseImportStatus.QUEUED, editor)
    assert texts_in_database("四條畷市_案件") == []


@pytestmark_db
@pytest.mark.parametrize("role", [Role.VIEWER, None])
def test_only_editors_may_queue_a_file(city, other_city, other_editor, viewer, role, upload_dir):
    user = viewer if role else other_editor
    with pytest.raises(PermissionDenied):
        queue(city, user, csv_bytes(GOOD_ROWS))
    assert not CaseImportJob.objects.exists() and uploads(upload_dir) == []


@pytestmark_db
def test_a_file_of_another_kind_is_refused_before_it_is_kept(city, editor, upload_dir):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        queue(city, editor, b"x", name="cases.pdf")
    assert "file" in error.value.message_dict
    assert not CaseImportJob.objects.exists() and uploads(upload_dir) == []


@pytestmark_db
def test_a_job_left_running_by_a_dead_worker_runs_again(city, editor, upload_dir):
    job = queue(city, editor, csv_bytes(GOOD_ROWS))
    CaseImportJob.objects.filter(pk=job.pk).update(status=CaseImportStatus.RUNNING, started_at=timezone.now())

    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == CaseImportStatus.SUCCEEDED
    assert Case.objects.count() == 3 and CaseImport.objects.count() == 1
    assert uploads(upload_dir) == []


@pytestmark_db
def test_a_finished_job_delivered_again_does_nothing_but_delete_a_leftover_file(city, editor, upload_dir):
    job = queue(city, editor, csv_bytes(GOOD_ROWS))
    case_import_run.apply(args=[job.pk])
    job.refresh_from_db()
    services.upload_path(job).write_bytes(csv_bytes(GOOD_ROWS))  # as if its deletion had been lost

    case_import_run.apply(args=[job.pk])

    again = CaseImportJob.objects.get(pk=job.pk)
    assert (again.status, again.finished_at, again.result) == (job.status, job.finished_at, job.result)
    assert CaseImport.objects.count() == 1
    assert uploads(upload_dir) == []
    case_import_run.apply(args=[job.pk + 1000])  # a job deleted meanwhile: nothing


@pytestmark_db
def test_an_unexpected_error_fails_the_job_without_a_value_in_the_logs(city, editor, upload_dir, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    job = queue(city, editor, csv_bytes(GOOD_ROWS))

    def broken(**kwargs):
        raise ValueError(f"could not read {CASE_IDS[0]}")  # an exception quoting a cell

    monkeypatch.setattr(services, "cases_import", broken)
    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.result, job.problems) == (CaseImportStatus.FAILED, {"reason": "error"}, [])
    assert "unexpected error" in services.job_message(job)
    assert "ValueError" in caplog.text and CASE_IDS[0] not in caplog.text
    assert uploads(upload_dir) == []
    assert not Case.objects.exists()


@pytestmark_db
def test_an_officer_who_lost_the_role_imports_nothing(city, editor, upload_dir):
    job = queue(city, editor, csv_bytes(GOOD_ROWS))
    Membership.objects.filter(user=editor).update(role=Role.VIEWER)

    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.result) == (CaseImportStatus.FAILED, {"reason": "not_allowed"})
    assert not Case.objects.exists() and uploads(upload_dir) == []


@pytestmark_db
def test_a_job_whose_file_is_gone_fails_clearly(city, editor, upload_dir):
    job = queue(city, editor, csv_bytes(GOOD_ROWS))
    services.upload_path(job).unlink()

    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.result) == (CaseImportStatus.FAILED, {"reason": "gone"})


@pytestmark_db
def test_rows_in_error_fail_the_job_with_rows_and_columns(city, editor, upload_dir):
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][3] = "2025-04-01"  # 処分日 before 受付日
    job = queue(city, editor, csv_bytes(rows))

    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == CaseImportStatus.FAILED
    assert job.result == {"reason": "refused", "problem_count": 1, "personal": False}
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "処分日")]
    assert not Case.objects.exists() and uploads(upload_dir) == []


# --- the sweep -----------------------------------------------------------------------------------------


def _age(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


@pytestmark_db
def test_the_nightly_job_sweeps_what_dead_jobs_left(city, editor, upload_dir):
    waiting = queue(city, editor, csv_bytes(GOOD_ROWS))  # queued now: kept
    stale = queue(city, editor, csv_bytes(GOOD_ROWS))  # queued two days ago, never run: ended, file deleted
    CaseImportJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    _age(services.upload_path(stale), 48)
    orphan = upload_dir / ("a" * 64)  # a request that failed after writing it, two days ago
    orphan.write_bytes(b"x")
    _age(orphan, 48)
    fresh = upload_dir / ("b" * 64)  # being written now, its job not yet committed
    fresh.write_bytes(b"x")
    old_waiting = services.upload_path(waiting)
    _age(old_waiting, 30)  # older than a day, but its job still waits (a long queue): kept

    assert retention.apply().get() == 0  # the cases deleted: none

    assert sorted(p.name for p in uploads(upload_dir)) == sorted([waiting.upload_token, fresh.name])
    stale.refresh_from_db()
    assert (stale.status, stale.result) == (CaseImportStatus.FAILED, {"reason": "expired"})
    assert "within a day" in services.job_message(stale)
    waiting.refresh_from_db()
    assert waiting.status == CaseImportStatus.QUEUED
    assert case_uploads_sweep() == 0  # nothing more


@pytestmark_db
def test_the_sweep_without_a_directory(settings, tmp_path):
    settings.KYOSO_CASE_UPLOAD_DIR = tmp_path / "none"
    assert case_uploads_sweep() == 0


# --- the workspace page ----------------------------------------------------------------------------------


def login(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


@pytestmark_db
def test_the_page_sends_a_large_file_to_a_job_and_shows_its_status(city, editor, settings, upload_dir):
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 100
    client = login(editor)
    page = reverse("workspace:outcome-import", args=[city.code])

    response = client.post(page, {"file": SimpleUploadedFile("cases.csv", csv_bytes(GOOD_ROWS)), "action": "import"})

    job = CaseImportJob.objects.get()
    job_page = reverse("workspace:outcome-import-job", args=[city.code, job.pk])
    assert response.status_code == 302 and response["Location"] == job_page
    queued = client.get(job_page).content.decode()
    assert "Queued" in queued and f'href="{job_page}"' in queued  # the status, and a link to reload
    assert not Case.objects.exists()
    assert job_page in client.get(page).content.decode()  # the import page lists the job

    case_import_run.apply(args=[job.pk])

    done = client.get(job_page).content.decode()
    assert "3 cases were imported: 3 added, 0 replaced." in done
    assert Case.objects.count() == 3 and uploads(upload_dir) == []


@pytestmark_db
def test_the_job_page_of_a_refused_file_lists_rows_and_columns(city, editor, settings, upload_dir):
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 100
    client = login(editor)
    client.post(
        reverse("workspace:outcome-import", args=[city.code]),
        {"file": SimpleUploadedFile("cases.csv", personal_file()), "action": "check"},
    )
    job = CaseImportJob.objects.get()
    assert job.dry_run
    case_import_run.apply(args=[job.pk])

    html = client.get(reverse("workspace:outcome-import-job", args=[city.code, job.pk])).content.decode()
    assert "Personal data found: nothing was imported" in html
    assert "row 3" in html and "備考" in html
    assert "tanaka.misaki@example.jp" not in html
    for case_id in CASE_IDS:
        assert case_id not in html
    assert uploads(upload_dir) == []


@pytestmark_db
def test_the_job_page_is_for_editors_of_its_municipality(city, other_city, editor, viewer, other_editor):
    job = queue(city, editor, csv_bytes(GOOD_ROWS))
    page = reverse("workspace:outcome-import-job", args=[city.code, job.pk])
    assert login(editor).get(page).status_code == 200
    assert login(viewer).get(page).status_code == 403
    assert login(other_editor).get(page).status_code == 404
    elsewhere = reverse("workspace:outcome-import-job", args=[other_city.code, job.pk])
    assert login(other_editor).get(elsewhere).status_code == 404


@pytestmark_db
def test_the_job_page_reads_a_fixed_number_of_queries(city, editor, upload_dir, django_assert_num_queries):
    job = queue(city, editor, personal_file())
    case_import_run.apply(args=[job.pk])
    client = login(editor)
    page = reverse("workspace:outcome-import-job", args=[city.code, job.pk])
    client.get(page)

    # session, user, memberships, the municipality, the job with who uploaded it, the header's unread notices
    with django_assert_num_queries(6):
        assert client.get(page).status_code == 200
