"""A small, dependency-free reader/writer for the gettext catalogues made by ``makemessages``.

Enough for filling translations and checking them; not a full PO implementation (no previous-msgid
``#|`` handling beyond keeping those lines as comments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # "#…" lines, in order
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def flags(self) -> list[str]:
        out = []
        for line in self.comments:
            if line.startswith("#,"):
                out += [f.strip() for f in line[2:].split(",") if f.strip()]
        return out

    def set_flags(self, flags: list[str]) -> None:
        rest = [line for line in self.comments if not line.startswith("#,")]
        # flags go after translator/extracted comments and references, before "#|" lines
        index = len([line for line in rest if not line.startswith("#|")])
        if flags:
            rest.insert(index, "#, " + ", ".join(flags))
        self.comments = rest

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]
        return [self.msgstr]

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def _quoted(rest: str) -> str:
    rest = rest.strip()
    if not (rest.startswith('"') and rest.endswith('"')):
        raise ValueError(f"not a quoted string: {rest!r}")
    return unescape(rest[1:-1])


def parse(path: Path) -> list[Entry]:
    entries, current, target = [], Entry(), None

    def flush():
        nonlocal current, target
        if current.comments or target is not None:
            entries.append(current)
        current, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            current.comments.append(line)
            continue
        if line.startswith("#"):
            if target is not None:  # a comment after a msgstr starts a new entry
                flush()
            current.comments.append(line)
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _quoted(line)
            kind, index = target
            if kind == "msgstr_plural":
                current.msgstr_plural[index] += value
            else:
                setattr(current, kind, getattr(current, kind) + value)
            continue
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            index = int(match.group(1))
            current.msgstr_plural[index] = _quoted(rest)
            target = ("msgstr_plural", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            setattr(current, keyword, _quoted(rest))
            target = (keyword, None)
        else:
            raise ValueError(f"unexpected line: {line!r}")
    flush()
    return entries


def _format(keyword: str, value: str) -> list[str]:
    if "\n" in value.rstrip("\n") or len(value) > 70:
        parts = re.findall(r"[^\n]*\n|[^\n]+$", value)
        return [f'{keyword} ""'] + [f'"{escape(part)}"' for part in parts]
    return [f'{keyword} "{escape(value)}"']


def dump(entries: list[Entry], path: Path) -> None:
    blocks = []
    for entry in entries:
        if entry.obsolete:
            blocks.append("\n".join(entry.comments))
            continue
        lines = list(entry.comments)
        if entry.msgctxt is not None:
            lines += _format("msgctxt", entry.msgctxt)
        lines += _format("msgid", entry.msgid)
        if entry.msgid_plural is not None:
            lines += _format("msgid_plural", entry.msgid_plural)
            for index in sorted(entry.msgstr_plural):
                lines += _format(f"msgstr[{index}]", entry.msgstr_plural[index])
        else:
            lines += _format("msgstr", entry.msgstr)
        blocks.append("\n".join(lines))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdifr]|%[sdifr]|%%|\{[A-Za-z_][A-Za-z0-9_]*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(entry: Entry) -> list[str]:
    """What is wrong with a translated entry: empty, fuzzy, placeholders or edge newlines differ."""
    found = []
    if "fuzzy" in entry.flags:
        found.append("fuzzy")
    sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
    python_format = "python-format" in entry.flags or "python-brace-format" in entry.flags
    for text in entry.translations:
        if not text:
            found.append("empty")
            continue
        if python_format or any(placeholders(s) for s in sources):
            expected = placeholders(sources[-1])
            if placeholders(text) != expected and placeholders(text) != placeholders(sources[0]):
                found.append(f"placeholders {placeholders(text)} != {expected}")
        for source in sources[:1]:
            if source.startswith("\n") != text.startswith("\n") or source.endswith("\n") != text.endswith("\n"):
                found.append("leading/trailing newline differs")
    return found
