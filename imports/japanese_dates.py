"""Dates and period texts as Japanese cities write them in their published lists of agreements.

The five modern eras are a table in this module rather than ``japanera``: that package (plus ``kanjize``)
brings ~250 historical eras but reads only fixed ``strptime`` formats, so it would spare none of the
parsing below for five rows that change only at an imperial succession.

Decisions the importer can rely on:

* An era year past the era's end (平成32年 = 2020, 平成31年5月1日 = 2019-05-01) or before its start
  (令和元年4月1日 = 2019-04-01) is converted by arithmetic, because officials did write them (documents
  drafted before the change of era), and flagged in ``ParsedDate.note`` for the importer to show.
* 年度 is a fiscal year (1 April – 31 March), not a date: ``parse_date`` refuses it with a message that
  says so, ``parse_fiscal_year`` reads it, and ``parse_period`` reads 「令和5年度から令和7年度まで」 as
  2023-04-01 – 2026-03-31.
* Dates before 1873 are refused: Japan kept a lunisolar calendar until 明治5年, so arithmetic on them
  would give the wrong day. Bare numbers (Excel serials) are accepted only for 1950–2100, since a stray
  count or amount in a date column is likelier than a date outside it.
* Nothing here is translated: messages are English and each ``DateError`` has a ``code`` the importer
  maps to its own (translated) message.
"""

import calendar
import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple

from core.dates import month_start

__all__ = [
    "DateError",
    "DateMatch",
    "ParsedDate",
    "ParsedPeriod",
    "display",
    "find_date",
    "fiscal_year_bounds",
    "parse_date",
    "parse_fiscal_year",
    "parse_period",
    "to_wareki",
]

Precision = Literal["day", "month", "year"]
ErrorCode = Literal["impossible", "unreadable", "implausible"]

# Japan adopted the Gregorian calendar on 明治6年1月1日; earlier 明治 dates are lunisolar.
EARLIEST = datetime.date(1873, 1, 1)
LATEST = datetime.date(2100, 12, 31)
# Bare numbers are a weaker sign of a date than text or a date cell, so their range is narrower.
SERIAL_EARLIEST = datetime.date(1950, 1, 1)
# A date cell before March 1900 is Excel's serial 0–60 (an empty or mistyped cell shown as a date).
CELL_EARLIEST = datetime.date(1900, 3, 1)

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS_JA = "月火水木金土日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DateError(ValueError):
    """Text that cannot become a date; ``code`` is "impossible", "unreadable" or "implausible"."""

    def __init__(self, message: str, *, code: ErrorCode, text: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.text = text


@dataclass(frozen=True)
class _Era:
    name: str
    letter: str
    since: datetime.date
    until: datetime.date | None  # last day, inclusive; None for the current era


ERAS = (
    # 明治 was proclaimed on 1868-10-23 but counted from 慶応4年1月1日 (1868-01-25); before 1873 is refused anyway.
    _Era("明治", "M", datetime.date(1868, 1, 25), datetime.date(1912, 7, 29)),
    _Era("大正", "T", datetime.date(1912, 7, 30), datetime.date(1926, 12, 24)),
    _Era("昭和", "S", datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
    _Era("平成", "H", datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
    _Era("令和", "R", datetime.date(2019, 5, 1), None),
)
_ERA_BY_KEY = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}


@dataclass(frozen=True)
class ParsedDate:
    """A date read from text, as precise as the text was: month precision holds the 1st, year precision 1 January.

    ``text`` is what was read (the original characters); ``note`` says what the importer may want to show,
    such as an era year past the era's end or a weekday that does not match.
    """

    value: datetime.date
    precision: Precision
    text: str
    note: str | None = None

    def __post_init__(self) -> None:
        # A month- or year-precision value with a day would be read as a real day downstream.
        if self.precision not in ("day", "month", "year"):
            raise ValueError(f"unknown precision {self.precision!r}")
        if (self.precision != "day" and self.value.day != 1) or (self.precision == "year" and self.value.month != 1):
            raise ValueError(f"a {self.precision}-precision date must be the first day of its {self.precision}")

    @property
    def last_day(self) -> datetime.date:
        """The last day the date covers: itself, the month's last day, or 31 December (for end dates)."""
        if self.precision == "day":
            return self.value
        if self.precision == "month":
            return self.value.replace(day=calendar.monthrange(self.value.year, self.value.month)[1])
        return self.value.replace(month=12, day=31)

    def __str__(self) -> str:
        return display(self)


def display(parsed: ParsedDate, *, lang: str = "ja") -> str:
    """「2022年3月6日」/「2022年3月」/「2022年」 in Japanese, "6 March 2022"/"March 2022"/"2022" in English."""
    value, precision = parsed.value, parsed.precision
    language = lang.split("-")[0].lower()
    if language == "ja":
        if precision == "day":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.year}年{value.month}月" if precision == "month" else f"{value.year}年"
    if language == "en":
        if precision == "day":
            return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
        return f"{_MONTHS_EN[value.month - 1]} {value.year}" if precision == "month" else str(value.year)
    raise ValueError(f"no date display for language {lang!r}")


def to_wareki(value: datetime.date, *, precision: Precision = "day") -> str:
    """The date in the Japanese calendar: 「令和5年2月6日」, with 元年 for an era's first year."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value < EARLIEST:
        raise ValueError(f"{value.isoformat()} is before 1873, when Japan adopted the Gregorian calendar")
    era = next(era for era in reversed(ERAS) if era.since <= value)
    era_year = value.year - era.since.year + 1
    text = f"{era.name}{'元' if era_year == 1 else era_year}年"
    if precision in ("month", "day"):
        text += f"{value.month}月"
    if precision == "day":
        text += f"{value.day}日"
    return text


# --- Reading text ---------------------------------------------------------------------------------------

# After NFKC, officials' dashes and wave dashes still come in many code points (ー between digits included).
_TRANSLATE = dict.fromkeys(map(ord, "‐‑‒–—―−ー─━"), "-") | dict.fromkeys(map(ord, "〜〰"), "~")


def _normalize(text: str) -> tuple[str, list[int]]:
    """NFKC one character at a time, so every normalised character knows the original one it came from
    (㍻ becomes two characters, and spans found in the normalised text must point into the original)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for normalised in unicodedata.normalize("NFKC", char).translate(_TRANSLATE):
            chars.append(normalised)
            origin.append(index)
    return "".join(chars), origin


_ERA_NAMES = "|".join(era.name for era in ERAS) + "|[MTSHRmtshr]"
_ERA_YEAR = rf"(?<![A-Za-z])(?P<era>{_ERA_NAMES})\s*(?P<year>元|\d{{1,2}})"
# The western year is limited to 18xx–21xx so that ID and phone numbers are not taken for years.
_WESTERN_YEAR = r"(?<![\d.,/])(?P<year>(?:1[89]|2[01])\d{2})"
_KANJI_TAIL = r"\s*年(?!\s*度)(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?)?"


def _sep_tail(*, day_required: bool) -> str:
    day = r"\s*(?P=sep)\s*(?P<day>\d{1,2})"
    # Not followed by another separator and digit: 1.2.3.4 is a version or a list number, not a date.
    return rf"\s*(?P<sep>[./-])\s*(?P<month>\d{{1,2}})(?:{day}){'' if day_required else '?'}(?!\d)(?!\s*(?P=sep)\s*\d)"


_ERA_KANJI = re.compile(_ERA_YEAR + _KANJI_TAIL)
_WESTERN_KANJI = re.compile(_WESTERN_YEAR + _KANJI_TAIL)
_ERA_SEP = re.compile(_ERA_YEAR + _sep_tail(day_required=False))
_WESTERN_SEP = re.compile(_WESTERN_YEAR + _sep_tail(day_required=False))
_COMPACT = re.compile(r"(?P<year>(?:1[89]|2[01])\d{2})(?P<month>\d{2})(?P<day>\d{2})")
_PARSE_PATTERNS = (_ERA_KANJI, _ERA_SEP, _WESTERN_KANJI, _WESTERN_SEP, _COMPACT)
# In running text, numbers with separators are dates only with a day (R4.3 or 2022/3 may be anything).
_FIND_PATTERNS = (
    _ERA_KANJI,
    _WESTERN_KANJI,
    re.compile(_ERA_YEAR + _sep_tail(day_required=True)),
    re.compile(_WESTERN_YEAR + _sep_tail(day_required=True)),
)
_FISCAL = re.compile(
    rf"(?:(?<![A-Za-z])(?P<era>{_ERA_NAMES})\s*(?P<eyear>元|\d{{1,2}})|(?<![\d.,/])(?P<wyear>(?:1[89]|2[01])\d{{2}}))"
    r"\s*年\s*度"
)
_WEEKDAY = re.compile(
    r"\s*(?:[(\[〔【<《「『]\s*(?P<wd>[月火水木金土日])\s*(?:曜日?)?\s*[)\]〕】>》」』]|(?P<wd2>[月火水木金土日])曜日?)"
)
# Words that follow a date in a date cell without changing it.
_SUFFIX = re.compile(r"(?:\s*(?:付け|付|から|より|まで|迄|に締結|締結|~|[.。、,]))*\s*")
# Cells that only say "nothing here".
_PLACEHOLDER = re.compile(r"[-~/・\s]+")


class _Hit(NamedTuple):
    match: re.Match[str]
    end: int  # after the weekday, if any
    weekday: str | None


def _with_weekday(text: str, match: re.Match[str]) -> _Hit:
    if match.groupdict().get("day") is not None and (weekday := _WEEKDAY.match(text, match.end())):
        return _Hit(match, weekday.end(), weekday["wd"] or weekday["wd2"])
    return _Hit(match, match.end(), None)


def _search(text: str, pos: int, patterns: tuple[re.Pattern[str], ...]) -> _Hit | None:
    """The earliest date at or after pos; of two starting together, the longer (R5.4.1 over R5.4)."""
    best: re.Match[str] | None = None
    for pattern in patterns:
        match = pattern.search(text, pos)
        if match and (best is None or (match.start(), -match.end()) < (best.start(), -best.end())):
            best = match
    return _with_weekday(text, best) if best else None


def _check_range(value: datetime.date, text: str, *, earliest: datetime.date = EARLIEST) -> None:
    if not earliest <= value <= LATEST:
        why = " (Japan used a lunisolar calendar before 1873)" if value < EARLIEST else ""
        raise DateError(
            f"'{text}' would be {value.isoformat()}, outside {earliest.isoformat()} – {LATEST.isoformat()}{why}.",
            code="implausible",
            text=text,
        )


def _build(match: re.Match[str], *, text: str, weekday: str | None = None) -> ParsedDate:
    """Turns a matched date into a ParsedDate, checking that the calendar has it."""
    groups = match.groupdict()
    notes = []
    era = None
    if groups.get("era"):
        key = groups["era"]
        era = _ERA_BY_KEY[key.upper() if key.isascii() else key]
        era_year = 1 if groups["year"] == "元" else int(groups["year"])
        if era_year == 0:
            raise DateError(f"'{text}': an era has no year 0 (its first year is 元年).", code="impossible", text=text)
        year = era.since.year + era_year - 1
    else:
        year = int(groups["year"])
    month = int(groups["month"]) if groups.get("month") else None
    day = int(groups["day"]) if groups.get("day") else None
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"'{text}' is not a date: there is no month {month}.", code="impossible", text=text)
    if day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise DateError(
                f"'{text}' is not a date: {_MONTHS_EN[month - 1]} {year} has {days} days, so no day {day}.",
                code="impossible",
                text=text,
            )
    precision: Precision = "day" if day else "month" if month else "year"
    parsed = ParsedDate(datetime.date(year, month or 1, day or 1), precision, text)
    _check_range(parsed.value, text)
    if era is not None:
        if era.until is not None and parsed.value > era.until:
            notes.append(f"after the end of {era.name} on {era.until.isoformat()}")
        elif parsed.last_day < era.since:
            notes.append(f"before the start of {era.name} on {era.since.isoformat()}")
    if weekday is not None and _WEEKDAYS_JA[parsed.value.weekday()] != weekday:
        # A mismatch usually means a typo in the day; the importer shows it rather than guessing which is right.
        notes.append(
            f"weekday {weekday} does not match: {parsed.value.isoformat()} is a {_WEEKDAYS_EN[parsed.value.weekday()]}"
        )
    if notes:
        parsed = ParsedDate(parsed.value, precision, text, "; ".join(notes))
    return parsed


def _from_serial(number: int | float | Decimal) -> ParsedDate:
    text = str(number)
    if not math.isfinite(number):
        raise DateError(f"'{text}' is not a date.", code="unreadable", text=text)
    serial = math.floor(number)  # the fraction is the time of day
    if serial == 60:
        # Excel's 1900 date system counts 29 February 1900 (a Lotus 1-2-3 bug it kept), so serials shift at 61.
        raise DateError("Excel serial 60 is 29 February 1900, a day that never existed.", code="impossible", text=text)
    earliest, latest = _to_serial(SERIAL_EARLIEST), _to_serial(LATEST)
    if not earliest <= serial <= latest:
        raise DateError(
            f"The number {text} is not a date between {SERIAL_EARLIEST.year} and {LATEST.year}"
            f" (as an Excel date it would need to be between {earliest} and {latest}).",
            code="implausible",
            text=text,
        )
    base = datetime.date(1899, 12, 30) if serial > 60 else datetime.date(1899, 12, 31)
    return ParsedDate(base + datetime.timedelta(days=serial), "day", text)


def _to_serial(value: datetime.date) -> int:
    """Excel's serial for a date from 1 March 1900 on."""
    return (value - datetime.date(1899, 12, 30)).days


def parse_date(value: str | datetime.date | int | float | Decimal | None) -> ParsedDate | None:
    """Reads one date cell: a date or datetime (XLSX), an Excel serial number, or text as officials write it.

    Returns None for an empty cell (or one holding only a dash placeholder). Raises ``DateError`` with code
    "impossible" (2024/13/45, 令和5年2月30日), "implausible" (outside the accepted years) or "unreadable".
    Text may carry a weekday in brackets and trailing 付け/付/から/より/まで/締結/～; 年度 is refused.
    """
    if value is None:
        return None
    if isinstance(value, bool):  # bool is an int, but True is no serial number
        raise DateError(f"'{value}' is not a date.", code="unreadable", text=str(value))
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        _check_range(day, day.isoformat(), earliest=CELL_EARLIEST)
        return ParsedDate(day, "day", day.isoformat())
    if isinstance(value, int | float | Decimal):
        return _from_serial(value)
    text = str(value).strip()
    normalised = _normalize(text)[0].strip()
    if not normalised or _PLACEHOLDER.fullmatch(normalised):
        return None
    for pattern in _PARSE_PATTERNS:
        match = pattern.match(normalised)
        if match is None:
            continue
        hit = _with_weekday(normalised, match)
        if _SUFFIX.fullmatch(normalised, hit.end):
            return _build(match, text=text, weekday=hit.weekday)
    if _FISCAL.search(normalised):
        raise DateError(
            f"'{text}' is a fiscal year (年度, April to March), not a date; write the day, such as 2024/4/1.",
            code="unreadable",
            text=text,
        )
    raise DateError(
        f"'{text}' is not a date that can be read; write it as 2024-07-01, 2024/7/1 or 令和6年7月1日.",
        code="unreadable",
        text=text,
    )


class DateMatch(NamedTuple):
    """A date found in running text, with its span in that text (a following bracketed weekday included)."""

    parsed: ParsedDate
    span: tuple[int, int]


def _span(origin: list[int], start: int, end: int) -> tuple[int, int]:
    return origin[start], origin[end - 1] + 1


def find_date(text: str) -> DateMatch | None:
    """The first date in running text (「株式会社〇〇（令和5年2月6日締結）」), or None if there is none.

    Numbers with separators count only with a day (R5.2.6, 2023/2/6), so row numbers (1-2), phone numbers
    and 2022/3 are left alone. Raises ``DateError`` when that first date is impossible, so a typo is
    reported rather than skipped for a later date.
    """
    if not text:
        return None
    normalised, origin = _normalize(text)
    hit = _search(normalised, 0, _FIND_PATTERNS)
    if hit is None:
        return None
    start, end = _span(origin, hit.match.start(), hit.end)
    core_end = _span(origin, hit.match.start(), hit.match.end())[1]
    return DateMatch(_build(hit.match, text=text[start:core_end], weekday=hit.weekday), (start, end))


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a Japanese fiscal year: 1 April of ``year`` to 31 March of the next."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def _fiscal_year(match: re.Match[str], text: str) -> int:
    if match["era"]:
        era = _ERA_BY_KEY[match["era"].upper() if match["era"].isascii() else match["era"]]
        era_year = 1 if match["eyear"] == "元" else int(match["eyear"])
        if era_year == 0:
            raise DateError(f"'{text}': an era has no year 0 (its first year is 元年).", code="impossible", text=text)
        year = era.since.year + era_year - 1
    else:
        year = int(match["wyear"])
    _check_range(datetime.date(year, 4, 1), text)
    return year


def parse_fiscal_year(value: str | None) -> int | None:
    """The calendar year a fiscal year (年度) starts in: 「令和5年度」 and 「2023年度」 are 2023; None for empty.

    平成31年度 is 2019, as officials wrote it before 令和 was named. Raises ``DateError`` like ``parse_date``.
    """
    text = "" if value is None else str(value).strip()
    normalised = _normalize(text)[0].strip()
    if not normalised:
        return None
    match = _FISCAL.fullmatch(normalised)
    if match is None:
        raise DateError(f"'{text}' is not a fiscal year such as 令和5年度 or 2023年度.", code="unreadable", text=text)
    return _fiscal_year(match, text)


# --- Periods ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParsedPeriod:
    """What a period text (協定期間) says. When ``understood`` is False every other field is empty.

    ``starts_on`` is a start written in the text; ``term_months`` and ``renewal_term_months`` are only what
    the text states (自動更新 alone leaves the renewal term None, though it is usually the same term).
    """

    starts_on: ParsedDate | None = None
    ends_on: ParsedDate | None = None
    open_ended: bool = False
    term_months: int | None = None
    auto_renewal: bool | None = None
    renewal_term_months: int | None = None
    text: str
    understood: bool


# (?<!更新の): 「更新の定めなし」 says there is no renewal, not that there is no end.
_OPEN_ENDED = re.compile(
    r"(?<!更新の)(?<!延長の)定め(?:は|が|の)?(?:なし|無し|ない|無い|ありません)|無期限|期限(?:は|が)?(?:なし|無し|ない|無い)"
)
_KANJI_DIGITS = "一二三四五六七八九"
_NUMBER = r"(?:\d{1,3}|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_MONTH_UNIT = r"(?:か|ヶ|ケ|ヵ|カ|箇|个)\s*月"
_DURATION = re.compile(
    rf"(?<![\d一二三四五六七八九十])(?:(?P<years>{_NUMBER})\s*年(?!\s*度)(?:\s*(?P<half>半)|\s*(?P<ymonths>{_NUMBER})\s*{_MONTH_UNIT})?"
    rf"|(?P<months>{_NUMBER})\s*{_MONTH_UNIT}|(?P<halfyear>半\s*年)(?!\s*度))\s*間?"
)
_RENEWAL_BEFORE = re.compile(r"(?:さらに|更に|以後|以降|その後|引き続き|引続き|それぞれ)\s*[、,]?\s*$")
# 「1年ごと」, 「1年間延長」: the length of each renewal, not the first term.
_RENEWAL_AFTER = re.compile(r"\s*(?:ごと|毎|ずつ|単位|(?:を|の)?延長)")
# 「満了の1か月前までに」 is a notice period, not a term.
_NOT_A_TERM_AFTER = re.compile(r"\s*(?:前|以内)")
_SAME_TERM = re.compile(r"同一(?:の)?(?:期間|条件)|同期間|同じ(?:期間|条件)|同様の(?:期間|条件)")
# 「自動更新しない」 and the like are not renewals.
_AUTO = re.compile(r"自動(?:的に)?(?:更新|延長|継続)(?!\s*(?:なし|無し|しない|せず|は(?:しない|ない|なし|ありません)))")
_NO_OBJECTION = re.compile(
    r"(?:申し?出|申入れ|申し入れ|意思表示|通知|異議)[^。]{0,15}?(?:ない|無い|なき|無き|なけれ|なかっ)"
)
_EXTENSION = re.compile(r"延長|更新|継続")
_NO_RENEWAL = re.compile(r"(?:更新|延長)(?:の定め)?(?:は)?(?:なし|無し|しない|せず|ありません)")
_STARTS_AFTER = re.compile(r"\s*(?:締結|付け?|施行)?\s*(?:から|より|~|-|以降|以後)")
_ENDS_AFTER = re.compile(r"\s*(?:まで|迄|限り|満了)")


def _kanji_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    # 三, 十, 十二, 二十四: terms are written in years or months, so up to 99 is plenty.
    if "十" not in text:
        return _KANJI_DIGITS.index(text) + 1
    tens, _, units = text.partition("十")
    return (_KANJI_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_KANJI_DIGITS.index(units) + 1 if units else 0)


def _months(match: re.Match[str]) -> int:
    if match["halfyear"]:
        return 6
    if match["months"]:
        return _kanji_number(match["months"])
    months = 12 * _kanji_number(match["years"])
    if match["half"]:
        months += 6
    elif match["ymonths"]:
        months += _kanji_number(match["ymonths"])
    return months


def _end_of_term(start: datetime.date, months: int) -> datetime.date:
    """The day before the same day ``months`` later, or that month's last day if it has no such day (民法第143条)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    days = calendar.monthrange(year, month + 1)[1]
    if start.day > days:
        return datetime.date(year, month + 1, days)
    return datetime.date(year, month + 1, start.day) - datetime.timedelta(days=1)


def _not_understood(text: str) -> ParsedPeriod:
    return ParsedPeriod(text=text, understood=False)


def parse_period(text: str | None, *, starts_on: datetime.date | None = None) -> ParsedPeriod:
    """Reads a period text; never raises (``understood`` is False for anything not read, the text kept).

    Understood: an end date (「令和7年3月31日まで」), a range (「R5.4.1～R8.3.31」, which also sets ``starts_on``;
    fiscal years as 1 April – 31 March), no end (「期間の定めなし」, 「無期限」), a term (「3年間」 → 36) and
    renewal (「自動更新」, or 延長/更新 after 「申し出がない場合」; 「さらに1年間」 or 「1年ごと」 as the renewal term).
    With a term, no end date and a start (in the text, else ``starts_on``), ``ends_on`` is computed as the day
    before the same day ``term`` months later: 2023-04-01 + 1年間 → 2024-03-31; a start on a day the last month
    lacks ends on that month's last day (民法第143条). Contradictions (an end before the start, an end and
    「定めなし」, more than two dates, an impossible date) make the text not understood.
    """
    raw = "" if text is None else str(text).strip()
    if not raw:
        return _not_understood(raw)
    normalised, origin = _normalize(raw)
    try:
        return _parse_period(raw, normalised, origin, starts_on)
    except DateError:
        return _not_understood(raw)


def _parse_period(raw: str, normalised: str, origin: list[int], starts_on: datetime.date | None) -> ParsedPeriod:
    # Dates and fiscal years first, masked out so that 令和5年 is not read as a 5-year term.
    found: list[tuple[_Hit, bool]] = []  # (hit, is fiscal year)
    masked = list(normalised)
    pos = 0
    while hit := _search(normalised, pos, (*_FIND_PATTERNS, _FISCAL)):
        found.append((hit, hit.match.re is _FISCAL))
        masked[hit.match.start() : hit.end] = "\x00" * (hit.end - hit.match.start())
        pos = hit.end
    masked_text = "".join(masked)
    if len(found) > 2:
        return _not_understood(raw)

    dates: list[ParsedDate] = []
    for index, (hit, fiscal) in enumerate(found):
        start, end = _span(origin, hit.match.start(), hit.match.end())
        piece = raw[start:end]
        is_start = index == 0 and (len(found) == 2 or _starts_here(normalised, hit))
        if fiscal:
            year = _fiscal_year(hit.match, piece)
            first, last = fiscal_year_bounds(year)
            note = f"fiscal year {piece} ({first.isoformat()} – {last.isoformat()})"
            dates.append(ParsedDate(first if is_start else last, "day", piece, note))
        else:
            dates.append(_build(hit.match, text=piece, weekday=hit.weekday))
    if len(found) == 2 and _ENDS_AFTER.match(normalised, found[0][0].end):
        return _not_understood(raw)  # two end dates
    text_start = dates[0] if len(found) == 2 or (found and _starts_here(normalised, found[0][0])) else None
    ends_on = dates[-1] if dates and dates[-1] is not text_start else None

    term_months = renewal_term_months = None
    term_text = None
    for match in _DURATION.finditer(masked_text):
        before = masked_text[max(0, match.start() - 10) : match.start()]
        if _NOT_A_TERM_AFTER.match(masked_text, match.end()):
            continue
        if _RENEWAL_BEFORE.search(before) or _RENEWAL_AFTER.match(masked_text, match.end()):
            renewal_term_months = renewal_term_months or _months(match)
        elif term_months is None:
            term_months = _months(match)
            term_text = raw[slice(*_span(origin, match.start(), match.end()))]
    compact = re.sub(r"\s+", "", masked_text)
    if renewal_term_months is None and term_months and _SAME_TERM.search(compact):
        renewal_term_months = term_months

    auto_renewal = None
    objection = _NO_OBJECTION.search(compact)
    if _AUTO.search(compact) or (objection and _EXTENSION.search(compact, objection.end())):
        auto_renewal = True
    elif _NO_RENEWAL.search(compact):
        auto_renewal = False

    open_ended = bool(_OPEN_ENDED.search(compact))
    if open_ended and (ends_on or term_months):
        return _not_understood(raw)
    if text_start and ends_on and ends_on.last_day < text_start.value:
        return _not_understood(raw)

    start_for_term = text_start.value if text_start else starts_on
    if ends_on is None and term_months and start_for_term is not None:
        if isinstance(start_for_term, datetime.datetime):
            start_for_term = start_for_term.date()
        if start_for_term.year + term_months // 12 > LATEST.year + 1:  # past 2100 anyway; date() could overflow
            return _not_understood(raw)
        if text_start is None or text_start.precision == "day":
            end = _end_of_term(start_for_term, term_months)
            ends_on = ParsedDate(
                end, "day", term_text, f"computed: {term_months} months from {start_for_term.isoformat()}"
            )
        elif text_start.precision == "month":  # 「令和5年4月から3年間」 ends in March 2026, no day known
            end = month_start(text_start.value, term_months - 1)
            ends_on = ParsedDate(
                end, "month", term_text, f"computed: {term_months} months from {display(text_start, lang='en')}"
            )
        if ends_on and ends_on.value > LATEST:
            return _not_understood(raw)

    if not (ends_on or open_ended or term_months):
        return _not_understood(raw)
    return ParsedPeriod(
        starts_on=text_start,
        ends_on=ends_on,
        open_ended=open_ended,
        term_months=term_months,
        auto_renewal=auto_renewal,
        renewal_term_months=renewal_term_months,
        text=raw,
        understood=True,
    )


def _starts_here(normalised: str, hit: _Hit) -> bool:
    """Whether the words after a date make it a start (から, より, ～) rather than an end (まで)."""
    return bool(_STARTS_AFTER.match(normalised, hit.end)) and not _ENDS_AFTER.match(normalised, hit.end)
