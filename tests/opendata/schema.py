"""Validation against the official OCDS schema, with Kyoso's own copies (opendata/ocds/schema/, see its
PROVENANCE.txt and LICENSE: Apache-2.0) — the copies production serves at /api/v1/ocds/schema/ and
merges with. Two validators, both offline:

- ``schema_errors``: jsonschema, Draft 4, the core release schema merge-patched with the declared
  extensions, served to the package schemas under its absolute URL, with a format checker
  (rfc3339-validator checks the date-times);
- ``cove_report``: lib-cove-ocds, the validator behind the OCDS Data Review Tool, given the standard as
  a ZIP built from the copies and each declared extension as a folder of its copy, so that it fetches
  nothing (a socket opened during the check fails it)."""

import functools
import io
import json
import re
import socket
import zipfile
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from opendata.ocds.standard import SCHEMA_DIR, local_extension_dirs, release_schema


def ocds_dir() -> Path:
    """The folder of the schema copies and validate.py (part of the repository: always there)."""
    return SCHEMA_DIR


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _validator(package_schema: str) -> Draft4Validator:
    folder = ocds_dir()
    package = _load(folder / package_schema)
    release_url = _load(folder / "release-package-schema.json")["properties"]["releases"]["items"]["$ref"]
    registry = Registry().with_resource(release_url, DRAFT4.create_resource(release_schema()))
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


# --- lib-cove-ocds, offline --------------------------------------------------------------------


@cache
def standard_zip() -> bytes:
    """The standard's repository as lib-cove-ocds reads it (``{root}/schema/…``), from the copies."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard/", "")
        for path in sorted(SCHEMA_DIR.glob("*.json")) + sorted(SCHEMA_DIR.glob("codelists/*.csv")):
            archive.write(path, f"standard/schema/{path.relative_to(SCHEMA_DIR).as_posix()}")
    return buffer.getvalue()


STANDARD_URL = re.compile(r"^https?://standard\.open-contracting\.org/schema/[0-9_]+/(?P<name>[a-z-]+\.json)$")


def _local_loader(url: str, **kwargs):
    """jsonref's loader for the standard's schema URLs: the local copy, never the network."""
    match = STANDARD_URL.match(url)
    assert match is not None, f"lib-cove-ocds tried to load {url}"
    return _load(SCHEMA_DIR / match["name"])


@contextmanager
def no_network():
    """Any socket connection or name lookup in the block is an error (the check must not fetch anything);
    references to the standard's schemas are resolved from the copies."""
    import jsonref

    originals = socket.socket.connect, socket.getaddrinfo, jsonref.replace_refs

    def refuse(*args, **kwargs):
        raise AssertionError(f"lib-cove-ocds tried to reach the network: {args[1:]}")

    socket.socket.connect, socket.getaddrinfo = refuse, refuse
    jsonref.replace_refs = functools.partial(originals[2], loader=_local_loader)
    try:
        yield
    finally:
        socket.socket.connect, socket.getaddrinfo, jsonref.replace_refs = originals


def cove_report(package: dict, schema_base: str) -> dict:
    """lib-cove-ocds' API report of a release or record package, offline. ``schema_base`` is where the
    package's Kyoso-hosted extension lives (conf.schema_base_url()): both its extensions are read from
    the copies instead."""
    from libcoveocds.common_checks import common_checks_ocds
    from libcoveocds.config import LibCoveOCDSConfig
    from libcoveocds.lib.api import context_api_transform
    from libcoveocds.schema import SchemaOCDS
    from ocdsextensionregistry import ExtensionVersion

    config = LibCoveOCDSConfig({"context": "api", "standard_zip": standard_zip()})
    local = local_extension_dirs(schema_base)

    def extension(url: str) -> ExtensionVersion:
        folder = local.get(url)
        assert folder is not None, f"the package declares an extension Kyoso has no copy of: {url}"
        row = {"Id": folder.name, "Date": "", "Version": "", "Base URL": None, "Download URL": folder.as_uri()}
        version = ExtensionVersion(row, input_url=url)
        version.allow_schemes = {"file"}
        return version

    with no_network():
        schema = SchemaOCDS(package.get("version"), package, config, record_pkg="records" in package)
        # The profile builder reads each declared extension from its local copy (a folder, as a ZIP).
        schema.builder.extensions = lambda: (extension(url) for url in package.get("extensions", []))
        schema.builder_extensions = list(schema.builder.extensions())
        context = common_checks_ocds({"file_type": "json"}, "", package, schema, cache=False)
        context_api_transform(context)
    return context
