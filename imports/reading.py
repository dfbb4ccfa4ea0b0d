"""Reading an officer's file: CSV in UTF-8 (with or without BOM) or CP932 as Japanese Excel saves it,
or XLSX. Rows come back as dicts keyed by header, with the spreadsheet's row number."""

import csv
import io
from pathlib import Path

from django.utils.translation import gettext as _


class FileFormatError(Exception):
    """The file cannot be read at all (not a row problem)."""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it as CSV UTF-8 or XLSX."))


def _clean(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # Excel dates arrive as datetime
        value = value.date() if hasattr(value, "date") and callable(value.date) else value
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(name: str, raw: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(headers, [(row number, {header: text})]). Blank rows are skipped."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # noqa: BLE001 — any unreadable workbook is the same problem for the user
            raise FileFormatError(
                _("The Excel file cannot be read (%(error)s).") % {"error": type(error).__name__}
            ) from None
        table = ([_clean(v) for v in row] for row in sheet.iter_rows(values_only=True))
    elif suffix == ".csv":
        text = _decode(raw)
        if "\x00" in text:
            raise FileFormatError(
                _("The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it as CSV UTF-8 or XLSX.")
            )
        table = csv.reader(io.StringIO(text))
    else:
        raise FileFormatError(_("Upload a .csv or .xlsx file."))
    headers = None
    rows = []
    try:
        lines = list(table)
    except csv.Error as error:
        raise FileFormatError(_("The CSV file is malformed (%(error)s).") % {"error": error}) from None
    for number, cells in enumerate(lines, start=1):
        cells = [_clean(c) for c in cells]
        if headers is None:
            headers = [c.lstrip("\ufeff") for c in cells]
            continue
        if not any(cells):
            continue
        rows.append((number, dict(zip(headers, cells + [""] * (len(headers) - len(cells)), strict=False))))
    if headers is None:
        raise FileFormatError(_("The file is empty."))
    return headers, rows
