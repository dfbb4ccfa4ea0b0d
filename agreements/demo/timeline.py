"""Dates of the demo, relative to the real today, so that the dashboard always shows items that are
due soon or overdue. Agreements and measurements are placed in Japanese fiscal years (April–March)."""

import calendar
import datetime
from dataclasses import dataclass

from core.dates import add_months, fiscal_year_of  # add_months: the demo modules read it from here

_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


@dataclass(frozen=True)
class Timeline:
    today: datetime.date

    @property
    def fiscal_year(self) -> int:
        """The fiscal year that contains today (FY2026 runs from 2026-04-01 to 2027-03-31)."""
        return fiscal_year_of(self.today)

    def fy(self, years: int, months: int = 0, day: int = 1) -> datetime.date:
        """A day of a fiscal year relative to the current one: ``fy(-2, 1, 15)`` is 15 May, two FYs ago."""
        month_start = add_months(datetime.date(self.fiscal_year + years, 4, 1), months)
        last = calendar.monthrange(month_start.year, month_start.month)[1]
        return month_start.replace(day=min(day, last))

    def fy_end(self, years: int) -> datetime.date:
        """31 March ending a fiscal year relative to the current one."""
        return datetime.date(self.fiscal_year + years + 1, 3, 31)

    def days(self, count: int) -> datetime.date:
        """Today plus (or minus) a number of days."""
        return self.today + datetime.timedelta(days=count)

    def periods(
        self, frequency: str, *, until: datetime.date | None = None
    ) -> list[tuple[datetime.date, datetime.date]]:
        """Reporting periods from the start of FY-3 that have ended before today (and before ``until``)."""
        step = _MONTHS_PER_PERIOD[frequency]
        start, periods = self.fy(-3), []
        while True:
            end = add_months(start, step) - datetime.timedelta(days=1)
            if end >= self.today or (until and end > until):
                return periods
            periods.append((start, end))
            start = add_months(start, step)
