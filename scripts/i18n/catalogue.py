"""The translation catalogues are the .po files themselves: edit them there. This script only helps.

    .venv/bin/python manage.py makemessages -l ja -l en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
    .venv/bin/python scripts/i18n/catalogue.py check              # untranslated, fuzzy, placeholder errors (exit 1)
    .venv/bin/python scripts/i18n/catalogue.py apply new.tsv      # fill msgstr from "English<TAB>日本語" lines
    .venv/bin/python manage.py compilemessages --ignore=.venv

`apply` fills only entries that are empty or fuzzy (``--force`` replaces translated ones too), so a
translation someone corrected in the .po file is never overwritten by a stale list. Follow the
terminology in docs/glossary.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
JA = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}")
HEADER = {
    "Project-Id-Version": "Kyoso",
    "Language-Team": "Japanese",
    "Language": "ja",
    "Plural-Forms": "nplurals=1; plural=0;",
    "Last-Translator": "Kyoso maintainers (docs/glossary.md)",
}


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def problems(entry: polib.POEntry) -> list[str]:
    """What is wrong with an entry: empty, fuzzy, placeholders or edge newlines differing from the source."""
    found = ["fuzzy"] if "fuzzy" in entry.flags else []
    sources = [entry.msgid] if not entry.msgid_plural else [entry.msgid, entry.msgid_plural]
    for text in translations(entry):
        if not text:
            found.append("empty")
            continue
        expected = placeholders(sources[-1])
        if placeholders(text) not in (expected, placeholders(sources[0])):
            found.append(f"placeholders {placeholders(text)} != {expected}")
        if sources[0].startswith("\n") != text.startswith("\n") or sources[0].endswith("\n") != text.endswith("\n"):
            found.append("leading/trailing newline differs")
    return found


def catalogue_problems(path: Path = JA) -> list[tuple[str, list[str]]]:
    """(msgid, problems) for every entry of the catalogue that has any."""
    po = polib.pofile(str(path))
    return [(entry.msgid, issues) for entry in po if not entry.obsolete and (issues := problems(entry))]


def apply(tsv: Path, *, force: bool = False, path: Path = JA) -> tuple[int, list[str]]:
    """Set translations from "source<TAB>translation" lines; returns (changed, sources not in the catalogue)."""
    table = {}
    for number, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        source, sep, target = line.partition("\t")
        if not sep or not target.strip():
            raise SystemExit(f"{tsv}:{number}: expected 'English<TAB>日本語'")
        table[source] = target.strip()
    po = polib.pofile(str(path), wrapwidth=79)
    po.metadata.update(HEADER)
    changed, seen = 0, set()
    for entry in po:
        target = table.get(entry.msgid)
        if target is None or entry.obsolete:
            continue
        seen.add(entry.msgid)
        if not force and "fuzzy" not in entry.flags and any(translations(entry)):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: target}
        else:
            entry.msgstr = target
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        changed += 1
    po.save(str(path))
    return changed, sorted(set(table) - seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="report untranslated, fuzzy and broken entries (exit 1 if any)")
    add = sub.add_parser("apply", help="fill translations from TSV files")
    add.add_argument("files", nargs="+", type=Path)
    add.add_argument("--force", action="store_true", help="replace existing translations too")
    args = parser.parse_args()
    if args.command == "apply":
        for tsv in args.files:
            changed, unknown = apply(tsv, force=args.force)
            print(f"{tsv}: {changed} entries set")
            for source in unknown:
                print(f"  not in the catalogue (run makemessages first?): {source!r}")
    found = catalogue_problems()
    for msgid, issues in found:
        print(f"  {', '.join(issues)}: {msgid!r}")
    total = sum(1 for e in polib.pofile(str(JA)) if not e.obsolete)
    print(f"{JA.relative_to(ROOT)}: {total} entries, {len(found)} with problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
