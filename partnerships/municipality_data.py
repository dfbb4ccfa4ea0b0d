"""Loading the national list of local governments (47 prefectures, 1,741 municipalities, 171 wards
today, and the wards abolished since the list's snapshot).

Two sources give the same rows: the CC0 data shipped in the PyPI package ``japancode`` (the default)
and the official list of 総務省 (「全国地方公共団体コード」, XLSX or CSV) given as a file. Every row's
check digit is verified; the kind of each municipality is derived from its code and name.

japancode's snapshot predates 2024, so the changes since are kept in a dated, sourced amendments file
(``partnerships/data/municipality_amendments.csv``, see :func:`amendments_read`) applied on every
load, after the source's rows:

* ``date`` is the day the change took effect (施行日). A ``create`` sets ``valid_from`` to that day;
  an ``abolish`` sets ``valid_until`` to the day before — ``valid_until`` is the **last day** the
  municipality existed (浜松市中区: 2023-12-31) — and ``successor`` to the ``successor`` code. An
  abolished municipality stays, so the agreements signed with it keep their place.
* A ``create`` or ``rename`` gives the name and kana of its code. Over japancode (older than every
  amendment) it wins; an official file is newer and wins for the codes it lists, so those amendments
  are skipped ("already in the file") except for their dates.
* An ``abolish`` always applies: the official list no longer has the code, and an older file that
  still lists it does not bring it back. Its ``name`` must be the name the source gives the code, a
  guard against a mistyped code.
* Loading is idempotent: a second run changes nothing and writes no history rows.
"""

import csv
import datetime
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .codes import is_valid_lg_code, lg_code_check_digit
from .models import Municipality, MunicipalityKind


@dataclass
class SourceRow:
    line: int  # row number in the source (1 = first data row, or the file's own line/row number)
    code: str
    prefecture_name: str
    name: str
    kana: str
    name_en: str = ""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = None
    amended: int = 0  # municipalities whose validity dates or successor this run set
    notes: list[str] = field(default_factory=list)  # amendments skipped, and why

    def __post_init__(self):
        self.errors = self.errors or []


AMENDMENTS_FILE = Path(__file__).resolve().parent / "data" / "municipality_amendments.csv"
AMENDMENT_ACTIONS = ("create", "abolish", "rename")
_AMENDMENT_COLUMNS = ["date", "code", "action", "name", "kana", "successor", "source", "note"]
_URL_RE = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Amendment:
    """A change to the national list after the snapshot of its source (one row of the amendments file)."""

    line: int
    date: datetime.date  # the day the change took effect
    code: str
    action: str  # create, abolish or rename
    name: str  # the name from that day (create, rename) or the name it had (abolish)
    kana: str
    successor: str  # abolish: the code that took its place
    source: str  # one or more URLs, space-separated
    note: str

    @property
    def valid_until(self) -> datetime.date:
        """The last day an abolished municipality existed."""
        return self.date - datetime.timedelta(days=1)


class MunicipalityDataError(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


def _kana(text: str) -> str:
    """Full-width hiragana without spaces (the official list uses half-width katakana)."""
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("\u3000", "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def rows_from_japancode() -> list[SourceRow]:
    data = resources.files("japancode") / "data"
    prefectures = json.loads((data / "prefectures.json").read_text(encoding="utf-8"))
    municipalities = json.loads((data / "municipalities.json").read_text(encoding="utf-8"))
    rows = [
        SourceRow(i, p["lgcode"].zfill(6), p["pref"], p["pref"], _kana(p["prefkana"]), p.get("pref_en", ""))
        for i, p in enumerate(prefectures, start=1)
    ]
    start = len(rows) + 1
    rows += [
        SourceRow(i, m["lgcode"].zfill(6), m["pref"], m["city"].replace(" ", ""), _kana(m["citykana"]))
        for i, m in enumerate(municipalities, start=start)
    ]
    return rows


_HEADERS = {
    "code": ("団体コード",),
    "prefecture_name": ("都道府県名（漢字）", "都道府県名(漢字)"),
    "name": ("市区町村名（漢字）", "市区町村名(漢字)"),
    "prefecture_kana": ("都道府県名（カナ）", "都道府県名(カナ)"),
    "kana": ("市区町村名（カナ）", "市区町村名(カナ)"),
}


def _column_map(header):
    cleaned = [unicodedata.normalize("NFKC", str(h or "")).replace("\n", "").strip() for h in header]
    found = {}
    for key, names in _HEADERS.items():
        normalized = {unicodedata.normalize("NFKC", n) for n in names}
        for index, title in enumerate(cleaned):
            if title in normalized:
                found[key] = index
                break
    return found if {"code", "prefecture_name", "name"} <= found.keys() else None


def _rows_from_table(table, label) -> list[SourceRow]:
    rows, columns = [], None
    for number, values in enumerate(table, start=1):
        values = list(values)
        if columns is None:
            columns = _column_map(values)
            continue

        def cell(key, values=values, columns=columns):
            index = columns.get(key)
            return "" if index is None or index >= len(values) or values[index] is None else str(values[index]).strip()

        code = cell("code")
        if not code:
            continue
        if code.isdigit() and len(code) < 6:
            code = code.zfill(6)  # Excel drops the leading zero of 北海道 codes
        name = cell("name") or cell("prefecture_name")
        kana = cell("kana") or cell("prefecture_kana")
        rows.append(SourceRow(f"{label}{number}", code, cell("prefecture_name"), name, _kana(kana)))
    if columns is None:
        return []
    return rows


def rows_from_file(path: Path) -> list[SourceRow]:
    """Rows of the official list: every sheet of an XLSX, or a CSV (UTF-8 or CP932)."""
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = []
        for sheet in workbook.worksheets:
            rows += _rows_from_table(sheet.iter_rows(values_only=True), f"{sheet.title}!")
        return rows
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise MunicipalityDataError([_("%(file)s is neither UTF-8 nor CP932 text.") % {"file": path.name}])
    return _rows_from_table(csv.reader(io.StringIO(text)), "")


def amendments_read(path: Path = AMENDMENTS_FILE) -> list[Amendment]:
    """The amendments file (UTF-8 CSV, columns as ``_AMENDMENT_COLUMNS``), checked row by row and in
    date order. Every error is named with its line; any error refuses the whole file."""
    path = Path(path)
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    missing = [c for c in _AMENDMENT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MunicipalityDataError(
            [_("%(file)s: missing columns %(columns)s.") % {"file": path.name, "columns": ", ".join(missing)}]
        )
    amendments, errors = [], []
    for line, raw in enumerate(reader, start=2):
        row = {k: (raw.get(k) or "").strip() for k in _AMENDMENT_COLUMNS}
        problems = []
        try:
            date = datetime.date.fromisoformat(row["date"])
        except ValueError:
            date = None
            problems.append(_("the date %(value)s is not YYYY-MM-DD") % {"value": row["date"]})
        if not is_valid_lg_code(row["code"]):
            problems.append(_("the code %(value)s is not a valid 6-digit code") % {"value": row["code"]})
        if row["action"] not in AMENDMENT_ACTIONS:
            problems.append(_("the action must be create, abolish or rename"))
        if not row["name"]:
            problems.append(_("the name is missing"))
        if row["successor"] and (not is_valid_lg_code(row["successor"]) or row["successor"] == row["code"]):
            problems.append(_("the successor %(value)s is not a valid 6-digit code") % {"value": row["successor"]})
        if row["successor"] and row["action"] != "abolish":
            problems.append(_("only an abolition has a successor"))
        sources = row["source"].split()
        if not sources or not all(_URL_RE.fullmatch(url) for url in sources):
            problems.append(_("the source must be one or more URLs"))
        if problems:
            errors.append(
                _("%(file)s line %(line)s: %(problems)s.")
                % {"file": path.name, "line": line, "problems": "; ".join(problems)}
            )
            continue
        amendments.append(
            Amendment(line, date, row["code"], row["action"], row["name"], _kana(row["kana"]), row["successor"],
                      row["source"], row["note"])
        )  # fmt: skip
    if errors:
        raise MunicipalityDataError(errors)
    return sorted(amendments, key=lambda a: (a.date, a.line))


def _amended_rows(rows: list[SourceRow], amendments, *, official: bool, known: set[str], report: LoadReport):
    """The source's rows with the amendments' names and new codes; abolished codes the source lacks
    are added so that the list is the same whichever source it was loaded from."""
    by_code = {}
    for row in rows:
        by_code.setdefault(row.code, row)
    listed = set(by_code)
    errors = []
    for amendment in amendments:
        row = by_code.get(amendment.code)
        label = f"{AMENDMENTS_FILE.name}:{amendment.line}"
        if amendment.action == "abolish" and row is not None:
            if row.name != amendment.name:
                errors.append(
                    _("%(where)s: the source names %(code)s %(source_name)s, not %(name)s.")
                    % {"where": label, "code": amendment.code, "source_name": row.name, "name": amendment.name}
                )
            elif official:
                report.notes.append(
                    _("%(where)s: the file still lists %(code)s %(name)s, abolished on %(date)s; kept abolished.")
                    % {"where": label, "code": amendment.code, "name": amendment.name, "date": amendment.date}
                )
            continue
        if row is not None and amendment.code in listed and official:
            if (row.name, row.kana) != (amendment.name, amendment.kana or row.kana):
                report.notes.append(
                    _("%(where)s: the file lists %(code)s as %(source_name)s; the file's name is kept.")
                    % {"where": label, "code": amendment.code, "source_name": row.name}
                )
            continue
        prefecture = _prefecture_code(amendment.code)
        if prefecture not in by_code and prefecture not in known:
            report.notes.append(
                _("%(where)s: %(code)s %(name)s not applied: its prefecture %(prefecture)s is not loaded.")
                % {"where": label, "code": amendment.code, "name": amendment.name, "prefecture": prefecture}
            )
            continue
        by_code[amendment.code] = SourceRow(
            label,
            amendment.code,
            row.prefecture_name if row else "",
            amendment.name,
            amendment.kana or (row.kana if row else ""),
            row.name_en if row else "",
        )
    if errors:
        raise MunicipalityDataError(errors)
    return list(by_code.values())


def _apply_validity(amendments, report: LoadReport) -> None:
    """Validity dates and successors from the amendments, written only where they differ."""
    codes = {a.code for a in amendments} | {a.successor for a in amendments if a.successor}
    found = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
    changed = {}
    for amendment in amendments:
        municipality = found.get(amendment.code)
        if municipality is None:
            continue  # not loaded (its prefecture is missing): already noted
        if amendment.action == "create":
            values = {"valid_from": amendment.date}
        elif amendment.action == "abolish":
            successor = found.get(amendment.successor)
            if amendment.successor and successor is None:
                report.notes.append(
                    _("%(file)s:%(line)s: the successor %(code)s is not loaded; %(name)s keeps no successor yet.")
                    % {"file": AMENDMENTS_FILE.name, "line": amendment.line, "code": amendment.successor,
                       "name": amendment.name}
                )  # fmt: skip
            values = {"valid_until": amendment.valid_until, "successor_id": successor.pk if successor else None}
        else:
            continue  # a rename changes the name, which the rows carried
        if any(getattr(municipality, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(municipality, k, v)
            municipality.updated_at = timezone.now()  # bulk_update does not run auto_now
            changed[municipality.code] = municipality
    if changed:
        fields = [*_VALIDITY_FIELDS, "updated_at"]
        bulk_update_with_history(list(changed.values()), Municipality, fields, batch_size=500)
    report.amended = len(changed)


def _prefecture_code(code: str) -> str:
    return code[:2] + "000" + lg_code_check_digit(code[:2] + "000")


def _classify(rows: list[SourceRow]) -> dict[str, dict]:
    """The records to store, keyed by code, with kind, prefecture and designated city derived."""
    by_code = {}
    for row in rows:  # later sheets (e.g. the designated-city sheet) complete earlier ones
        by_code.setdefault(row.code, row)
    city_names = {}
    for row in by_code.values():
        if row.code[2:5] != "000" and row.name.endswith("市"):
            city_names[(row.code[:2], row.name)] = row.code
    records = {}
    for code, row in by_code.items():
        parent_city = None
        if code[2:5] == "000":
            kind = MunicipalityKind.PREFECTURE
        elif code.startswith("131"):
            kind = MunicipalityKind.SPECIAL_WARD  # 東京23区: 13101–13123
        elif row.name.endswith("区"):
            kind = MunicipalityKind.WARD
            parent_city = next(
                (c for (p, n), c in city_names.items() if p == code[:2] and row.name.startswith(n)), None
            )
        elif row.name.endswith("市"):
            kind = MunicipalityKind.CITY
        elif row.name.endswith("町"):
            kind = MunicipalityKind.TOWN
        elif row.name.endswith("村"):
            kind = MunicipalityKind.VILLAGE
        else:
            kind = MunicipalityKind.CITY
        records[code] = {
            "name": row.name,
            "kana": row.kana,
            "name_en": row.name_en,
            "kind": kind,
            "prefecture_code": None if kind == MunicipalityKind.PREFECTURE else _prefecture_code(code),
            "parent_city_code": parent_city,
        }
    for record in records.values():
        if record["parent_city_code"]:
            records[record["parent_city_code"]]["kind"] = MunicipalityKind.DESIGNATED_CITY
    return records


def _check(rows: list[SourceRow]) -> list[str]:
    errors = []
    for row in rows:
        if not is_valid_lg_code(row.code):
            if len(row.code) == 6 and row.code.isdigit():
                detail = _("check digit should be %(digit)s") % {"digit": lg_code_check_digit(row.code[:5])}
            else:
                detail = _("not a 6-digit code")
            errors.append(
                _("Row %(row)s: code %(code)s (%(name)s) is invalid: %(detail)s.")
                % {"row": row.line, "code": row.code, "name": row.name, "detail": detail}
            )
        elif not row.name:
            errors.append(_("Row %(row)s: code %(code)s has no name.") % {"row": row.line, "code": row.code})
    return errors


# Fields the loader owns. Population and a hand-set "core city" kind are kept.
_FIELDS = ["name", "kana", "kind", "prefecture_id", "parent_city_id"]
_VALIDITY_FIELDS = ["valid_from", "valid_until", "successor"]


@transaction.atomic
def municipalities_load(
    rows: list[SourceRow], *, skip_invalid: bool = False, amendments=(), official: bool = False
) -> LoadReport:
    """Create or update municipalities from source rows, then apply ``amendments`` (see the module's
    rules; ``official`` when the rows are 総務省's file). All or nothing unless skip_invalid."""
    errors = _check(rows)
    if errors and not skip_invalid:
        raise MunicipalityDataError(errors)
    bad = {row.code for row in rows if not is_valid_lg_code(row.code)}
    report = LoadReport(errors=errors)
    existing = {m.code: m for m in Municipality.objects.all()}
    rows = [row for row in rows if row.code not in bad]
    if amendments:
        rows = _amended_rows(rows, amendments, official=official, known=set(existing), report=report)
    records = _classify(rows)

    # Prefectures first, then cities, then wards: each level refers to the one before.
    levels = [
        [c for c, r in records.items() if r["kind"] == MunicipalityKind.PREFECTURE],
        [c for c, r in records.items() if r["kind"] not in (MunicipalityKind.PREFECTURE, MunicipalityKind.WARD)],
        [c for c, r in records.items() if r["kind"] == MunicipalityKind.WARD],
    ]
    for codes in levels:
        new, changed = [], []
        for code in codes:
            record = records[code]
            values = {
                "name": record["name"],
                "kana": record["kana"],
                "kind": record["kind"],
                "prefecture_id": existing[record["prefecture_code"]].pk if record["prefecture_code"] else None,
                "parent_city_id": existing[record["parent_city_code"]].pk if record["parent_city_code"] else None,
            }
            municipality = existing.get(code)
            if municipality is None:
                municipality = Municipality(code=code, name_en=record["name_en"], **values)
                new.append(municipality)
                continue
            if municipality.kind == MunicipalityKind.CORE_CITY and values["kind"] == MunicipalityKind.CITY:
                values["kind"] = MunicipalityKind.CORE_CITY  # the lists do not say which cities are 中核市
            if record["name_en"] and not municipality.name_en:
                values["name_en"] = record["name_en"]
            if any(getattr(municipality, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(municipality, k, v)
                municipality.updated_at = timezone.now()  # bulk_update does not run auto_now
                changed.append(municipality)
            else:
                report.unchanged += 1
        if new:
            bulk_create_with_history(new, Municipality, batch_size=500)
            for municipality in Municipality.objects.filter(code__in=[m.code for m in new]):
                existing[municipality.code] = municipality
        if changed:
            bulk_update_with_history(changed, Municipality, [*_FIELDS, "name_en", "updated_at"], batch_size=500)
        report.created += len(new)
        report.updated += len(changed)
    if amendments:
        _apply_validity(amendments, report)
    return report
