"""Date arithmetic every app shares: the Japanese fiscal year (年度, April–March) and moving by months. One
rule each (KPI baselines, case figures, the yearly review, the annual report, renewals, the demo)."""

import calendar
import datetime


def fiscal_year_of(day: datetime.date) -> int:
    """The fiscal year containing ``day``, named by the year it starts in: 2026-03-31 is in FY2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_start(day: datetime.date) -> datetime.date:
    """1 April of the fiscal year ``day`` is in."""
    return datetime.date(fiscal_year_of(day), 4, 1)


def month_start(day: datetime.date, months: int = 0) -> datetime.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, 1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier), clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    first = month_start(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))
