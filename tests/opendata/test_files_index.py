"""index.json: when the set was generated, the licence, and for every file its URL, rows, bytes and
SHA-256 — the rows being those of the files; and the whole set read from one snapshot of the database."""

import csv
import gzip
import hashlib
import io
import json
import threading

import pytest
from django.db import connection
from django.utils import timezone

from agreements.models import Agreement
from opendata import bulk
from opendata.bulk import current_dir, opendata_export
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, PartyFactory

from .test_bulk import CSV_FILES, opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.usefixtures("published")
def test_index_json_gives_generated_time_licence_and_each_files_rows_bytes_and_checksum():
    opendata_export()
    folder = current_dir()

    index = client_for().get("/opendata/index.json").json()

    assert index["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert index["generated"].endswith("+09:00") and "." not in index["generated"]  # no microseconds
    assert index["catalogue"] == "http://testserver/opendata/catalog.jsonld"
    files = {f["name"]: f for f in index["files"]}
    assert set(files) == {p.name for p in folder.iterdir() if not p.name.startswith(".")}
    for name, entry in files.items():
        data = (folder / name).read_bytes()
        assert entry["url"] == f"http://testserver/opendata/{name}"
        assert entry["bytes"] == entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["modified"] == index["generated"]
    for name in CSV_FILES:
        rows = len(csv_rows((folder / name).read_bytes()))
        assert files[name]["rows"] == files[f"{name}.gz"]["rows"] == rows, name
    assert files["agreements.csv"]["rows"] == 1  # the draft is not counted
    releases = json.loads(gzip.decompress((folder / "ocds-releases.json.gz").read_bytes()))["releases"]
    assert files["ocds-releases.json.gz"]["rows"] == len(releases) >= 1
    assert files["datapackage.json"]["rows"] is None and files["SHA256SUMS"]["rows"] is None


def test_index_json_before_the_first_export(db):
    index = client_for().get("/opendata/index.json").json()

    assert index["files"] == [] and index["archives"] == [] and index["generated"] is None


@pytest.mark.usefixtures("published")
def test_the_page_shows_rows_and_the_catalogue_link():
    opendata_export()

    html = client_for().get("/opendata/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "agreements.csv.gz" in html and 'href="/opendata/catalog.jsonld"' in html
    assert 'type="application/ld+json"' in html


@pytest.mark.django_db(transaction=True)
def test_a_record_published_while_the_files_are_written_is_in_none_of_them(
    postgres_only, city, organization, monkeypatch, settings, tmp_path
):
    """Given an agreement published by another transaction after agreements.csv was written and before
    parties.csv is, then neither file holds it (one snapshot: parties.csv has no party whose 協定ID is
    missing from agreements.csv) and the rows counted are the rows written."""
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    shown = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    PartyFactory(agreement=shown, organization=organization)
    late = AgreementFactory(municipality=city)
    PartyFactory(agreement=late, organization=organization)
    write_csv = bulk._write_csv

    def publish_late():
        try:
            Agreement.objects.filter(pk=late.pk).update(published=True, published_at=timezone.now())
        finally:
            connection.close()

    def write_then_publish(folder, table, queryset):
        entries = write_csv(folder, table, queryset)
        if table.name == "agreements":
            thread = threading.Thread(target=publish_late)
            thread.start()
            thread.join(timeout=30)
        return entries

    monkeypatch.setattr(bulk, "_write_csv", write_then_publish)
    counts = opendata_export()

    assert Agreement.objects.get(pk=late.pk).published  # it did commit meanwhile
    folder = current_dir()
    agreements = {row["ID"] for row in csv_rows((folder / "agreements.csv").read_bytes())}
    parties = csv_rows((folder / "parties.csv").read_bytes())
    assert agreements == {shown.public_id}
    assert {row["協定ID"] for row in parties} == {shown.public_id}
    assert counts["parties.csv"] == len(parties) == 1
