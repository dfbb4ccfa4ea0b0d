"""Kyoso's own copies of the OCDS 1.1 schemas and of the extensions it declares (``schema/`` beside this
file, PROVENANCE.txt there): what the merge routine reads, what the tests validate against and what
``/api/v1/ocds/schema/…`` serves, so that nothing is ever fetched over the network.

One copy serves all three: the release schema is the core ``release-schema.json`` merge-patched
(RFC 7386) with each extension's ``release-schema.json``, as OCDS tools build it."""

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
STANDARD_TAG = "1__1__5"  # the core schema copies: open-contracting/standard, tag 1__1__5

# The metrics extension, pinned to the commit Kyoso's copy was taken from (the "1.1" branch moves; its
# only tag, v1.1 of 2017-05-09, predates that copy: docs/ocds.md, "Extensions").
METRICS_COMMIT = "fad91df868907e339e5b3b4af5c334e02b80fa4f"
METRICS_EXTENSION_URL = (
    f"https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/{METRICS_COMMIT}/"
    "extension.json"
)
# Extensions by folder under schema/extensions/. The signatories extension has no tag and no fixed
# upstream copy: the package names Kyoso's own copy (its URL depends on the deployment, see
# ``extension_urls``).
EXTENSIONS = ("metrics", "signatories")
SERVED_SUFFIXES = (".json", ".csv")
SERVED_NAMES = ("LICENSE", "PROVENANCE.txt")


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch, as OCDS applies an extension's release-schema.json (a new value)."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _load(relative: str) -> dict:
    return json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"))


@cache
def _patched_release_schema() -> dict:
    schema = _load("release-schema.json")
    for name in EXTENSIONS:
        schema = merge_patch(schema, _load(f"extensions/{name}/release-schema.json"))
    return schema


def release_schema() -> dict:
    """The core release schema merge-patched with every declared extension (read once; a copy)."""
    return json.loads(json.dumps(_patched_release_schema()))


def package_schema(kind: str) -> dict:
    """``release`` or ``record``: the core package schema, unchanged (it refers to the release schema by
    its absolute URL on standard.open-contracting.org)."""
    return _load(f"{kind}-package-schema.json")


def extension_urls(schema_base: str) -> list[str]:
    """The ``extensions`` of a package: the metrics extension upstream (pinned) and Kyoso's copy of the
    signatories extension under ``schema_base`` (the absolute URL of /api/v1/ocds/schema/)."""
    return [METRICS_EXTENSION_URL, f"{schema_base.rstrip('/')}/extensions/signatories/extension.json"]


def local_extension_dirs(schema_base: str) -> dict[str, Path]:
    """Extension URL → the folder of Kyoso's copy: what an offline validator reads instead of fetching."""
    folders = (SCHEMA_DIR / "extensions" / name for name in EXTENSIONS)
    return dict(zip(extension_urls(schema_base), folders, strict=True))


def served_file(relative: str) -> Path | None:
    """The copy at ``relative`` (a path under schema/) if it is one Kyoso serves, else None: JSON schemas,
    codelist CSVs, the licence and the provenance; never the script, never outside the folder."""
    try:
        path = (SCHEMA_DIR / relative).resolve()
        if not path.is_relative_to(SCHEMA_DIR) or not path.is_file():
            return None
    except (OSError, ValueError):  # a name too long for the file system, or not a path at all
        return None
    if path.suffix not in SERVED_SUFFIXES and path.name not in SERVED_NAMES:
        return None
    return path


@cache
def merger():
    """An OCDS merge routine (ocdsmerge) with the merge rules of Kyoso's patched release schema."""
    from ocdsmerge import Merger

    return Merger(schema=_patched_release_schema())
