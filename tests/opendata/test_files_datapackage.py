"""datapackage.json: each resource's bytes and sha256 hash (checked by Frictionless), the OCDS file as a
gzip JSON resource, the structure's version (bumped with the Table Schemas) and the sources."""

import json

import pytest
from frictionless import Package

from agreements.tables import TABLES
from opendata.bulk import current_dir, listing, opendata_export
from opendata.datapackage import SCHEMA_FINGERPRINT, VERSION, datapackage, schema_fingerprint

from .test_bulk import opendata_dir, published  # noqa: F401 — the fixtures of the bulk tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(published, settings):  # noqa: F811
    settings.KYOSO_PUBLIC_BASE_URL = "https://kyoso.example.jp"
    opendata_export()
    return json.loads((current_dir() / "datapackage.json").read_text(encoding="utf-8"))


def test_every_resource_states_its_bytes_and_sha256(package):
    files = {entry["name"]: entry for entry in listing()}
    resources = {resource["path"]: resource for resource in package["resources"]}

    assert set(resources) == {f"{t.name}.csv" for t in TABLES.values()} | {
        "ocds-releases.json.gz",
        "procedures.csv",
        "outcome_figures.csv",
        "themes.csv",
        "proposal_decisions.csv",
    }
    for path, resource in resources.items():
        assert resource["bytes"] == files[path]["bytes"], path
        assert resource["hash"] == "sha256:" + files[path]["sha256"], path


def test_the_ocds_file_is_a_gzip_json_resource(package):
    (ocds,) = [r for r in package["resources"] if r["path"] == "ocds-releases.json.gz"]

    assert ocds["name"] == "ocds-releases" and ocds["format"] == "json"
    assert ocds["mediatype"] == "application/json" and ocds["compression"] == "gz"
    assert "schema" not in ocds  # not tabular


def test_version_sources_and_dates(package):
    assert package["version"] == VERSION
    assert package["sources"] == [
        {"title": "Kyoso に各自治体が登録し公開した協定とその記録", "path": "https://kyoso.example.jp/"}
    ]
    assert package["created"].endswith("+09:00") and "." not in package["created"]
    assert package["homepage"] == "https://kyoso.example.jp/opendata/"


def test_the_version_is_bumped_when_a_table_schema_changes():
    """The Table Schemas are those VERSION describes. If this fails, a file's structure changed: bump
    opendata.datapackage.VERSION (major: a column removed, renamed or retyped; minor: a column or table
    added; patch: a description or constraint) and set SCHEMA_FINGERPRINT to the value shown."""
    current = schema_fingerprint()
    assert current == SCHEMA_FINGERPRINT, f"bump VERSION and set SCHEMA_FINGERPRINT = {current!r}"


def test_frictionless_catches_a_file_that_does_not_match_its_hash(package):
    folder = current_dir()
    assert Package(str(folder / "datapackage.json")).validate().valid
    text = (folder / "datapackage.json").read_text(encoding="utf-8")
    broken = json.loads(text)
    broken["resources"][0]["hash"] = "sha256:" + "0" * 64
    (folder / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")

    report = Package(str(folder / "broken.json")).validate()

    assert not report.valid
    assert "hash-count" in {error[0] for error in report.flatten(["type"])}


def test_the_package_without_files_still_describes_every_table():
    """The function other code calls (without sizes): the same resources, no bytes or hash."""
    package = datapackage(created="2026-01-01T00:00:00+09:00", base_url="/")

    assert [r["name"] for r in package["resources"]] == [
        *TABLES,
        "procedures",
        "outcome_figures",
        "themes",
        "proposal_decisions",
        "ocds-releases",
    ]
    assert all("hash" not in r and "bytes" not in r for r in package["resources"])
