"""The import's write phase on COPY (PostgreSQL, issue 12): the same agreements, parties, fields,
organizations and history rows as the ORM path writes (which SQLite keeps); all or nothing; public ids
allocated under the same lock as an officer's create, so the two never take the same number."""

import csv
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from agreements.models import Agreement, CooperationField, Party
from imports import jobs
from imports.jobs import import_run
from imports.models import ImportJob
from partnerships.models import Department, Organization
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, OrganizationFactory

HEADERS = ["番号", "協定ID", "協定名", "協定種別", "親協定ID", "概要", "連携分野", "締結日", "終了日", "担当課"]
HEADERS += ["連携先", "公開", "備考"]


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run(city, content, *, by):
    job = ImportJob(municipality=city, original_name="list.csv", dry_run=False, created_by=by)
    job.file.save("list.csv", SimpleUploadedFile("list.csv", content), save=False)
    job.save()
    return import_run(job)


A_LIST = [
    {
        "番号": "1",
        "協定ID": "272299-2024-010",
        "協定名": "地域活性化に関する包括連携協定",
        "協定種別": "包括連携協定",
        "概要": "まちづくり全般",
        "連携分野": "子育て;防災",
        "締結日": "令和6年4月1日",
        "終了日": "2027/3/31",
        "担当課": "企画課",
        "連携先": "㈱とりせん、株式会社既存パートナー",
        "公開": "はい",
        "備考": "第1号",
    },
    {
        "番号": "2",
        "協定名": "子育て支援に関する個別協定",
        "協定種別": "個別協定",
        "親協定ID": "272299-2024-010",
        "連携分野": "子育て支援",
        "締結日": "2024-05-01",
        "担当課": "新設の課",
        "連携先": "日本生命保険相互会社京阪支社、日本生命保険相互会社大阪支社",
        "公開": "いいえ",
    },
    {"番号": "3", "協定名": "調整中の協定", "連携先": "(一社)四條畷青年会議所", "備考": "日付未定"},
    {
        "番号": "9",
        "協定名": "取り込み直しの協定",
        "締結日": "2020/4/1",
        "連携先": "株式会社既存パートナー",
        "連携分野": "子育て",
        "公開": "はい",
    },
]


def snapshot():
    """What the import wrote, by natural keys (ids and timestamps differ between two runs)."""
    public_id = dict(Agreement.objects.values_list("pk", "public_id"))
    org_name = dict(Organization.objects.values_list("pk", "name"))
    volatile = {"id", "created_at", "updated_at", "published_at", "parent_id", "department_id", "history_id"}
    volatile |= {"history_date"}

    def agreement_row(values):
        row = {k: v for k, v in values.items() if k not in volatile}
        row["parent"] = public_id.get(values["parent_id"])
        row["department"] = Department.objects.filter(pk=values["department_id"]).values_list("name", flat=True).first()
        row["published_at_set"] = values["published_at"] is not None
        return row

    def party_row(values):
        row = {k: v for k, v in values.items() if k not in volatile | {"agreement_id", "organization_id"}}
        return row | {
            "agreement": public_id[values["agreement_id"]],
            "organization": org_name[values["organization_id"]],
        }

    def org_row(values):
        return {k: v for k, v in values.items() if k not in volatile}

    def key(row):
        return repr(sorted(row.items(), key=lambda item: item[0]))

    return {
        "agreements": sorted((agreement_row(v) for v in Agreement.objects.values()), key=key),
        "agreement_history": sorted((agreement_row(v) for v in Agreement.history.values()), key=key),
        "parties": sorted((party_row(v) for v in Party.objects.values()), key=key),
        "party_history": sorted((party_row(v) for v in Party.history.values()), key=key),
        "fields": sorted(
            (public_id[a], code)
            for a, code in Agreement.fields.through.objects.values_list("agreement_id", "cooperationfield__code")
        ),
        "organizations": sorted((org_row(v) for v in Organization.objects.values()), key=key),
        "organization_history": sorted((org_row(v) for v in Organization.history.values()), key=key),
        "departments": sorted(Department.objects.values_list("municipality_id", "name")),
    }


def import_then_undo(city, by):
    """Import A_LIST, read what was written, and roll it all back."""
    with transaction.atomic():
        job = run(city, csv_bytes(A_LIST), by=by)
        assert job.status == "succeeded", job.errors
        written = snapshot()
        transaction.set_rollback(True)
    return job, written


@pytest.mark.django_db
def test_copy_writes_exactly_the_rows_the_orm_path_writes(postgres_only, city, approver, monkeypatch):
    """Same agreements (ids, parents, departments, source columns, publication), fields, parties
    (branches, organizations created on the way), organizations and history rows, COPY or not."""
    OrganizationFactory(name="株式会社既存パートナー")
    AgreementFactory(municipality=city, public_id="272299-2020-001", source_ref="9", title="旧")  # re-imported
    CooperationField.objects.get_or_create(code="childcare", defaults={"name": "子育て"})
    CooperationField.objects.get_or_create(code="disaster_prevention", defaults={"name": "防災"})

    copy_job, by_copy = import_then_undo(city, approver)
    monkeypatch.setattr(jobs, "copy_supported", lambda: False)
    orm_job, by_orm = import_then_undo(city, approver)

    assert copy_job.result["public_ids"] == orm_job.result["public_ids"]
    assert copy_job.result["created"] == 3 and copy_job.result["updated"] == 1
    for table in by_orm:
        assert by_copy[table] == by_orm[table], table
    assert len(by_copy["agreement_history"]) == 3 + 2  # "+" of each new one; the re-imported one's old "+" and "~"
    assert {h["history_user_id"] for h in by_copy["agreement_history"] if h["history_type"] == "+"} >= {approver.pk}
    assert any(a["source_columns"] for a in by_copy["agreements"])
    assert {p["branch"] for p in by_copy["parties"]} >= {"京阪支社、大阪支社"}


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing(city, editor, monkeypatch):
    """An error after the agreements and their history are written (here: writing the parties) undoes
    everything: agreements, history, fields, organizations created on the way, departments."""
    before = snapshot()
    real = jobs._create_with_history

    def fail_on_parties(model, objs, **kwargs):
        real(model, objs, **kwargs)
        if model is Party:
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(jobs, "_create_with_history", fail_on_parties)
    rows = [{**row, "公開": ""} for row in A_LIST]
    with pytest.raises(RuntimeError):
        run(city, csv_bytes(rows), by=editor)
    assert snapshot() == before
    assert not Agreement.objects.exists() and not Agreement.history.exists()


@pytest.mark.django_db(transaction=True)
def test_an_officer_creating_during_an_import_takes_the_next_id(postgres_only, city, editor, monkeypatch):
    """The import holds the city's 2025 ids from allocation to commit: an API create made meanwhile
    waits, then takes the number after the import's last (no duplicate, no gap)."""
    allocated, release = threading.Event(), threading.Event()
    real = jobs._assign_public_ids

    def assign_then_pause(municipality, checked):
        real(municipality, checked)
        allocated.set()
        release.wait(timeout=2)  # the API create starts now and must wait for our commit

    monkeypatch.setattr(jobs, "_assign_public_ids", assign_then_pause)
    rows = [{"協定名": f"同時取り込み{n}", "締結日": "2025-06-01", "連携先": "株式会社同時"} for n in range(30)]
    results = {}

    def importing():
        try:
            results["job"] = run(city, csv_bytes(rows), by=editor)
        finally:
            connection.close()

    def creating():
        try:
            allocated.wait(timeout=30)
            threading.Timer(0.5, release.set).start()
            body = {"title": "同時作成", "kind": "other", "municipality": "272299", "signed_on": "2025-06-01"}
            results["api"] = client_for(editor).post("/api/v1/agreements/", body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=importing), threading.Thread(target=creating)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results["job"].status == "succeeded", results["job"].errors
    assert results["api"].status_code == 201, results["api"].content[:300]
    assert results["api"].json()["public_id"] == "272299-2025-031"
    ids = sorted(Agreement.objects.filter(public_id__startswith="272299-2025-").values_list("public_id", flat=True))
    assert ids == [f"272299-2025-{n:03d}" for n in range(1, 32)]
