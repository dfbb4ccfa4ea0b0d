"""The nightly bulk files: written completely, switched in atomically, listed with checksums, served,
valid (Frictionless and OCDS), and free of personal data and unpublished records."""

import gzip
import hashlib
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from frictionless import Package

from opendata.bulk import current_dir, opendata_export
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    DeliverableFactory,
    InitiativeFactory,
    MeasurementFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    ready_to_publish,
)

from .schema import ocds_dir

pytestmark = pytest.mark.django_db
CSV_FILES = [
    "agreements.csv",
    "parties.csv",
    "initiatives.csv",
    "deliverables.csv",
    "indicators.csv",
    "measurements.csv",
    "organizations.csv",
    "procedures.csv",
    "outcome_figures.csv",
    "themes.csv",
    "proposal_decisions.csv",
]


@pytest.fixture(autouse=True)
def opendata_dir(tmp_path, settings):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    return settings.KYOSO_OPENDATA_DIR


@pytest.fixture
def published(city, organization, approver, django_capture_on_commit_callbacks):
    from agreements import services

    agreement = AgreementFactory(municipality=city, municipal_cost_jpy=0)
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    contact = ContactFactory(
        organization=organization, name="秘密 次郎", email="jiro.secret@example.jp", phone="090-9999-0000"
    )
    agreement.contacts.add(contact)
    deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)
    indicator = OutcomeIndicatorFactory(agreement=agreement, reporter=organization)
    MeasurementFactory(indicator=indicator)
    with django_capture_on_commit_callbacks(execute=True):  # the OCDS release is recorded after commit
        services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    AgreementFactory(municipality=city, title="非公開の下書き")
    return agreement, deliverable


def test_export_writes_every_file_and_checksums(published, opendata_dir):
    call_command("export_opendata")
    folder = current_dir()
    names = sorted(p.name for p in folder.iterdir())
    published_names = sorted(
        [*CSV_FILES, *(f"{name}.gz" for name in CSV_FILES), "ocds-releases.json.gz", "datapackage.json", "SHA256SUMS"]
    )
    assert [name for name in names if not name.startswith(".")] == published_names
    summed = []
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
        summed.append(name)
    assert summed == [name for name in published_names if name != "SHA256SUMS"]


def test_each_gzip_variant_holds_the_same_bytes_as_its_csv(published):
    """Given an export, then every CSV has a .csv.gz whose decompressed bytes are the CSV's, and two
    exports of the same data give byte-identical compressed files (no time in the gzip header; the OCDS
    package dated by its latest release), hence the same checksums and ETags."""
    opendata_export()
    first = current_dir()
    for name in CSV_FILES:
        assert gzip.decompress((first / f"{name}.gz").read_bytes()) == (first / name).read_bytes()
    opendata_export()
    for name in ("agreements.csv.gz", "ocds-releases.json.gz"):
        assert (current_dir() / name).read_bytes() == (first / name).read_bytes(), name


def test_files_hold_published_records_only_and_no_personal_data(published):
    opendata_export()
    folder = current_dir()
    text = "".join(
        (folder / p).read_text(encoding="utf-8")
        for p in ("agreements.csv", "parties.csv", "organizations.csv", "datapackage.json")
    )
    text += gzip.decompress((folder / "ocds-releases.json.gz").read_bytes()).decode()
    assert published[0].public_id in text
    assert "非公開の下書き" not in text
    for secret in ("秘密", "jiro.secret", "090-9999"):
        assert secret not in text


def test_csv_encoding_and_leading_columns(published):
    opendata_export()
    raw = (current_dir() / "agreements.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8").splitlines()[0].startswith("全国地方公共団体コード,ID,地方公共団体名,")


def test_frictionless_validates_the_data_package(published):
    opendata_export()
    report = Package(str(current_dir() / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_ocds_bulk_package_validates_with_the_official_schema(published, tmp_path):
    opendata_export()
    package = tmp_path / "package.json"
    package.write_bytes(gzip.decompress((current_dir() / "ocds-releases.json.gz").read_bytes()))
    assert json.loads(package.read_text())["releases"]
    validate = ocds_dir() / "validate.py"  # the official schema copies live in the repository
    result = subprocess.run([sys.executable, str(validate), str(package)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]


def test_a_new_set_replaces_the_old_atomically(published, opendata_dir):
    opendata_export()
    first = current_dir()
    opendata_export()
    second = current_dir()
    assert first != second and (opendata_dir / "current").is_symlink()
    opendata_export()
    assert not first.exists()  # only the latest two sets are kept
    assert not list((opendata_dir / "sets").glob(".*partial"))


def test_listing_page_and_downloads(published):
    opendata_export()
    client = client_for()
    page = client.get("/opendata/", HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 200
    html = page.content.decode()
    assert "agreements.csv" in html and "ocds-releases.json.gz" in html
    listing = client.get("/opendata/index.json").json()["files"]
    entry = next(f for f in listing if f["name"] == "agreements.csv")
    response = client.get("/opendata/agreements.csv")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["bytes"]
    assert client.get("/opendata/agreements.csv", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/opendata/../settings.py").status_code == 404
    assert client.get("/opendata/secret.txt").status_code == 404
    assert client.get("/opendata/.manifest.json").status_code == 404


def test_listing_before_the_first_export(db):
    page = client_for().get("/opendata/")
    text = page.content.decode()
    assert page.status_code == 200 and "written every night" in text and "manage.py" not in text


def test_nightly_task_is_scheduled():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"opendata.export", "agreements.daily", "notifications.send"} <= schedule
