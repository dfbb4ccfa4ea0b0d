"""Validate an OCDS 1.1 release package offline against the schema copies beside this file.

usage: python validate.py PACKAGE.json [--extension extensions/metrics] [--schema-dir DIR]
needs: jsonschema, referencing, json-merge-patch, rfc3339-validator (pip)
Prints one line per error and a count; exits 1 when there are errors.
"""

import argparse
import json
import sys
from pathlib import Path

import json_merge_patch
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

ap = argparse.ArgumentParser()
ap.add_argument("package")
ap.add_argument(
    "--extension", action="append", default=None, help="extension folder(s) to merge-patch in (default: all)"
)
ap.add_argument("--schema-dir", default=str(Path(__file__).resolve().parent))
args = ap.parse_args()
schema_dir = Path(args.schema_dir)

release = json.loads((schema_dir / "release-schema.json").read_text(encoding="utf-8"))
package = json.loads((schema_dir / "release-package-schema.json").read_text(encoding="utf-8"))
for ext in args.extension or sorted(p.parent.relative_to(schema_dir) for p in schema_dir.glob("*/*/extension.json")):
    release = json_merge_patch.merge(
        release, json.loads((schema_dir / ext / "release-schema.json").read_text(encoding="utf-8"))
    )

# The package schema refers to the release schema by its absolute URL; serve the local copy under that URL.
release_url = package["properties"]["releases"]["items"]["$ref"]
registry = Registry().with_resource(release_url, DRAFT4.create_resource(release))
validator = Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)

data = json.loads(Path(args.package).read_text(encoding="utf-8"))
errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/".join(map(str, e.absolute_path)) or "<root>", "->", e.message[:200])
print(f"{len(errors)} error(s) in {args.package}")
sys.exit(1 if errors else 0)
