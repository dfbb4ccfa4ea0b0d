"""The workspace's dry-run page shows how the columns were read and what will happen, and lets the
officer correct the mapping (a new dry run) before importing for real."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import Agreement
from imports.jobs import import_run
from imports.models import ImportJob

from .test_city_lists import city_csv

pytestmark = pytest.mark.django_db


def dry_run(city, editor, content, mapping=None):
    job = ImportJob(municipality=city, original_name="list.csv", dry_run=True, created_by=editor, mapping=mapping or {})
    job.file.save("list.csv", SimpleUploadedFile("list.csv", content), save=False)
    job.save()
    return import_run(job)


def test_the_report_shows_the_mapping_and_the_notes_and_the_mapping_can_be_corrected(
    client, city, editor, django_capture_on_commit_callbacks
):
    content = city_csv(
        ["締結先", "締結日", "メモ"], ["令和6年度", "", ""], ["株式会社新規", "令和6年8月22日付け", "覚え書き"]
    )
    job = dry_run(city, editor, content)
    assert job.status == "succeeded", job.errors
    client.force_login(editor)
    page = client.get(reverse("workspace:import", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How the columns were read" in page
    assert 'name="column_3"' in page and "kept as a source column" in page
    assert "Row 2: heading 「令和6年度」" in page
    assert "株式会社新規" in page and "Titles made by Kyoso" in page

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("workspace:import-confirm", args=[job.pk]),
            {
                "recheck": "1",
                "column_1": "partners",
                "column_2": "signed_on",
                "column_3": "summary",
                "default_kind": "",
            },
        )
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("workspace:import", args=[again.pk])
    assert again.dry_run and again.mapping == {"3": "summary"}
    again = import_run(again)
    assert {m["header"]: m["field"] for m in again.result["mapping"]}["メモ"] == "summary"

    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("workspace:import-confirm", args=[again.pk]))
    real = ImportJob.objects.get(dry_run=False)
    assert real.mapping == {"3": "summary"}  # imported as the dry run read it
    import_run(real)
    assert Agreement.objects.get().summary == "覚え書き"


def test_a_field_chosen_twice_is_refused(client, city, editor):
    job = dry_run(city, editor, city_csv(["締結先", "締結日"], ["株式会社A", "2024/4/1"]))
    client.force_login(editor)
    client.post(
        reverse("workspace:import-confirm", args=[job.pk]),
        {"recheck": "1", "column_1": "signed_on", "column_2": "signed_on"},
    )
    assert ImportJob.objects.count() == 1
