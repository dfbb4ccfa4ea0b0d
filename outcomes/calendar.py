"""Business days, exactly as docs/outcomes.md defines them (issue 15, section 3).

A **business day** is a day that is not a Saturday, a Sunday, a national holiday (国民の祝日, 振替休日
and 国民の休日, from the maintained ``jpholiday`` package), nor 12/29–1/3, nor one of the city's own
closed days (``ClosedDay``, e.g. a municipal holiday).

**処理日数** of a case = the business days d with 受付日 < d ≤ 処分日, minus the business days d with
補正依頼日 < d ≤ 補正完了日 (waiting for the applicant's correction does not count). **Calendar days**
= 処分日 − 受付日.

Speed: each year's national business days are counted once per process into a cumulative array
(business days among the year's first i days, by ordinal), so the business days of an interval
are two array lookups (plus one per whole year in between); a city's closed days that fall on national
business days are a sorted tuple, two binary searches. A case costs a few microseconds.
"""

from __future__ import annotations

import datetime
import functools
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


def _through(day: datetime.date) -> int:
    """National business days from 1 January of ``day``'s year through ``day``."""
    base, prefix = _years.get(day.year) or _year(day.year)
    return prefix[day.toordinal() - base]


def national_business_days(after: datetime.date, until: datetime.date) -> int:
    """National business days d with after < d ≤ until: two lookups, plus whole years in between."""
    if until <= after:
        return 0
    if after.year == until.year:
        if not FIRST_DAY.year <= after.year <= LAST_DAY.year:
            _check(after)
        base, prefix = _years.get(after.year) or _year(after.year)
        return prefix[until.toordinal() - base] - prefix[after.toordinal() - base]
    _check(after)
    _check(until)
    count = _year(after.year)[1][-1] - _through(after) + _through(until)
    for year in range(after.year + 1, until.year):
        count += _year(year)[1][-1]
    return count


def is_national_business_day(day: datetime.date) -> bool:
    """Not a Saturday, Sunday, national holiday or 12/29–1/3 (a city's closed days aside)."""
    _check(day)
    return national_business_days(day - datetime.timedelta(days=1), day) == 1


class BusinessCalendar:
    """The business days of one city: the national ones less the city's closed days. Build one per city
    and import (or read ``for_closed_days``, cached) and call ``processing_days`` for each case."""

    __slots__ = ("_closed",)

    def __init__(self, closed: Iterable[datetime.date] = ()):
        # Only closed days that would otherwise be business days change a count.
        self._closed = tuple(sorted({d for d in closed if FIRST_DAY <= d <= LAST_DAY and is_national_business_day(d)}))

    def is_business_day(self, day: datetime.date) -> bool:
        return is_national_business_day(day) and not self._closed_between(day - datetime.timedelta(days=1), day)

    def business_days(self, after: datetime.date, until: datetime.date) -> int:
        """The business days d with after < d ≤ until (0 when until ≤ after)."""
        national = national_business_days(after, until)
        return national - self._closed_between(after, until) if self._closed and until > after else national

    def _closed_between(self, after, until) -> int:
        return bisect_right(self._closed, until) - bisect_right(self._closed, after)

    def processing_days(
        self,
        received: datetime.date,
        decided: datetime.date,
        correction_requested: datetime.date | None = None,
        correction_done: datetime.date | None = None,
    ) -> int:
        """処理日数: business days in (received, decided] less those in (correction_requested,
        correction_done]. The caller has checked the order of the dates (casefile.py)."""
        days = self.business_days(received, decided)
        if correction_requested is not None and correction_done is not None:
            days -= self.business_days(correction_requested, correction_done)
        return days


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
