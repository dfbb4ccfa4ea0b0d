"""Business days, exactly as docs/outcomes.md defines them (issue 15, section 3).

A **business day** is a day that is not a Saturday, a Sunday, a national holiday (国民の祝日, 振替休日
and 国民の休日, from the maintained ``jpholiday`` package), nor 12/29–1/3, nor one of the city's own
closed days (``ClosedDay``, e.g. a municipal holiday).

**処理日数** of a case = the business days d with 受付日 < d ≤ 処分日, minus the business days d with
補正依頼日 < d ≤ 補正完了日 (waiting for the applicant's correction does not count). **Calendar days**
= 処分日 − 受付日.

Speed — one implementation, a **running count**: ``BusinessCalendar.count(day)`` is the number of the
city's business days from a fixed origin through ``day`` (the origin is arbitrary, only differences
mean anything), so the business days d with a < d ≤ b are ``count(b) − count(a)``. The national part is
counted once per process and year into a cumulative array (business days among the year's first i
days) plus the year's offset from the origin year (each year's total added once), so ``count`` is two
lookups; a city's closed days that fall on national business days are a sorted tuple, one binary
search. ``days_from_counts`` applies the 処理日数 rule to four counts: ``processing_days`` uses it, and so
does the case import (outcomes/casefile.py), which looks up each distinct date's count once per file.
"""

from __future__ import annotations

import datetime
import functools
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable

import jpholiday

FIRST_DAY = datetime.date(1990, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
_YEAR_END = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))


class OutOfRange(ValueError):
    """A date outside FIRST_DAY–LAST_DAY, the years the calendar covers."""


def _check(day: datetime.date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise OutOfRange(f"{day.isoformat()} is outside {FIRST_DAY.isoformat()}–{LAST_DAY.isoformat()}")


_years: dict[int, tuple[int, array]] = {}


def _year(year: int) -> tuple[int, array]:
    """(ordinal of 31 December of the year before, cumulative business days of the year): ``[1][i]`` =
    business days among the year's first i days. Built once per process and year (jpholiday takes a
    few tenths of a second for a year)."""
    built = _years.get(year)
    if built is not None:
        return built
    holidays = {day for day, _name in jpholiday.year_holidays(year)}
    holidays.update(datetime.date(year, month, day) for month, day in _YEAR_END)
    prefix = array("i", [0])
    count = 0
    day, one = datetime.date(year, 1, 1), datetime.timedelta(days=1)
    while day.year == year:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        prefix.append(count)
        day += one
    built = _years[year] = (datetime.date(year, 1, 1).toordinal() - 1, prefix)
    return built


# The offset of each year's counts from the origin year (the first year asked in this process): year Y's
# count of a day = _offsets[Y] + its cumulative array's value. Built outwards from the origin, a year
# at a time, so that an offset never changes once given.
_offsets: dict[int, int] = {}


_offsets_lock = threading.Lock()  # the origin is chosen once, whichever thread asks first


def _offset(year: int) -> int:
    with _offsets_lock:
        return _offset_locked(year)


def _offset_locked(year: int) -> int:
    offset = _offsets.get(year)
    if offset is not None:
        return offset
    if not _offsets:
        _offsets[year] = 0
        return 0
    if year > max(_offsets):
        for y in range(max(_offsets) + 1, year + 1):
            _offsets[y] = _offsets[y - 1] + _year(y - 1)[1][-1]
    else:
        for y in range(min(_offsets) - 1, year - 1, -1):
            _offsets[y] = _offsets[y + 1] - _year(y)[1][-1]
    return _offsets[year]


def national_count(day: datetime.date) -> int:
    """The running count of national business days through ``day`` (from the process's origin):
    national_business_days(a, b) == national_count(b) − national_count(a)."""
    year = day.year
    offset = _offsets.get(year)
    if offset is None:
        if not FIRST_DAY <= day <= LAST_DAY:
            _check(day)
        offset = _offset(year)
    base, prefix = _years.get(year) or _year(year)
    return offset + prefix[day.toordinal() - base]


def national_business_days(after: datetime.date, until: datetime.date) -> int:
    """National business days d with after < d ≤ until (0 when until ≤ after): two running counts."""
    if until <= after:
        return 0
    return national_count(until) - national_count(after)


def is_national_business_day(day: datetime.date) -> bool:
    """Not a Saturday, Sunday, national holiday or 12/29–1/3 (a city's closed days aside)."""
    _check(day)
    return national_business_days(day - datetime.timedelta(days=1), day) == 1


def days_from_counts(received: int, decided: int, requested: int | None = None, done: int | None = None) -> int:
    """処理日数 from the running counts (``BusinessCalendar.count``) of its four dates: the business days in
    (受付日, 処分日] less those in (補正依頼日, 補正完了日] — the rule, in this one place."""
    if requested is None or done is None:
        return decided - received
    return decided - received - (done - requested)


class BusinessCalendar:
    """The business days of one city: the national ones less the city's closed days. Build one per city
    and import (or read ``for_closed_days``, cached) and call ``processing_days`` for each case — or
    ``count`` once per distinct date and ``days_from_counts`` per case, as the import does."""

    __slots__ = ("_closed",)

    def __init__(self, closed: Iterable[datetime.date] = ()):
        # Only closed days that would otherwise be business days change a count.
        self._closed = tuple(sorted({d for d in closed if FIRST_DAY <= d <= LAST_DAY and is_national_business_day(d)}))

    def count(self, day: datetime.date) -> int:
        """The running count of the city's business days through ``day`` (from an arbitrary origin, the
        same for every calendar of the process): business_days(a, b) == count(b) − count(a) for a ≤ b."""
        if self._closed:
            return national_count(day) - bisect_right(self._closed, day)
        return national_count(day)

    def is_business_day(self, day: datetime.date) -> bool:
        return self.count(day) - self.count(day - datetime.timedelta(days=1)) == 1

    def business_days(self, after: datetime.date, until: datetime.date) -> int:
        """The business days d with after < d ≤ until (0 when until ≤ after)."""
        if until <= after:
            return 0
        return self.count(until) - self.count(after)

    def processing_days(
        self,
        received: datetime.date,
        decided: datetime.date,
        correction_requested: datetime.date | None = None,
        correction_done: datetime.date | None = None,
    ) -> int:
        """処理日数: business days in (received, decided] less those in (correction_requested,
        correction_done]. The caller has checked the order of the dates (casefile.py)."""
        count = self.count
        if correction_requested is None or correction_done is None:
            return days_from_counts(count(received), count(decided))
        return days_from_counts(count(received), count(decided), count(correction_requested), count(correction_done))


@functools.lru_cache(maxsize=64)
def for_closed_days(closed: frozenset = frozenset()) -> BusinessCalendar:
    """The calendar of a set of closed days, cached (a city's set changes rarely)."""
    return BusinessCalendar(closed)


def processing_days(
    received: datetime.date,
    decided: datetime.date,
    correction_requested: datetime.date | None = None,
    correction_done: datetime.date | None = None,
    closed: frozenset = frozenset(),
) -> int:
    """処理日数 of one case (see the module's docstring); ``closed``: the city's own closed days."""
    return for_closed_days(frozenset(closed)).processing_days(received, decided, correction_requested, correction_done)


def calendar_days(received: datetime.date, decided: datetime.date) -> int:
    """Calendar days from 受付日 to 処分日 (処分日 − 受付日), as statutory limits and national statistics count."""
    return (decided - received).days
