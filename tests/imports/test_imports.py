"""Importing an officer's list: clean files in every encoding and format, bad rows reported by row and
column with nothing changed, dry runs, the command and the API."""

import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from agreements.models import Agreement, Party
from imports.columns import HEADERS
from imports.jobs import import_run
from imports.models import ImportJob
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, DepartmentFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="株式会社インポート", corporate_number="4000020270008")


def row(**values):
    base = {
        "協定名": "包括連携協定",
        "概要": "地域の課題解決に向けた連携",
        "協定種別": "包括連携協定",
        "締結日": "2024/7/1",
        "開始日": "2024-07-01",
        "終了日": "2027-03-31",
        "状態": "締結中",
        "市の費用_円": "0",
        "連携分野": "子育て;DX・行政サービス",
        "連携先法人番号": "4000020270008",
    }
    base.update(values)
    return [base.get(h, "") for h in HEADERS]


def csv_bytes(rows, encoding="utf-8", headers=HEADERS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(city, name, content, *, by=None, dry_run=False):
    job = ImportJob(municipality=city, original_name=name, dry_run=dry_run, created_by=by)
    job.file.save(name, SimpleUploadedFile(name, content), save=False)
    job.save()
    return import_run(job)


def errors_of(job):
    return {(e["row"], e["column"]) for e in job.errors}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_clean_csv_in_every_encoding_imports_every_row(city, editor, partner_org, encoding):
    content = csv_bytes(
        [
            row(協定名="一つ目"),
            row(協定名="二つ目", 協定ID="272299-2023-005", 締結日="2023-05-01", 開始日="2023-05-01"),
        ],
        encoding=encoding,
    )
    job = run(city, "list.csv", content, by=editor)
    assert job.status == "succeeded", job.errors
    assert job.result["created"] == 2
    first = Agreement.objects.get(title="一つ目")
    assert first.public_id == "272299-2024-001" and first.status == "active" and first.zero_budget
    assert set(first.fields.values_list("code", flat=True)) == {"childcare", "dx_public_services"}
    assert Party.objects.get(agreement=first).organization == partner_org
    assert first.history.first().history_user == editor
    assert Agreement.objects.filter(public_id="272299-2023-005").exists()


def test_xlsx_imports(city, editor, partner_org):
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(row(協定名="エクセルの協定"))
    out = io.BytesIO()
    book.save(out)
    job = run(city, "list.xlsx", out.getvalue(), by=editor)
    assert job.status == "succeeded", job.errors
    assert Agreement.objects.get().title == "エクセルの協定"


def test_bad_rows_are_named_by_row_and_column_and_nothing_changes(city, editor, partner_org):
    AgreementFactory(municipality=city, public_id="272299-2024-050")
    before = Agreement.objects.count()
    rows = [
        row(協定名="良い行"),  # row 2: fine on its own
        row(協定ID="272299-2024-050"),  # row 3: already in Kyoso — an update, not an error
        row(開始日="2025-04-01", 終了日="2024-03-31"),  # row 4: reversed dates
        row(市の費用_円="-5000"),  # row 5: negative yen
        row(連携先法人番号="5000020270008"),  # row 6: unknown organization
        row(協定ID="272299-2024-060"),  # row 7
        row(協定ID="272299-2024-060"),  # row 8: duplicate id in the file
        row(協定種別="条約"),  # row 9: not a kind
        row(締結日="2024-02-30"),  # row 10: no such date
        row(協定ID="272290-2024-001"),  # row 11: another municipality's code
    ]
    job = run(city, "bad.csv", csv_bytes(rows), by=editor)
    assert job.status == "failed"
    assert {
        (4, "終了日"),
        (5, "市の費用_円"),
        (6, "連携先法人番号"),
        (8, "協定ID"),
        (9, "協定種別"),
        (10, "締結日"),
        (11, "協定ID"),
    } <= errors_of(job)
    assert not any(e["row"] in (2, 3) for e in job.errors)
    assert Agreement.objects.count() == before  # all or nothing
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "end date" in messages[(4, "終了日")]
    assert "twice" in messages[(8, "協定ID")] and "row 7" in messages[(8, "協定ID")]


def test_missing_and_unknown_columns_are_not_refused_and_unknown_ones_are_kept(city, editor):
    content = csv_bytes([["x", "y"]], headers=["協定名", "色"])
    job = run(city, "odd.csv", content, by=editor)
    assert job.status == "succeeded", job.errors
    assert [(m["header"], m["field"]) for m in job.result["mapping"]] == [("協定名", "title"), ("色", "")]
    agreement = Agreement.objects.get()
    # no kind column: the default (other); no date: a draft; the column with no field kept as written
    assert (agreement.kind, agreement.status, agreement.source_columns) == ("other", "draft", {"色": "y"})


def test_dry_run_checks_and_imports_nothing(city, editor, partner_org):
    job = run(city, "list.csv", csv_bytes([row()]), by=editor, dry_run=True)
    assert job.status == "succeeded"
    assert job.result | {"rows": 1, "errors": 0, "created": 0, "dry_run": True, "public_ids": []} == job.result
    assert {m["header"]: m["field"] for m in job.result["mapping"]}["連携先法人番号"] == "partner_numbers"
    assert not Agreement.objects.exists()


def test_individual_agreement_under_a_parent_in_the_same_file(city, editor, partner_org):
    rows = [
        row(協定ID="272299-2024-010"),
        row(協定ID="272299-2024-011", 協定種別="個別協定", 親協定ID="272299-2024-010", 協定名="個別"),
    ]
    job = run(city, "list.csv", csv_bytes(rows), by=editor)
    assert job.status == "succeeded", job.errors
    assert Agreement.objects.get(public_id="272299-2024-011").parent.public_id == "272299-2024-010"


def test_departments_are_matched_or_created_and_publishing_needs_an_approver(city, editor, approver, partner_org):
    from partnerships.models import Department

    DepartmentFactory(municipality=city, name="企画課")
    rows = [row(担当課="企画課", 公開="はい"), row(担当課="未登録課")]
    job = run(city, "list.csv", csv_bytes(rows), by=editor)
    assert errors_of(job) == {(2, "公開")}
    job = run(city, "list.csv", csv_bytes([row(担当課="未登録課")]), by=editor)
    assert job.status == "succeeded", job.errors
    assert job.result["notes"]["new_departments"] == [{"name": "未登録課", "row": 2}]
    assert Agreement.objects.get().department == Department.objects.get(municipality=city, name="未登録課")
    Agreement.objects.all().delete()
    job = run(city, "list.csv", csv_bytes([row(担当課="企画課", 公開="はい")]), by=approver)
    assert job.status == "succeeded", job.errors
    assert Agreement.objects.get().published


def test_unreadable_file(city, editor):
    job = run(city, "list.csv", "協定名\n".encode("utf-16"), by=editor)
    assert job.status == "failed" and "UTF-8" in job.errors[0]["message"]


def test_import_finishing_notifies_the_importer(city, editor, partner_org):
    from notifications.models import Notice

    run(city, "list.csv", csv_bytes([row()]), by=editor)
    notice = Notice.objects.get(recipient=editor, kind="import_finished")
    assert notice.params["file"] == "list.csv"


def test_command_reports_errors_and_fails(city, partner_org, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([row(市の費用_円="-1")]))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_agreements", str(path), municipality="272299", stderr=err)
    assert "row 2, 市の費用_円" in err.getvalue()
    path.write_bytes(csv_bytes([row()]))
    out = StringIO()
    call_command("import_agreements", str(path), municipality="272299", dry_run=True, stdout=out)
    assert "all 1 rows are valid" in out.getvalue() and not Agreement.objects.exists()
    call_command("import_agreements", str(path), municipality="272299", stdout=out)
    assert Agreement.objects.count() == 1


def test_api_upload_runs_and_reports(city, editor, partner_org, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        client = client_for(editor)
        upload = SimpleUploadedFile("list.csv", csv_bytes([row()]), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/imports/", {"municipality": "272299", "file": upload, "dry_run": "false"}, format="multipart"
            )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (job["status"], job["progress"], job["result"]["created"]) == ("succeeded", 100, 1)


def test_api_import_is_for_editors_of_that_municipality(city, other_editor, partner, viewer):
    for user in (other_editor, partner, viewer):
        upload = SimpleUploadedFile("list.csv", csv_bytes([row()]), content_type="text/csv")
        response = client_for(user).post(
            "/api/v1/imports/", {"municipality": "272299", "file": upload}, format="multipart"
        )
        assert response.status_code == 403, user
    assert client_for().post("/api/v1/imports/", {}, format="multipart").status_code == 401


def test_the_xlsx_template_filled_in_with_its_own_examples_imports(city, editor, partner_org):
    """The template's first sheet, filled in with the examples its guide sheet gives for each column,
    imports as it is: the headers are the ones the importer reads and the examples are valid."""
    book = load_workbook(io.BytesIO(client_for().get("/api/v1/imports/template/?type=xlsx").content))
    sheet, guide = book.worksheets
    assert guide.title == "記入方法"
    examples = {
        column: example or "" for column, _required, _help, example in guide.iter_rows(min_row=2, values_only=True)
    }
    sheet.append([examples[cell.value] for cell in sheet[1]])
    out = io.BytesIO()
    book.save(out)

    job = run(city, "template.xlsx", out.getvalue(), by=editor)

    assert job.status == "succeeded", job.errors
    agreement = Agreement.objects.get()
    assert (agreement.title, agreement.kind, agreement.status, agreement.selection_method) == (
        "株式会社サンプルとの包括連携協定",
        "comprehensive",
        "active",
        "proposal",
    )
    assert (agreement.signed_on.isoformat(), agreement.ends_on.isoformat()) == ("2024-07-01", "2027-03-31")
    assert agreement.auto_renewal and agreement.renewal_term_months == 12
    assert (agreement.municipal_cost_jpy, agreement.partner_contribution_jpy) == (0, 3_000_000)
    assert set(agreement.fields.values_list("code", flat=True)) == {"childcare", "dx_public_services"}
    assert Party.objects.get(agreement=agreement).organization == partner_org
    assert not agreement.published


def test_the_csv_template_with_a_row_added_imports(city, editor, partner_org):
    """Excel opens the CSV template (UTF-8 with BOM) and appends a row; the importer reads its header."""
    template = client_for().get("/api/v1/imports/template/?type=csv").content
    assert template.startswith(b"\xef\xbb\xbf")
    filled = template + ",".join(row(協定名="CSVの協定")).encode("utf-8") + b"\r\n"

    job = run(city, "template.csv", filled, by=editor)

    assert job.status == "succeeded", job.errors
    assert Agreement.objects.get().title == "CSVの協定"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_empty_template_has_every_column_the_importer_reads_and_no_other(city, editor, kind):
    """Uploaded empty, the template's only problem is that it has no rows: no column is missing or unknown."""
    template = client_for().get(f"/api/v1/imports/template/?type={kind}").content

    job = run(city, f"template.{kind}", template, by=editor)

    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [(0, "", "The file has no rows to import.")]


def test_a_job_left_running_by_a_dead_worker_is_run_again(city, editor, partner_org):
    from imports.tasks import import_agreements

    job = ImportJob(municipality=city, original_name="list.csv", dry_run=False, created_by=editor, status="running")
    job.file.save("list.csv", SimpleUploadedFile("list.csv", csv_bytes([row()])), save=False)
    job.save()
    import_agreements(job.pk)  # the redelivered task
    job.refresh_from_db()
    assert job.status == "succeeded" and Agreement.objects.count() == 1
    import_agreements(job.pk)  # a further delivery of a finished job does nothing
    assert Agreement.objects.count() == 1


def test_an_unknown_value_is_answered_with_the_allowed_ones(city, editor):
    """Issue 14: an import error for a coded column lists what may be written there."""
    job = run(city, "list.csv", csv_bytes([row(協定種別="条約")]), by=editor)
    (error,) = [e for e in job.errors if e["column"] == "協定種別"]
    assert "条約" in error["message"]
    for label in ("包括連携協定", "個別協定", "覚書"):
        assert label in error["message"]
