"""Reading and checking a file of case records (docs/outcomes.md): CSV in UTF-8 (with or without BOM) or
CP932, or XLSX, read by ``imports.reading`` (streamed, bounded: NUL bytes, huge rows, zip bombs and
too many rows are refused before they cost anything).

Headers (Japanese, as exported from a case system): 案件ID, 手続コード, 受付日, 処分日 required;
補正依頼日, 補正完了日, 申請方法, 満足度, 手続名, 標準処理期間（日） optional. Other columns are not kept,
but every cell of every column is scanned for personal data.

Nothing here writes: ``check_case_file`` returns the checked rows or the problems (row, column,
message), and ``services.cases_import`` writes all rows or none. A problem never quotes a cell: the
row and the column say where, so no value of the file reaches a log or a screen.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from imports.japanese_dates import DateError, parse_date
from imports.reading import FileFormatError, read_rows

from .calendar import FIRST_DAY, BusinessCalendar
from .choices import CHANNEL_WORDS
from .models import CODE_PATTERN
from .personal import header_is_personal, personal_kind, row_may_be_personal

CASE_ID, CODE, RECEIVED, DECIDED = "案件ID", "手続コード", "受付日", "処分日"
REQUESTED, DONE, CHANNEL, SATISFACTION = "補正依頼日", "補正完了日", "申請方法", "満足度"
NAME, STANDARD_DAYS = "手続名", "標準処理期間（日）"
REQUIRED = (CASE_ID, CODE, RECEIVED, DECIDED)
OPTIONAL = (REQUESTED, DONE, CHANNEL, SATISFACTION, NAME, STANDARD_DAYS)
MAX_PROBLEMS = 500  # reported; the count of all problems is kept
MAX_CASE_ID = 200
DEFAULT_MAX_ROWS = 200_000
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


def case_key_hasher(municipality_code: str):
    """A function 案件ID → its key: HMAC-SHA256 under KYOSO_CASE_ID_KEY + the municipality's code, in hex.
    The same 案件ID of another city gives another key; without the deployment's key none can be
    recomputed."""
    base = hmac.new((settings.KYOSO_CASE_ID_KEY + municipality_code).encode(), digestmod=hashlib.sha256)

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


@dataclass
class CheckedRow:
    row: int
    case_id: str
    code: str
    received: datetime.date
    decided: datetime.date
    requested: datetime.date | None
    done: datetime.date | None
    channel: str
    satisfaction: int | None
    name: str
    standard_days: int | None


@dataclass
class CheckedFile:
    rows: list[CheckedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


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


def read_case_file(name: str, source) -> tuple[list[str], list[tuple[int, dict]]]:
    """(headers, rows) of the file; a file that cannot be read at all is refused (row 1)."""
    try:
        return read_rows(name, source, limit=max_rows())
    except FileFormatError as error:
        raise CaseFileRefused([Problem(getattr(error, "row", 1), "", str(error))]) from None


def check_personal(headers: list[str], rows: list[tuple[int, dict]]) -> None:
    """Refuse the file (``CaseFileRefused(personal=True)``) if a header names personal data or any cell
    holds an e-mail address, a phone number or a valid 個人番号."""
    problems = _Problems()
    for header in headers:
        if header_key(header) not in _KNOWN and header_is_personal(header):
            problems.add(1, header, _("this column looks like personal data; remove it and import again."))
    labels = {
        "email": _("an e-mail address: a case file must not contain personal data."),
        "phone": _("a phone number: a case file must not contain personal data."),
        "my_number": _("a 12-digit number with a valid My Number check digit: a case file must not contain it."),
    }
    for number, values in rows:
        if not row_may_be_personal(values.values()):
            continue  # one search for the whole row; cells are looked at one by one only after a hit
        for header, value in values.items():
            kind = personal_kind(value)
            if kind is not None:
                problems.add(number, header, labels[kind])
    if problems:
        raise CaseFileRefused(problems.items, total=problems.total, personal=True)


class _Dates:
    """Date cells read once per distinct text (a year of cases has a few hundred distinct dates)."""

    def __init__(self, today: datetime.date):
        self.today = today
        self.cache: dict[str, datetime.date | str] = {}

    def read(self, text: str) -> datetime.date | str | None:
        """The date, None for an empty cell, or the message of why it is not a date."""
        if not text:
            return None
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        value = self._parse(text)
        if isinstance(value, datetime.date):
            if value < FIRST_DAY:
                value = _("before %(date)s: no case is that old.") % {"date": FIRST_DAY.isoformat()}
            elif value > self.today:
                value = _("in the future: only decided cases can be imported.")
        self.cache[text] = value
        return value

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


def check_rows(headers: list[str], rows: list[tuple[int, dict]], *, today: datetime.date) -> CheckedFile:
    """The rows checked one by one (after ``check_personal``): every problem of the file, or the rows.
    Raises ``CaseFileRefused`` with every problem found (up to MAX_PROBLEMS listed)."""
    problems = _Problems()
    columns: dict[str, str] = {}  # our name → the header as written
    checked = CheckedFile()
    for header in headers:
        known = _KNOWN.get(header_key(header))
        if known is None:
            checked.ignored_columns.append(header)
        elif known in columns:
            problems.add(1, header, _("this column appears twice."))
        else:
            columns[known] = header
    for name in REQUIRED:
        if name not in columns:
            problems.add(1, name, _("this required column is missing."))
    if problems:
        raise CaseFileRefused(problems.items, total=problems.total)
    if not rows:
        raise CaseFileRefused([Problem(2, "", _("the file has no case rows."))])

    dates = _Dates(today)
    seen: dict[str, int] = {}
    get = {name: columns.get(name) for name in (*REQUIRED, *OPTIONAL)}

    def cell(values, name):
        header = get[name]
        return clean_text(values.get(header, "")) if header else ""

    def date_of(number, values, name, required):
        value = dates.read(cell(values, name))
        if value is None:
            if required:
                problems.add(number, get[name], _("this date is required."))
            return None
        if isinstance(value, str):
            problems.add(number, get[name], value)
            return None
        return value

    for number, values in rows:
        before = problems.total
        case_id = cell(values, CASE_ID)
        if not case_id:
            problems.add(number, get[CASE_ID], _("the case ID is empty."))
        elif len(case_id) > MAX_CASE_ID:
            problems.add(
                number, get[CASE_ID], _("the case ID is longer than %(max)s characters.") % {"max": MAX_CASE_ID}
            )
        elif case_id in seen:
            problems.add(
                number, get[CASE_ID], _("the same case ID as row %(row)s: each case once.") % {"row": seen[case_id]}
            )
        else:
            seen[case_id] = number
        code = cell(values, CODE)
        if not code:
            problems.add(number, get[CODE], _("the procedure code is empty."))
        elif not _CODE.match(code):
            problems.add(number, get[CODE], _("a procedure code has letters, digits, - and _ only (at most 40)."))
        received = date_of(number, values, RECEIVED, True)
        decided = date_of(number, values, DECIDED, True)
        requested = date_of(number, values, REQUESTED, False)
        done = date_of(number, values, DONE, False)
        if received and decided and decided < received:
            problems.add(number, get[DECIDED], _("the decision date is before the date of receipt."))
        if (requested is None) != (done is None) and problems.total == before:
            missing = DONE if done is None else REQUESTED
            problems.add(number, get[missing] or missing, _("give both correction dates, or neither."))
        if requested and done:
            if done < requested:
                problems.add(number, get[DONE], _("the correction ends before it was requested."))
            elif received and decided and not (received <= requested and done <= decided):
                problems.add(
                    number, get[REQUESTED], _("the correction must fall between the receipt and the decision.")
                )
        channel_text = cell(values, CHANNEL)
        channel = CHANNEL_WORDS.get(channel_text.lower(), None) if channel_text else ""
        if channel is None:
            problems.add(number, get[CHANNEL], _("write 窓口, オンライン or 郵送."))
        satisfaction_text = cell(values, SATISFACTION)
        satisfaction = _small_int(satisfaction_text, 1, 5) if satisfaction_text else None
        if satisfaction_text and satisfaction is None:
            problems.add(number, get[SATISFACTION], _("a satisfaction score is a whole number from 1 to 5."))
        days_text = cell(values, STANDARD_DAYS)
        standard_days = _small_int(days_text, 1, 3650) if days_text else None
        if days_text and standard_days is None:
            problems.add(
                number, get[STANDARD_DAYS], _("a standard processing period is a whole number of days (1–3650).")
            )
        name = cell(values, NAME)
        if len(name) > 200:
            problems.add(number, get[NAME], _("a procedure name has at most 200 characters."))
        if problems.total == before:
            checked.rows.append(
                CheckedRow(
                    number,
                    case_id,
                    code,
                    received,
                    decided,
                    requested,
                    done,
                    channel,
                    satisfaction,
                    name,
                    standard_days,
                )
            )
    if problems:
        raise CaseFileRefused(problems.items, total=problems.total)
    return checked


def days_of(rows: list[CheckedRow], calendar: BusinessCalendar) -> list[tuple[int, int]]:
    """(処理日数, calendar days) of each row."""
    return [
        (calendar.processing_days(r.received, r.decided, r.requested, r.done), (r.decided - r.received).days)
        for r in rows
    ]
