"""Case files imported through the API (POST/GET /api/v1/outcomes/imports/): editors of the municipality
only; a small file imported at once (201 with the counts, 200 for a dry run, 400 with the problems by row
and column), a larger one as a job (202 with its Location); a refused file leaves nothing behind — no
case, no job, no upload, no media, and the raw 案件ID nowhere in the answer or the logs."""

import logging
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outcomes.models import Case, CaseImport, CaseImportJob, Procedure
from outcomes.services import case_import_job_create
from outcomes.tasks import case_import_run
from partnerships.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.outcomes.conftest import GOOD_ROWS, HEADER, csv_bytes, texts_in_database

from .conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes/imports/"
CASE_IDS = [row[0] for row in GOOD_ROWS]


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.KYOSO_CASE_UPLOAD_DIR = tmp_path / "case-uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.KYOSO_CASE_UPLOAD_DIR


def uploads(directory) -> list:
    return sorted(directory.iterdir()) if directory.exists() else []


def post(client, data: bytes, *, code="272299", name="cases.csv", **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), "municipality": code, **extra}, format="multipart")


def personal_file() -> bytes:
    rows = [[*row, ""] for row in GOOD_ROWS]
    rows[1][-1] = "090-1234-5678"
    return csv_bytes(rows, [*HEADER, "備考"])


def assert_nothing_changed(upload_dir, settings):
    assert not Case.objects.exists()
    assert not CaseImport.objects.exists()
    assert not CaseImportJob.objects.exists()
    assert not Procedure.objects.filter(municipality__isnull=False).exists()
    assert uploads(upload_dir) == []
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


# --- at once -------------------------------------------------------------------------------------------


def test_a_small_file_is_imported_at_once(editor, city, upload_dir):
    response = post(client_for(editor), csv_bytes(GOOD_ROWS))

    assert response.status_code == 201, response.content
    assert response.json() == {
        "rows": 3,
        "created": 3,
        "replaced": 0,
        "procedures_created": [],
        "standard_days_set": {},
        "ignored_columns": [],
        "dry_run": False,
    }
    assert Case.objects.filter(municipality=city).count() == 3
    assert CaseImport.objects.get().imported_by == editor
    assert not CaseImportJob.objects.exists()  # no job for a small file
    assert uploads(upload_dir) == []

    again = post(client_for(editor), csv_bytes(GOOD_ROWS))  # the same 案件ID: replaced, not added
    assert (again.status_code, again.json()["replaced"], Case.objects.count()) == (201, 3, 3)


def test_a_dry_run_answers_200_and_stores_nothing(editor, city, upload_dir, settings):
    rows = [*GOOD_ROWS, ["KS-2025-000104", "X-101", "2025-06-02", "2025-06-09", "", "", "窓口", ""]]
    header = [*HEADER, "手続名"]
    response = post(client_for(editor), csv_bytes([[*r, "市独自の手続"] for r in rows], header), dry_run="true")

    assert response.status_code == 200, response.content
    assert response.json()["rows"] == 4
    assert response.json()["procedures_created"] == ["X-101"]
    assert response.json()["dry_run"] is True
    assert_nothing_changed(upload_dir, settings)


def test_personal_data_is_refused_naming_row_and_column_and_nothing_is_stored(editor, upload_dir, settings, caplog):
    caplog.set_level(logging.DEBUG)
    response = post(client_for(editor), personal_file())

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["personal"], error["problem_count"]) == ("refused", True, 1)
    assert [(p["row"], p["column"]) for p in error["problems"]] == [(3, "備考")]
    assert "row 3" in error["message"] and "備考" in error["message"]
    body = response.content.decode()
    assert "090-1234-5678" not in body
    for case_id in CASE_IDS:
        assert case_id not in body
        assert case_id not in caplog.text
        assert texts_in_database(case_id) == []
    assert_nothing_changed(upload_dir, settings)


def test_rows_in_error_are_listed_and_nothing_is_stored(editor, upload_dir, settings):
    rows = [list(row) for row in GOOD_ROWS]
    rows[1][3] = "2025-04-01"  # 処分日 before 受付日
    rows[2][2] = "2025-13-45"  # no such date

    response = post(client_for(editor), csv_bytes(rows))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refused" and error["personal"] is False
    assert [(p["row"], p["column"]) for p in error["problems"]] == [(3, "処分日"), (4, "受付日")]
    assert error["problem_count"] == 2
    assert "2025-13-45" not in response.content.decode()
    assert_nothing_changed(upload_dir, settings)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"municipality": "272299"}, "file"),
        ({"municipality": "999999", "file": SimpleUploadedFile("cases.csv", b"x")}, "municipality"),
        ({"municipality": "272299", "file": SimpleUploadedFile("cases.txt", b"x")}, "file"),
        ({"municipality": "272299", "file": SimpleUploadedFile("cases.csv", b"x"), "dry_run": "maybe"}, "dry_run"),
    ],
)
def test_bad_fields_answer_400_by_field(editor, data, field, upload_dir, settings):
    response = client_for(editor).post(URL, data, format="multipart")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert_nothing_changed(upload_dir, settings)


def test_a_file_over_the_upload_limit_is_refused_before_it_is_kept(editor, upload_dir, settings):
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 10
    settings.KYOSO_MAX_UPLOAD_BYTES = 100

    response = post(client_for(editor), csv_bytes(GOOD_ROWS))

    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert_nothing_changed(upload_dir, settings)


# --- who may -------------------------------------------------------------------------------------------


@pytest.fixture
def outsiders(city, other_city, viewer, partner, other_editor):
    partner_officer = UserFactory(username="two-hats")  # an editor elsewhere only
    MembershipFactory(user=partner_officer, municipality=other_city, organization=None, role=Role.EDITOR)
    return {
        "anonymous": (None, 401),
        "viewer": (viewer, 403),
        "partner": (partner, 403),
        "another city's editor": (other_editor, 403),
        "an editor elsewhere": (partner_officer, 403),
    }


@pytest.mark.parametrize("who", ["anonymous", "viewer", "partner", "another city's editor", "an editor elsewhere"])
def test_who_may_not_import_is_refused_with_nothing_changed(who, outsiders, upload_dir, settings):
    user, expected = outsiders[who]
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 10  # even a file that would become a job

    for data in (csv_bytes(GOOD_ROWS), personal_file()):
        response = post(client_for(user), data)
        assert response.status_code == expected, (who, response.content)
        assert "error" in response.json()

    assert_nothing_changed(upload_dir, settings)


def test_jobs_are_listed_and_shown_only_to_editors_of_their_municipality(
    editor, approver, viewer, other_editor, city, other_city
):
    job = case_import_job_create(municipality=city, name="cases.csv", uploaded=csv_bytes(GOOD_ROWS), by=editor)
    other = case_import_job_create(
        municipality=other_city, name="cases.csv", uploaded=csv_bytes(GOOD_ROWS), by=other_editor
    )

    listed = client_for(editor).get(URL).json()
    assert [row["id"] for row in listed["results"]] == [job.pk]
    assert client_for(approver).get(f"{URL}{job.pk}/").status_code == 200  # an approver is an editor too
    assert client_for(other_editor).get(f"{URL}{job.pk}/").status_code == 404
    assert client_for(editor).get(f"{URL}{other.pk}/").status_code == 404
    assert client_for(viewer).get(URL).json()["results"] == []
    assert client_for(viewer).get(f"{URL}{job.pk}/").status_code == 404
    assert client_for(None).get(URL).status_code == 401
    assert client_for(None).get(f"{URL}{job.pk}/").status_code == 401


# --- as a job ------------------------------------------------------------------------------------------


def test_a_larger_file_becomes_a_job_and_is_imported_by_it(editor, city, upload_dir, settings):
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 100
    client = client_for(editor)

    response = post(client, csv_bytes(GOOD_ROWS), name="令和7年度_案件.csv")

    assert response.status_code == 202, response.content
    job = CaseImportJob.objects.get()
    assert response["Location"] == f"{URL}{job.pk}/"
    answer = response.json()
    assert (answer["id"], answer["municipality"], answer["kind"], answer["status"]) == (
        job.pk,
        "272299",
        "csv",
        "queued",
    )
    assert not Case.objects.exists()  # not yet: the job imports it
    [kept] = uploads(upload_dir)
    assert kept.name == job.upload_token and len(job.upload_token) == 64
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(upload_dir.stat().st_mode) == 0o700
    assert texts_in_database("令和7年度") == []  # the file's name is not kept

    case_import_run.apply(args=[job.pk])  # what the worker does (tests/outcomes/test_import_jobs.py runs one)

    detail = client.get(response["Location"]).json()
    assert detail["status"] == "succeeded"
    assert detail["result"] == {
        "rows": 3,
        "created": 3,
        "replaced": 0,
        "procedures_created": [],
        "standard_days_set": {},
        "ignored_columns": [],
        "dry_run": False,
    }
    assert detail["problems"] == [] and detail["message"] == ""
    assert Case.objects.filter(municipality=city).count() == 3
    job.refresh_from_db()
    assert job.case_import == CaseImport.objects.get()
    assert uploads(upload_dir) == []


def test_a_refused_job_shows_its_problems_and_leaves_nothing(editor, upload_dir, settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 100
    client = client_for(editor)
    location = post(client, personal_file())["Location"]
    job = CaseImportJob.objects.get()

    case_import_run.apply(args=[job.pk])

    detail = client.get(location).json()
    assert detail["status"] == "failed"
    assert detail["result"] == {"reason": "refused", "problem_count": 1, "personal": True}
    assert [(p["row"], p["column"]) for p in detail["problems"]] == [(3, "備考")]
    assert "row 3" in detail["message"] and "備考" in detail["message"]
    listed = client.get(URL).json()["results"][0]
    assert "problems" not in listed and listed["status"] == "failed"
    assert uploads(upload_dir) == []
    assert not Case.objects.exists() and not CaseImport.objects.exists()
    for case_id in CASE_IDS:
        assert case_id not in str(detail) and case_id not in caplog.text
        assert texts_in_database(case_id) == []


def test_an_xlsx_dry_run_job(editor, upload_dir, settings):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    settings.KYOSO_CASE_IMPORT_SYNC_MAX_BYTES = 100

    response = post(client_for(editor), out.getvalue(), name="cases.xlsx", dry_run="true")
    job = CaseImportJob.objects.get()
    assert (response.status_code, job.kind, job.dry_run) == (202, "xlsx", True)
    case_import_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.result["rows"], job.result["dry_run"]) == ("succeeded", 3, True)
    assert job.case_import is None
    assert not Case.objects.exists()
    assert uploads(upload_dir) == []


# --- reading cost --------------------------------------------------------------------------------------


def test_the_list_and_the_detail_read_a_fixed_number_of_queries(editor, city, django_assert_num_queries):
    jobs = [
        case_import_job_create(municipality=city, name="cases.csv", uploaded=csv_bytes(GOOD_ROWS), by=editor)
        for _ in range(3)
    ]
    client = client_for(editor)
    client.get(URL)  # the token's last use is written once

    # token and user, memberships, count, the page of jobs with their municipality
    with django_assert_num_queries(4):
        assert len(client.get(URL).json()["results"]) == 3
    with django_assert_num_queries(3):  # token and user, memberships, the job with its municipality
        assert client.get(f"{URL}{jobs[0].pk}/").status_code == 200
    for _ in range(5):
        case_import_job_create(municipality=city, name="cases.csv", uploaded=csv_bytes(GOOD_ROWS), by=editor)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(URL).json()["results"]) == 8
    assert len(more) == 4


def test_the_openapi_document_describes_the_upload_and_its_answers():
    from rest_framework.test import APIClient

    document = APIClient().get("/api/v1/schema/?format=json").json()
    post_operation = document["paths"]["/api/v1/outcomes/imports/"]["post"]
    schema = post_operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["$ref"].endswith("/CaseImportUploadRequest")
    upload = document["components"]["schemas"]["CaseImportUploadRequest"]
    assert upload["properties"]["file"]["format"] == "binary"
    assert {"200", "201", "202", "400", "401", "403"} <= set(post_operation["responses"])
    assert post_operation["responses"]["202"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CaseImportJob"
    )
    assert "200" in document["paths"]["/api/v1/outcomes/imports/{id}/"]["get"]["responses"]
