"""Reading and checking a file of case records (docs/outcomes.md): CSV in UTF-8 (with or without BOM) or
CP932, or XLSX, read by ``imports.reading`` (streamed, bounded: NUL bytes, huge rows, zip bombs and
too many rows are refused before they cost anything).

Headers (Japanese, as exported from a case system): 案件ID, 手続コード, 受付日, 処分日 required;
補正依頼日, 補正完了日, 申請方法, 満足度, 手続名, 標準処理期間（日） optional. Other columns are not kept,
but every cell of every column is scanned for personal data.

Nothing here writes. The import streams: ``open_case_table`` reads the file row by row and
``CaseChecker`` checks each row as it comes — personal data, dates, codes, channel, satisfaction — and
yields what ``loading.py`` writes (the key, never the 案件ID; days computed), keeping the problems
(row, column, message) for the end, where ``loading.load_cases`` stores all rows or none. Memory does
not grow with the file. A problem never quotes a cell: the row and the column say where, so no value of
the file reaches a log or a screen.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import hmac
import io
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from imports.japanese_dates import DateError, parse_date
from imports.reading import FileFormatError, TooManyRowsError, cell_text, not_text_error, text_lines, xlsx_table

from .calendar import FIRST_DAY, BusinessCalendar, days_from_counts
from .choices import CHANNEL_WORDS
from .models import CODE_PATTERN
from .personal import (
    ROW_HINT,
    SEPARATOR,
    header_is_personal,
    joined_may_be_personal,
    personal_kind,
)

CASE_ID, CODE, RECEIVED, DECIDED = "案件ID", "手続コード", "受付日", "処分日"
REQUESTED, DONE, CHANNEL, SATISFACTION = "補正依頼日", "補正完了日", "申請方法", "満足度"
NAME, STANDARD_DAYS = "手続名", "標準処理期間（日）"
REQUIRED = (CASE_ID, CODE, RECEIVED, DECIDED)
OPTIONAL = (REQUESTED, DONE, CHANNEL, SATISFACTION, NAME, STANDARD_DAYS)
MAX_PROBLEMS = 500  # reported; the count of all problems is kept
MAX_CASE_ID = 200
DEFAULT_MAX_ROWS = 200_000
MAX_DATE_TEXTS = 100_000  # distinct date texts remembered while streaming (a real file has a few thousand)
_CODE = re.compile(CODE_PATTERN)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def max_rows() -> int:
    return int(getattr(settings, "KYOSO_CASE_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width brackets become ASCII), without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_KNOWN = {header_key(h): h for h in (*REQUIRED, *OPTIONAL)}


def clean_text(value: str) -> str:
    """NFKC, without control and invisible format characters (zero-width spaces, BOMs), trimmed."""
    if value.isascii() and value.isprintable():  # most cells: nothing to normalise
        return value.strip()
    text = unicodedata.normalize("NFKC", value)
    if not text.isprintable():
        text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    return text.strip()


def _keyed(municipality_code: str):
    return hmac.new((settings.KYOSO_CASE_ID_KEY + municipality_code).encode(), digestmod=hashlib.sha256)


def case_key_hasher(municipality_code: str):
    """A function 案件ID → its key: HMAC-SHA256 under KYOSO_CASE_ID_KEY + the municipality's code, in hex.
    The same 案件ID of another city gives another key; without the deployment's key none can be
    recomputed."""
    base = _keyed(municipality_code)

    def key(case_id: str) -> str:
        h = base.copy()
        h.update(case_id.encode())
        return h.hexdigest()

    return key


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: its row (1 = the header), its column (the header as written), why."""

    row: int
    column: str
    message: str

    def __str__(self):
        where = _("row %(row)s") % {"row": self.row}
        return f"{where}「{self.column}」: {self.message}" if self.column else f"{where}: {self.message}"


class CaseFileRefused(Exception):
    """The file is refused whole: nothing is stored. ``personal``: refused for personal data."""

    def __init__(self, problems: list[Problem], *, total: int | None = None, personal: bool = False):
        super().__init__(f"{total or len(problems)} problem(s)")
        self.problems = problems
        self.total = total if total is not None else len(problems)
        self.personal = personal


class _Problems:
    def __init__(self):
        self.items: list[Problem] = []
        self.total = 0

    def add(self, row, column, message):
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(row, column, message))

    def __bool__(self):
        return self.total > 0


class _Dates:
    """Date cells read once per distinct text (a year of cases has a few hundred distinct dates)."""

    @staticmethod
    def _parse(text):
        if _ISO.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                return _("not a date that exists.")
        try:
            parsed = parse_date(text)
        except DateError as error:
            if error.code == "impossible":
                return _("not a date that exists.")
            return _("not a date; write it as 2025-04-01, 2025/4/1 or 令和7年4月1日.")
        if parsed is None or parsed.precision != "day":
            return _("not a full date; give the day, as in 2025-04-01.")
        return parsed.value


def _small_int(text: str, low: int, high: int) -> int | None:
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if low <= number <= high else None


# --- streaming: one pass over the file, bounded memory (outcomes/loading.py writes what it yields) --------


def _encoding(source) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else cp932 (decoded while read: a file that is not
    CP932 either is refused where the first byte that is not is met). Decoding only, nothing kept."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    source.seek(0)
    try:
        while chunk := source.read(1 << 18):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp932"
    finally:
        source.seek(0)
    return "utf-8-sig"


def open_case_table(name: str, source) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(headers, rows): the file's header and a stream of (row number, cells) — every cell of the row up
    to the last header, padded with "" to the headers' width, as the file has them (CSV) or as
    ``imports.reading`` writes spreadsheet values (XLSX). Blank rows are skipped. NUL bytes, rows over
    MAX_ROW_BYTES, zip bombs and more than ``max_rows()`` rows raise ``CaseFileRefused`` — the last one
    where the first row past the limit is met."""
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    suffix = Path(name).suffix.lower()
    limit = max_rows()
    try:
        if suffix == ".xlsx":
            table = xlsx_table(source, limit)
            clean = True
        elif suffix == ".csv":
            table = csv.reader(text_lines(source, _encoding(source)))
            clean = False
        else:
            raise FileFormatError(_("Upload a .csv or .xlsx file."))
        first = next(table, None)
    except (FileFormatError, csv.Error, UnicodeDecodeError) as error:
        raise _refusal(error) from None
    if first is None:
        raise CaseFileRefused([Problem(1, "", _("The file is empty."))])
    headers = [cell_text(c).lstrip("\ufeff") for c in first]
    while headers and not headers[-1]:
        headers.pop()
    return headers, _stream(table, len(headers), limit, clean)


def _refusal(error) -> CaseFileRefused:
    if isinstance(error, csv.Error):
        error = FileFormatError(_("The CSV file is malformed (%(error)s).") % {"error": error})
    elif isinstance(error, UnicodeDecodeError):
        error = not_text_error()
    return CaseFileRefused([Problem(getattr(error, "row", 1), "", str(error))])


def _stream(table, width: int, limit: int, clean: bool):
    count = 0
    pad = [""] * width
    try:
        for number, cells in enumerate(table, start=2):
            if clean:
                cells = [cell_text(c) for c in itertools.islice(cells, width)]
            if len(cells) != width:
                cells = cells[:width] if len(cells) > width else cells + pad[len(cells) :]
            if not SEPARATOR.join(cells).strip():
                continue
            if count == limit:
                raise TooManyRowsError(
                    _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
                    % {"limit": f"{limit:,}"},
                    row=number,
                )
            count += 1
            yield number, cells
    except (FileFormatError, csv.Error, UnicodeDecodeError) as error:
        raise _refusal(error) from None


_LABELS = {
    "email": lambda: _("an e-mail address: a case file must not contain personal data."),
    "phone": lambda: _("a phone number: a case file must not contain personal data."),
    "my_number": lambda: _("a 12-digit number with a valid My Number check digit: a case file must not contain it."),
}


class CaseChecker:
    """Checks a stream of rows (``open_case_table``) with every rule (personal data first, then each
    row's dates, codes and values), in one pass, with memory that does not grow with the file: ``checked(rows)``
    yields, for each row whose 案件ID is usable, ``(row, key, procedure id | None, new code | None,
    received, decided, requested, done, channel, satisfaction, 処理日数, calendar days)`` — dates as ISO
    text, None for an empty optional cell; every value but the row and the key is None when the row has
    a problem (its key still serves to find a 案件ID given twice, which the caller looks for where the
    rows are: ``loading.py``).

    After the stream: ``personal`` (personal-data problems: the file is refused whole, for that reason
    alone), ``header`` (problems of the header row), ``problems`` (row problems), ``procedures``
    (unknown codes, conflicting names: reported only when no row has a problem), ``rows`` (rows read),
    ``to_create`` ({code as first written: name} of the city's new procedures), ``standard_days``
    ({CODE: days}) and ``ignored_columns``.

    Fast for the usual row: one join of the cells serves the blank, ASCII and personal-data tests;
    dates are read once per distinct text with their running business-day count (``BusinessCalendar.count``;
    処理日数 is ``days_from_counts`` of the counts); the key is an HMAC copied from one keyed object."""

    def __init__(self, headers, *, today, known: dict[str, int], calendar: BusinessCalendar, municipality_code: str):
        self.today = today
        self.known = known  # CODE → procedure id (national and the city's own; national ones win)
        self.calendar = calendar
        # The keyed HMAC of case_key_hasher, copied for each row (its OpenSSL object when there is one:
        # copying that is one C call).
        keyed = _keyed(municipality_code)
        self.keyed = getattr(keyed, "_hmac", None) or keyed
        self.personal = _Problems()
        self.header = _Problems()
        self.problems = _Problems()
        self.procedures = _Problems()
        self.rows = 0
        self.to_create: dict[str, str] = {}
        self.standard_days: dict[str, int] = {}
        self.used: set[str] = set()  # CODEs of the good rows
        self.ignored_columns: list[str] = []
        self.headers = headers
        self.get: dict[str, str | None] = {}
        self._read_headers()
        self._dates: dict[str, tuple | str] = {}

    def _read_headers(self):
        columns: dict[str, str] = {}
        self.index: dict[str, int] = {}
        for header in self.headers:
            if header_key(header) not in _KNOWN and header_is_personal(header):
                self.personal.add(1, header, _("this column looks like personal data; remove it and import again."))
        for i, header in enumerate(self.headers):
            known = _KNOWN.get(header_key(header))
            if known is None:
                self.ignored_columns.append(header)
            elif known in columns:
                self.header.add(1, header, _("this column appears twice."))
            else:
                columns[known] = header
                self.index[known] = i
        for name in REQUIRED:
            if name not in columns:
                self.header.add(1, name, _("this required column is missing."))
        self.get = {name: columns.get(name) for name in (*REQUIRED, *OPTIONAL)}

    # -- dates ---------------------------------------------------------------------------------------------

    def _date(self, text: str):
        """(ISO text, ordinal, ``BusinessCalendar.count`` of the day) or the message of why not; read once
        per distinct text. 処理日数 is then ``calendar.days_from_counts`` of the four counts."""
        value = _Dates._parse(text)
        if isinstance(value, datetime.date):
            if value < FIRST_DAY:
                value = _("before %(date)s: no case is that old.") % {"date": FIRST_DAY.isoformat()}
            elif value > self.today:
                value = _("in the future: only decided cases can be imported.")
            else:
                value = (value.isoformat(), value.toordinal(), self.calendar.count(value))
        if len(self._dates) >= MAX_DATE_TEXTS:  # a file of distinct odd texts must not grow the memo without end
            self._dates.clear()
        self._dates[text] = value
        return value

    # -- rows ----------------------------------------------------------------------------------------------

    def checked(self, rows) -> Iterator[tuple]:  # noqa: C901, PLR0912, PLR0915 — one loop, every rule, on purpose
        personal, problems = self.personal, self.problems
        add = problems.add
        if self.header:  # the rows cannot be read; they are still searched for personal data
            for number, cells in rows:
                self.rows += 1
                self._personal(number, cells, SEPARATOR.join(cells))
            return
        ix, get = self.index, self.get
        width = len(self.headers)
        separators = width - 1
        missing = width  # an optional column not in the file reads the "" added at the end of each row
        i_id, i_code, i_rec, i_dec = ix[CASE_ID], ix[CODE], ix[RECEIVED], ix[DECIDED]
        i_req, i_done = ix.get(REQUESTED, missing), ix.get(DONE, missing)
        i_channel, i_sat = ix.get(CHANNEL, missing), ix.get(SATISFACTION, missing)
        i_name, i_days = ix.get(NAME, missing), ix.get(STANDARD_DAYS, missing)
        h_id, h_code, h_rec, h_dec = get[CASE_ID], get[CODE], get[RECEIVED], get[DECIDED]
        h_req, h_done, h_channel, h_sat = get[REQUESTED], get[DONE], get[CHANNEL], get[SATISFACTION]
        h_name, h_days = get[NAME], get[STANDARD_DAYS]
        dates, date = self._dates, self._date
        from_counts = days_from_counts
        known, code_ok = self.known, _CODE.match
        copy = self.keyed.copy
        channels = {word.lower(): str(value.value) for word, value in CHANNEL_WORDS.items()}
        names: dict[str, tuple[str, int]] = {}
        used_add = self.used.add
        hint = ROW_HINT.search
        normalize = unicodedata.normalize
        m_required = _("this date is required.")
        for number, cells in rows:
            self.rows += 1
            joined = SEPARATOR.join(cells)
            single = joined.count(SEPARATOR) == separators  # no cell holds SEPARATOR itself
            if not joined.isascii():
                # NFKC of the whole row is the row of each cell's NFKC: no character composes with
                # SEPARATOR nor becomes one. The personal-data search reads the normalised text too.
                joined = normalize("NFKC", joined)
                cells = joined.split(SEPARATOR) if single else [normalize("NFKC", c) for c in cells]
            if hint(joined) is not None:
                self._personal(number, cells, joined)
            if single and joined.replace(SEPARATOR, "").isprintable():
                cells = [c.strip() for c in cells]  # what clean_text gives for a printable, normalised cell
            else:
                cells = [clean_text(c) for c in cells]
            cells.append("")
            before = problems.total
            case_id = cells[i_id]
            row_key = None
            if not case_id:
                add(number, h_id, _("the case ID is empty."))
            elif len(case_id) > MAX_CASE_ID:
                add(number, h_id, _("the case ID is longer than %(max)s characters.") % {"max": MAX_CASE_ID})
            else:
                keyed = copy()
                keyed.update(case_id.encode())
                row_key = keyed.hexdigest()
            code = cells[i_code]
            if not code:
                add(number, h_code, _("the procedure code is empty."))
            elif not code_ok(code):
                add(number, h_code, _("a procedure code has letters, digits, - and _ only (at most 40)."))
            text = cells[i_rec]
            received = (dates.get(text) or date(text)) if text else None
            if received is None:
                add(number, h_rec, m_required)
            elif received.__class__ is str:
                add(number, h_rec, received)
                received = None
            text = cells[i_dec]
            decided = (dates.get(text) or date(text)) if text else None
            if decided is None:
                add(number, h_dec, m_required)
            elif decided.__class__ is str:
                add(number, h_dec, decided)
                decided = None
            text = cells[i_req]
            requested = (dates.get(text) or date(text)) if text else None
            if requested.__class__ is str:
                add(number, h_req, requested)
                requested = False  # given but wrong: not "neither"
            text = cells[i_done]
            done = (dates.get(text) or date(text)) if text else None
            if done.__class__ is str:
                add(number, h_done, done)
                done = False
            if received and decided and decided[1] < received[1]:
                add(number, h_dec, _("the decision date is before the date of receipt."))
            if (requested is None) != (done is None) and problems.total == before:
                column = (h_done or DONE) if done is None else (h_req or REQUESTED)
                add(number, column, _("give both correction dates, or neither."))
            if requested and done:
                if done[1] < requested[1]:
                    add(number, h_done, _("the correction ends before it was requested."))
                elif received and decided and not (received[1] <= requested[1] and done[1] <= decided[1]):
                    add(number, h_req, _("the correction must fall between the receipt and the decision."))
            text = cells[i_channel]
            channel = channels.get(text.lower()) if text else ""
            if channel is None:
                add(number, h_channel, _("write 窓口, オンライン or 郵送."))
            text = cells[i_sat]
            satisfaction = _small_int(text, 1, 5) if text else None
            if text and satisfaction is None:
                add(number, h_sat, _("a satisfaction score is a whole number from 1 to 5."))
            text = cells[i_days]
            standard_days = _small_int(text, 1, 3650) if text else None
            if text and standard_days is None:
                add(number, h_days, _("a standard processing period is a whole number of days (1–3650)."))
            name = cells[i_name]
            if len(name) > 200:
                add(number, h_name, _("a procedure name has at most 200 characters."))
            if problems.total or personal.total:  # the file is refused: only the key still matters
                if row_key is not None:
                    yield (number, row_key, None, None, None, None, None, None, None, None, None, None)
                continue
            upper = code.upper()
            procedure = known.get(upper)
            new_code = None
            if procedure is None:
                new_code = upper
                if not name:
                    self.procedures.add(
                        number, CODE, _("unknown procedure code; give 手続名 to add it as this municipality's own.")
                    )
                else:
                    first = names.setdefault(upper, (name, number))
                    if first[0] != name:
                        message = _("another name than in row %(row)s for the same new code.") % {"row": first[1]}
                        self.procedures.add(number, NAME, message)
                    self.to_create.setdefault(code, name)
            if standard_days is not None:
                self.standard_days[upper] = standard_days
            used_add(upper)
            if requested:
                days = from_counts(received[2], decided[2], requested[2], done[2])
                requested, done = requested[0], done[0]
            else:
                days = from_counts(received[2], decided[2])
            yield (
                number,
                row_key,
                procedure,
                new_code,
                received[0],
                decided[0],
                requested,
                done,
                channel,
                satisfaction,
                days,
                decided[1] - received[1],
            )

    def _personal(self, number: int, cells: list[str], joined: str) -> None:
        if not joined_may_be_personal(joined):
            return
        for header, value in zip(self.headers, cells, strict=False):
            kind = personal_kind(value.strip())
            if kind is not None:
                self.personal.add(number, header, _LABELS[kind]())
