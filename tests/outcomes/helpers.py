"""Cases made directly (days given, not computed) for the tests of figures, suppression, the API and
linked KPIs."""

import datetime
import hashlib
import itertools

from outcomes.models import Case

_keys = itertools.count()
IMPORTED_AT = datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC)


def make_case(city, procedure, decided, days, calendar, *, channel="", satisfaction=None, corrected=False) -> Case:
    received = decided - datetime.timedelta(days=calendar)
    return Case(
        municipality=city,
        procedure=procedure,
        case_key=hashlib.sha256(f"test-case-{next(_keys)}".encode()).hexdigest(),
        received_on=received,
        decided_on=decided,
        correction_requested_on=received if corrected else None,
        correction_done_on=received if corrected else None,
        channel=channel,
        satisfaction=satisfaction,
        processing_days=days,
        calendar_days=calendar,
        imported_at=IMPORTED_AT,
    )


def add_case(city, procedure, decided, days, calendar, **kwargs) -> Case:
    case = make_case(city, procedure, decided, days, calendar, **kwargs)
    case.save()
    return case


def add_month(city, procedure, month: datetime.date, n: int, *, channel="online", satisfaction=None) -> None:
    """``n`` cases decided on the 15th of ``month``, 1…n business days (calendar days twice that)."""
    Case.objects.bulk_create(
        make_case(
            city, procedure, month.replace(day=15), i + 1, 2 * (i + 1), channel=channel, satisfaction=satisfaction
        )
        for i in range(n)
    )
