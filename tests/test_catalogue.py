"""The .po files are the only store of translations: every entry is translated, with the source's placeholders."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "i18n"))

from catalogue import apply, catalogue_problems, problems  # noqa: E402


def test_japanese_catalogue_has_no_problem_entries():
    """No empty, fuzzy, or placeholder-mismatched Japanese entry: nothing falls back to English or breaks %()s."""
    assert catalogue_problems() == []


def test_a_translation_that_drops_a_placeholder_is_reported():
    entry = polib.POEntry(msgid="%(count)d agreements", msgstr="協定", flags=["python-format"])
    assert problems(entry) == ["placeholders [] != ['%(count)d']"]


def test_apply_fills_empty_entries_and_keeps_corrected_ones(tmp_path):
    """A TSV fills what is empty or fuzzy; a translation already in the .po file wins unless forced."""
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Publish", msgstr=""))
    po.append(polib.POEntry(msgid="Return", msgstr="差し戻す"))
    po.append(polib.POEntry(msgid="Accept", msgstr="受理", flags=["fuzzy"]))
    path = tmp_path / "django.po"
    po.save(str(path))
    tsv = tmp_path / "new.tsv"
    tsv.write_text("Publish\t公開する\nReturn\t返却\nAccept\t承認する\nUnknown\t不明\n", encoding="utf-8")

    changed, unknown = apply(tsv, path=path)

    result = {e.msgid: (e.msgstr, "fuzzy" in e.flags) for e in polib.pofile(str(path))}
    assert changed == 2 and unknown == ["Unknown"]
    assert result == {"Publish": ("公開する", False), "Return": ("差し戻す", False), "Accept": ("承認する", False)}
