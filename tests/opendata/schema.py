"""Validation against the official OCDS schema, copied into ocds_schema/ beside this file (see its
PROVENANCE.txt and LICENSE: Apache-2.0), the way its validate.py does it: Draft 4, the core release
schema merge-patched with the metrics extension, served to the package schemas under its absolute URL
(nothing is fetched), and a format checker (rfc3339-validator checks the date-times)."""

import json
from functools import cache
from pathlib import Path

import json_merge_patch
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

OCDS_DIR = Path(__file__).resolve().parent / "ocds_schema"


def ocds_dir() -> Path:
    """The folder of the schema copies and validate.py (part of the repository: always there)."""
    return OCDS_DIR


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validator(package_schema: str) -> Draft4Validator:
    folder = ocds_dir()
    release = json_merge_patch.merge(
        _load(folder / "release-schema.json"), _load(folder / "metrics/release-schema.json")
    )
    package = _load(folder / package_schema)
    release_url = _load(folder / "release-package-schema.json")["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(release_url, DRAFT4.create_resource(release))
    versioned_url = release_url.replace("release-schema.json", "versioned-release-validation-schema.json")
    versioned = _load(folder / "versioned-release-validation-schema.json")
    registry = registry.with_resource(versioned_url, DRAFT4.create_resource(versioned))
    validator = Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
    # A validator that accepts anything would make every "no error" assertion pass: prove that it finds
    # errors inside a release or record (the schema reached by its URL), not only missing top-level keys.
    nonsense = {"releases": [{"ocid": 1, "date": "yesterday"}], "records": [{"ocid": 1, "releases": [{"date": 1}]}]}
    inside = [e for e in validator.iter_errors(nonsense) if len(e.absolute_path) >= 3]
    assert inside, f"the OCDS schema copies in {folder} find no error inside a {package_schema} item"
    return validator


def schema_errors(package: dict, kind: str = "release") -> list[str]:
    """One line per error of a release (or record) package; empty when it is valid."""
    validator = _validator(f"{kind}-package-schema.json")
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    return ["/".join(map(str, e.absolute_path)) + " -> " + e.message[:300] for e in errors]


def release_errors(release: dict) -> list[str]:
    """Errors of one release, checked inside a minimal package."""
    package = {
        "uri": "https://example.jp/p",
        "version": "1.1",
        "publishedDate": "2024-04-01T00:00:00+09:00",
        "publisher": {"name": "test"},
        "releases": [release],
    }
    return schema_errors(package)
