"""Loading the national list of local governments (47 prefectures, 1,741 municipalities, 175 wards).

Two sources give the same rows: the CC0 data shipped in the PyPI package ``japancode`` (the default)
and the official list of 総務省 (「全国地方公共団体コード」, XLSX or CSV) given as a file. Every row's
check digit is verified; the kind of each municipality is derived from its code and name.
"""

import csv
import io
import json
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction
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

    def __post_init__(self):
        self.errors = self.errors or []


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


@transaction.atomic
def municipalities_load(rows: list[SourceRow], *, skip_invalid: bool = False) -> LoadReport:
    """Create or update municipalities from source rows. All or nothing unless skip_invalid."""
    errors = _check(rows)
    if errors and not skip_invalid:
        raise MunicipalityDataError(errors)
    bad = {row.code for row in rows if not is_valid_lg_code(row.code)}
    records = _classify([row for row in rows if row.code not in bad])
    report = LoadReport(errors=errors)
    existing = {m.code: m for m in Municipality.objects.all()}

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
                changed.append(municipality)
            else:
                report.unchanged += 1
        if new:
            bulk_create_with_history(new, Municipality, batch_size=500)
            for municipality in Municipality.objects.filter(code__in=[m.code for m in new]):
                existing[municipality.code] = municipality
        if changed:
            bulk_update_with_history(changed, Municipality, _FIELDS + ["name_en"], batch_size=500)
        report.created += len(new)
        report.updated += len(changed)
    return report
