"""Reading an officer's file: CSV in UTF-8 (with or without BOM) or CP932 as Japanese Excel saves it,
or XLSX. Rows come back as dicts keyed by header, with the spreadsheet's row number.

A file is never trusted to be small. Rows are streamed and reading stops at the first row past the
limit (``KYOSO_IMPORT_MAX_ROWS``), so a 100,000-row file costs what the limit does; an XLSX is refused
before openpyxl opens it when its parts would unpack to more than the limit can need (a zip bomb); no
row is read wider than ``MAX_COLUMNS``, whatever the sheet's dimension claims; and no single row may be
larger than ``MAX_ROW_BYTES`` (a row of a million cells would take gigabytes once parsed).
"""

import codecs
import csv
import io
import itertools
import struct
import warnings
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_ROWS = 20_000
# The template has 19 columns; cells further right are not read (a forged <dimension> or a stray cell in
# column XFD would otherwise make every row 16,384 cells wide).
MAX_COLUMNS = 100
# Unpacked XML allowed per row: the heaviest realistic row (all 19 columns, a 200-character summary)
# takes ~1.5 KB, so a 20,000-row file unpacks to ~30 MB; twice that is allowed, plus the fixed parts.
XLSX_BYTES_PER_ROW = 3 * 1024
XLSX_FIXED_BYTES = 2 * 1024 * 1024
XLSX_MAX_MEMBERS = 1000  # a workbook has a few dozen parts
# One row's text (CSV) or XML (XLSX). A real row is a few KB; even 19 cells of Excel's longest text
# (32,767 characters) stay under it. Parsed, 2 MB of cells take some 30 MB.
MAX_ROW_BYTES = 2 * 1024 * 1024
CHUNK = 64 * 1024


class FileFormatError(Exception):
    """The file cannot be read at all (not a row problem)."""


class TooManyRowsError(FileFormatError):
    """More rows than the limit: the file is refused whole, and the rest of it is never read."""

    def __init__(self, message, *, row):
        super().__init__(message)
        self.row = row


def max_rows() -> int:
    """The most rows one file may have (``KYOSO_IMPORT_MAX_ROWS``)."""
    return int(getattr(settings, "KYOSO_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def xlsx_max_unpacked_bytes(limit: int) -> int:
    return limit * XLSX_BYTES_PER_ROW + XLSX_FIXED_BYTES


def _row_too_large():
    return FileFormatError(
        _("A row of the file is larger than %(size)s MB: no list of agreements has such rows.")
        % {"size": MAX_ROW_BYTES // (1024 * 1024)}
    )


def not_text_error():
    return FileFormatError(_("The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it as CSV UTF-8 or XLSX."))


def cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # Excel dates arrive as datetime
        value = value.date() if hasattr(value, "date") and callable(value.date) else value
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(name: str, source, *, limit: int | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """(headers, [(row number, {header: text})]) of the file ``name`` read from ``source`` (bytes or a
    seekable binary file). Blank rows are skipped. More than ``limit`` rows (default ``max_rows()``)
    raises ``TooManyRowsError`` as soon as the first row past it is read."""
    limit = max_rows() if limit is None else limit
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _collect(xlsx_table(source, limit), limit)
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "cp932"):
            source.seek(0)
            try:
                return _collect(csv.reader(text_lines(source, encoding)), limit)
            except UnicodeDecodeError:
                continue  # read again from the start in the next encoding
            except csv.Error as error:
                raise FileFormatError(_("The CSV file is malformed (%(error)s).") % {"error": error}) from None
        raise not_text_error()
    raise FileFormatError(_("Upload a .csv or .xlsx file."))


def read_table(name: str, source, *, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """[(row number, [cell text, …])] of every non-blank row of ``name``, header rows included: a city's
    list may have caption rows above its header, a header on two rows, or no header at all, so which
    row is the header is decided afterwards (``recognition.py``). Same bounds as ``read_rows``; the
    row limit counts the rows below the first one."""
    limit = max_rows() if limit is None else limit
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _collect_raw(xlsx_table(source, limit), limit)
    if suffix == ".csv":
        for encoding in ("utf-8-sig", "cp932"):
            source.seek(0)
            try:
                return _collect_raw(csv.reader(text_lines(source, encoding)), limit)
            except UnicodeDecodeError:
                continue
            except csv.Error as error:
                raise FileFormatError(_("The CSV file is malformed (%(error)s).") % {"error": error}) from None
        raise not_text_error()
    raise FileFormatError(_("Upload a .csv or .xlsx file."))


def _collect_raw(table, limit):
    rows = []
    for number, cells in enumerate(table, start=1):
        cells = [cell_text(c) for c in itertools.islice(cells, MAX_COLUMNS)]
        if number == 1 and cells:
            cells[0] = cells[0].lstrip("\ufeff")
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(rows) == limit + 1:  # one header row, then at most ``limit`` rows
            raise TooManyRowsError(
                _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
                % {"limit": f"{limit:,}"},
                row=number,
            )
        rows.append((number, cells))
    if not rows:
        raise FileFormatError(_("The file is empty."))
    return rows


def _collect(table, limit):
    headers = None
    rows = []
    for number, cells in enumerate(table, start=1):
        if headers is None:
            headers = [cell_text(c).lstrip("\ufeff") for c in cells]
            while headers and not headers[-1]:
                headers.pop()
            continue
        # cells right of the last header are never read: they could belong to no column
        cells = [cell_text(c) for c in itertools.islice(cells, len(headers))]
        if not any(cells):
            continue
        if len(rows) == limit:
            raise TooManyRowsError(
                _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
                % {"limit": f"{limit:,}"},
                row=number,
            )
        rows.append((number, dict(zip(headers, cells + [""] * (len(headers) - len(cells)), strict=True))))
    if headers is None:
        raise FileFormatError(_("The file is empty."))
    return headers, rows


def text_lines(stream, encoding):
    """The text of ``stream`` line by line (split on \\n only, ends kept, as csv expects), decoded
    chunk by chunk. A decoding error is raised where it is met; so is a line longer than MAX_ROW_BYTES
    characters (csv would make a list of every field of it)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    pending, size = [], 0  # the line being read, which may run over several chunks
    while chunk := stream.read(CHUNK):
        text = decoder.decode(chunk)
        if "\x00" in text:  # UTF-16 and binary files decode as CP932 without an error
            raise not_text_error()
        cut = text.rfind("\n") + 1
        if cut:
            lines = io.StringIO("".join(pending) + text[:cut])
            pending, size = [], 0
            for line in lines:
                if len(line) > MAX_ROW_BYTES:
                    raise _row_too_large()
                yield line
        pending.append(text[cut:])
        size += len(text) - cut
        if size > MAX_ROW_BYTES:
            raise _row_too_large()
    text = "".join(pending) + decoder.decode(b"", final=True)
    if "\x00" in text:
        raise not_text_error()
    if text:
        yield text


def xlsx_table(source, limit):
    _check_archive(source, limit)
    source.seek(0)
    try:
        sheet = _first_sheet(source)
    except Exception as error:  # noqa: BLE001 — any unreadable workbook is the same problem for the user
        raise _unreadable(error) from None
    try:
        yield from sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    except FileFormatError:
        raise
    except Exception as error:  # noqa: BLE001 — a corrupt part (bad XML, a CRC mismatch) is met while reading
        raise _unreadable(error) from None
    finally:
        sheet.parent.close()


def _first_sheet(source):
    """The workbook's first worksheet, read only, opened without a look at the other sheets, and
    without openpyxl's sizing, which parses a whole sheet that has no <dimension> (openpyxl's own
    files have none) and pads every row to the width a forged one claims."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass

        def _get_source(self):
            return _RowSizeGuard(super()._get_source())

    class FirstSheetReader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings))
                    return
            raise ValueError("no worksheet")

    reader = FirstSheetReader(source, read_only=True, data_only=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # about the parts not read: styles, names of the other sheets
        reader.read()
    return reader.wb.worksheets[0]


class _RowSizeGuard(io.RawIOBase):
    """A worksheet's XML as openpyxl reads it, refused once one row runs over MAX_ROW_BYTES: the XML
    parser builds a whole row in memory before openpyxl looks at it. Measured from one row's start
    tag to the next one's (and from the start of the part to the first)."""

    TAGS = (b"<row", b":row")  # the default namespace, or a prefixed one (<x:row>)

    def __init__(self, raw):
        self.raw = raw
        self.since_row = 0
        self.tail = b""

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        window = self.tail + data
        start = max(window.rfind(tag) for tag in self.TAGS)
        self.since_row = len(window) - start if start >= 0 else self.since_row + len(data)
        if self.since_row > MAX_ROW_BYTES:
            raise _row_too_large()
        self.tail = window[-4:]
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.raw.close()
        super().close()


def _unreadable(error):
    return FileFormatError(_("The Excel file cannot be read (%(error)s).") % {"error": type(error).__name__})


def _check_archive(source, limit):
    """Refuse a zip bomb before anything is unpacked: too many parts, or parts whose sizes add up to more
    than ``limit`` rows can need. The sizes are the ones the archive declares; Python's zipfile never
    unpacks more than a part declares (it stops there and the CRC check fails), so they bound the work."""
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(max(0, size - 22 - 0xFFFF))
    tail = source.read()
    end = tail.rfind(b"PK\x05\x06")  # the end-of-central-directory record, before an optional comment
    if end < 0 or len(tail) - end < 22:
        raise _unreadable(zipfile.BadZipFile())
    # Read the number of parts first: opening the archive reads every part's entry into memory.
    (entries,) = struct.unpack("<H", tail[end + 10 : end + 12])
    too_big = FileFormatError(
        _("The Excel file is too large once unpacked (more than %(size)s MB); split it into smaller files.")
        % {"size": f"{xlsx_max_unpacked_bytes(limit) // 1_000_000:,}"}
    )
    if entries > XLSX_MAX_MEMBERS:  # includes 0xFFFF, the mark of a ZIP64 archive: never needed here
        raise too_big
    source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise _unreadable(error) from None
    if len(members) > XLSX_MAX_MEMBERS or sum(m.file_size for m in members) > xlsx_max_unpacked_bytes(limit):
        raise too_big
