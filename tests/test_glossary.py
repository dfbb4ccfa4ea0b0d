"""The Japanese catalogue follows the glossary (docs/glossary.md, issue 14 item 9): one term per
concept. The terms the glossary rules out never appear; the strings named below translate to the term
the glossary gives."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = polib.pofile(str(ROOT / "locale/ja/LC_MESSAGES/django.po"))
GLOSSARY = (ROOT / "docs/glossary.md").read_text(encoding="utf-8")

# What the glossary rules out ("not …"), and what an earlier version of the catalogue said.
RULED_OUT = ["締結中", "サンプル数", "現物提供額", "API ドキュメント", "ドライラン", "試行："]
# msgid (and context) → the glossary's term
TERMS = {
    ("Active", None): "有効",
    ("Draft", None): "下書き",
    ("Negotiating", None): "協議中",
    ("Expired", None): "期間満了",
    ("Terminated", None): "解除",
    ("sample size", None): "標本数",
    ("Sample size", None): "標本数",
    ("Partners' in-kind contribution", None): "連携先の貢献見込額",
    ("In-kind value", None): "現物貢献額",
    ("Value", "measured value"): "測定値",
    ("Deliverables", None): "成果物",
    ("Initiatives", None): "連携事業",
}


def _translations():
    for entry in CATALOGUE:
        yield entry, [entry.msgstr, *entry.msgstr_plural.values()]


@pytest.mark.parametrize("term", RULED_OUT)
def test_a_ruled_out_term_is_nowhere_in_the_catalogue(term):
    found = [entry.msgid for entry, texts in _translations() if any(term in text for text in texts)]
    assert found == []


@pytest.mark.parametrize(("key", "term"), TERMS.items(), ids=[k[0] for k in TERMS])
def test_a_glossary_term_is_the_translation(key, term):
    msgid, context = key
    entry = CATALOGUE.find(msgid, msgctxt=context) if context else CATALOGUE.find(msgid)
    assert entry is not None, msgid
    assert entry.msgstr == term
    assert term in GLOSSARY


def test_the_glossary_names_each_ruled_out_term_as_such():
    for term in ["サンプル数", "締結中"]:
        assert re.search(rf"not {term}", GLOSSARY), term


def test_no_counter_is_split_from_its_number():
    """A label shown after a figure is a noun, not the rest of a sentence: 「4」／「件の期限超過の成果物」 read
    as two broken halves on the dashboard (issue 14, item 9)."""
    assert [
        entry.msgid for entry, texts in _translations() if any(text.startswith(("件の", "件が")) for text in texts)
    ] == []


def test_no_stray_space_before_a_particle():
    """「…のオンライン化 の成果物」: no space between an inserted Japanese title and the particle after it
    (a space stays around codes and numbers: 「コード 272299 の」)."""
    found = [entry.msgid for entry, texts in _translations() if any(re.search(r"%\(title\)s の", t) for t in texts)]
    assert found == []
