"""Dated yearly archives of the bulk set: made by the nightly export itself (the first run of a year, or
whenever the year has none), the last KYOSO_OPENDATA_ARCHIVES_KEPT kept, each a zip that validates on
its own, listed on /opendata/ and in index.json, and served with ranges like the other files."""

import datetime
import hashlib
import io
import zipfile

import pytest
from frictionless import Package

from opendata import bulk
from opendata.bulk import archive_listing, archives_dir, opendata_export
from tests.api.conftest import client_for

from .test_bulk import opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db
JST = datetime.timezone(datetime.timedelta(hours=9))


def night(year, month, day) -> datetime.datetime:
    return datetime.datetime(year, month, day, 2, 30, tzinfo=JST)


def archive_names() -> list[str]:
    return sorted(p.name for p in archives_dir().iterdir() if p.suffix == ".zip")


@pytest.mark.usefixtures("published")
def test_the_first_export_of_a_year_keeps_a_dated_archive_and_later_ones_do_not():
    """Given nightly exports from mid-2026 to 2027, then the first makes 2026's archive (none existed),
    the others of 2026 make none, and the first of 2027 makes 2027's."""
    opendata_export(now=night(2026, 6, 15))
    opendata_export(now=night(2026, 6, 16))
    opendata_export(now=night(2026, 12, 31))
    assert archive_names() == ["kyoso-opendata-2026-06-15.zip"]

    opendata_export(now=night(2027, 1, 1))

    assert archive_names() == ["kyoso-opendata-2026-06-15.zip", "kyoso-opendata-2027-01-01.zip"]


@pytest.mark.usefixtures("published")
def test_only_the_last_n_archives_are_kept(settings):
    settings.KYOSO_OPENDATA_ARCHIVES_KEPT = 2
    for year in (2026, 2027, 2028):
        opendata_export(now=night(year, 1, 1))

    assert archive_names() == ["kyoso-opendata-2027-01-01.zip", "kyoso-opendata-2028-01-01.zip"]
    listed = (archives_dir() / "SHA256SUMS").read_text()
    assert "2026" not in listed and listed.count(".zip") == 2


def test_the_default_keeps_five():
    assert bulk.archives_kept() == 5


@pytest.mark.usefixtures("published")
def test_an_archive_holds_the_set_with_its_datapackage_and_checksums_and_validates(tmp_path):
    """Given the year's archive, then it unpacks into one dated folder holding every CSV, the OCDS file,
    datapackage.json and a SHA256SUMS of exactly those files; Frictionless validates it there."""
    opendata_export(now=night(2026, 1, 2))
    (archive,) = archives_dir().glob("*.zip")

    with zipfile.ZipFile(archive) as zipped:
        names = sorted(zipped.namelist())
        zipped.extractall(tmp_path)
    folder = tmp_path / "kyoso-opendata-2026-01-02"

    assert all(name.startswith("kyoso-opendata-2026-01-02/") for name in names)
    assert {"agreements.csv", "ocds-releases.json.gz", "datapackage.json", "SHA256SUMS"} <= {
        p.name for p in folder.iterdir()
    }
    assert not list(folder.glob("*.csv.gz"))
    sums = [line.split("  ") for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert sorted(name for _digest, name in sums) == sorted(p.name for p in folder.iterdir() if p.name != "SHA256SUMS")
    for digest, name in sums:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.usefixtures("published")
def test_archives_are_listed_and_served_with_ranges():
    opendata_export(now=night(2026, 1, 1))
    opendata_export(now=night(2027, 1, 1))
    client = client_for()

    page = client.get("/opendata/").content.decode()
    index = client.get("/opendata/index.json").json()["archives"]

    assert "kyoso-opendata-2027-01-01.zip" in page and "kyoso-opendata-2026-01-01.zip" in page
    assert [a["name"] for a in index] == ["kyoso-opendata-2027-01-01.zip", "kyoso-opendata-2026-01-01.zip"]
    newest = index[0]
    assert newest["date"] == "2027-01-01" and newest["year"] == 2027
    assert newest["url"] == "http://testserver/opendata/archives/kyoso-opendata-2027-01-01.zip"
    response = client.get(newest["url"])
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert len(body) == newest["bytes"] and hashlib.sha256(body).hexdigest() == newest["sha256"]
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    part = client.get(newest["url"], headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"PK\x03\x04"
    assert client.get(newest["url"], headers={"If-None-Match": response["ETag"]}).status_code == 304
    for missing in ("kyoso-opendata-2020-01-01.zip", "SHA256SUMS", "..%2Fcurrent"):
        assert client.get(f"/opendata/archives/{missing}").status_code == 404


@pytest.mark.usefixtures("published")
def test_an_interrupted_archive_is_cleaned_and_made_again():
    """Given an export killed while zipping (a partial file left, no archive), then the next run removes
    the partial file and makes the year's archive; a checksum lost after a crash is taken again."""
    archives_dir().mkdir(parents=True)
    (archives_dir() / ".kyoso-opendata-2026-03-01.zip.partial").write_bytes(b"PK")

    opendata_export(now=night(2026, 3, 2))
    (archives_dir() / "SHA256SUMS").unlink()
    opendata_export(now=night(2026, 3, 3))

    assert [p.name for p in archives_dir().iterdir() if p.name.startswith(".")] == []
    (entry,) = archive_listing()
    assert entry["name"] == "kyoso-opendata-2026-03-02.zip"
    assert entry["sha256"] == hashlib.sha256((archives_dir() / entry["name"]).read_bytes()).hexdigest()
