"""Demo case records (issue 15, "Demo data"): synthetic, clearly marked, for 四條畷市 and four comparison
cities, so that every outcome page and API has something to show.

- **Marked**: every 案件ID starts with ``DEMO-`` (``DEMO-272299-C12-000001``). Only its keyed hash is
  stored, as for any case; ``demo_case_keys`` recomputes the keys, so the demo cases can be told apart.
- **Imported through** ``services.cases_import``: the same checks and the same computation as a city's
  own file (acting as the system, ``by=None``), which also computes the figures.
- **Two procedures**: 保育施設等の利用申込 (C12) and 要介護・要支援認定の申請 (L01, statutory limit 30
  calendar days), decided from the start of fiscal year FY-2 to the end of last month (dates relative to
  the day it is loaded, like the demo agreements).
- **An effect to find**: in 四條畷市, C12 applications received from the start of the demo initiative
  「保育所入所申請のオンライン化」 (FY-1/07/01 in agreements/demo/data/shijonawate.toml) are decided faster —
  median 処理日数 about 20 business days before, 14 in the first three months, 9 after — with more
  online applications and fewer corrections. The comparison cities stay flat; L01 is flat everywhere.
- **Settings**: each city's 標準処理期間 for both procedures and which figures it publishes.
- **Linked KPIs**: when the demo agreements are loaded (``load_demo``), 四條畷市's KPIs of
  「保育所入所申請のオンライン化」 are linked to the standard indicators — KPI-1 to (C12, median 処理日数,
  month), KPI-2 to (C12, online share, month) — so their values are computed from the figures, and the
  before/after and the difference-in-differences (``outcomes.evidence``) have a KPI to show: with the
  comparison cities flat, the estimate is about −10 business days. Without the demo agreements nothing is
  linked.
- **Deterministic** (one seeded random generator per city) and **idempotent**: a city whose first demo
  case is present is not imported again; the settings are put back to the demo's each time.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agreements.demo import DemoPrerequisiteError
from agreements.demo.people import DAITO, KAGA, SHIJONAWATE
from agreements.demo.timeline import Timeline, add_months
from agreements.models import OutcomeIndicator
from partnerships.models import Municipality

from .calendar import BusinessCalendar
from .casefile import case_key_hasher
from .choices import PeriodKind, StandardIndicator
from .models import Case, Procedure
from .services import cases_import, indicator_link_save
from .settings_services import procedure_settings_save

DEMO_PREFIX = "DEMO-"
SEED = 20250401
KATANO, NEYAGAWA = "272302", "272159"  # neighbours of 四條畷市 in the national list (load_municipalities)
CHILDCARE, CARE_NEED = "C12", "L01"
HEADER = ["案件ID", "手続コード", "受付日", "処分日", "補正依頼日", "補正完了日", "申請方法", "満足度"]
CHANNELS = ("窓口", "オンライン", "郵送")


@dataclass(frozen=True)
class Profile:
    """How one city's cases of one procedure are drawn: cases a month (before the seasonal factor),
    median 処理日数, online and correction shares, the share answering the satisfaction survey."""

    per_month: int
    median: float
    online: float
    correction: float
    standard_days: int
    publish: bool
    satisfaction: float = 0.0  # share of cases with a score (0: the city runs no survey)
    spread: float = 0.35  # sigma of log(処理日数)


@dataclass(frozen=True)
class City:
    code: str
    name: str
    procedures: dict[str, Profile]


CITIES = (
    City(
        SHIJONAWATE,
        "四條畷市",
        {
            CHILDCARE: Profile(40, 20, 0.10, 0.30, 20, True, satisfaction=0.4),
            CARE_NEED: Profile(40, 24, 0.05, 0.08, 21, True, spread=0.25),
        },
    ),
    City(
        DAITO,
        "大東市",
        {
            CHILDCARE: Profile(45, 14, 0.15, 0.25, 15, True),
            CARE_NEED: Profile(60, 23, 0.05, 0.06, 21, True, spread=0.25),
        },
    ),
    City(
        KAGA,
        "加賀市",
        {
            CHILDCARE: Profile(40, 18, 0.20, 0.22, 20, True),
            CARE_NEED: Profile(45, 26, 0.04, 0.07, 21, False, spread=0.25),
        },
    ),
    City(
        KATANO,
        "交野市",
        {
            CHILDCARE: Profile(45, 16, 0.12, 0.25, 20, True),
            CARE_NEED: Profile(40, 25, 0.03, 0.08, 21, True, spread=0.25),
        },
    ),
    City(
        NEYAGAWA,
        "寝屋川市",
        {
            CHILDCARE: Profile(60, 12, 0.18, 0.20, 15, True),
            CARE_NEED: Profile(80, 22, 0.06, 0.06, 21, True, spread=0.25),
        },
    ),
)
# Applications for a childcare place peak in the autumn, for admission in April.
SEASON = {4: 0.9, 5: 0.8, 6: 0.8, 7: 0.8, 8: 0.8, 9: 0.9, 10: 1.8, 11: 1.6, 12: 1.1, 1: 1.0, 2: 0.9, 3: 0.9}
# 四條畷市's C12 after the initiative: (months from its start, median, online share, correction share, satisfaction)
AFTER = ((0, 14, 0.45, 0.20, 3.7), (3, 9, 0.65, 0.12, 4.1))
BEFORE_SATISFACTION = 3.2
# 四條畷市's demo initiative and the standard indicators its KPIs are linked to (code → indicator, period).
INITIATIVE_TITLE = "保育所入所申請のオンライン化"
LINKS = {
    "KPI-1": (StandardIndicator.MEDIAN_DAYS, PeriodKind.MONTH),
    "KPI-2": (StandardIndicator.ONLINE_SHARE, PeriodKind.MONTH),
}


@dataclass
class DemoOutcomeReport:
    cities: list[str]
    imported: list[str]  # codes of the cities whose cases were imported by this run
    cases: int  # demo cases present afterwards
    initiative_start: datetime.date
    linked: list[str] = field(default_factory=list)  # the KPIs linked (none without the demo agreements)


def initiative_start(timeline: Timeline) -> datetime.date:
    """The start of 四條畷市's demo initiative 「保育所入所申請のオンライン化」 (FY-1/07/01)."""
    return timeline.fy(-1, 3, 1)


def demo_case_id(code: str, procedure: str, number: int) -> str:
    return f"{DEMO_PREFIX}{code}-{procedure}-{number:06d}"


def demo_case_keys(municipality) -> set[str]:
    """The keys of every demo case the city's files could hold (to tell demo cases apart)."""
    city = next(c for c in CITIES if c.code == municipality.code)
    hasher = case_key_hasher(municipality.code)
    return {
        hasher(demo_case_id(city.code, procedure, number))
        for procedure in city.procedures
        for number in range(1, _MAX_PER_PROCEDURE + 1)
    }


_MAX_PER_PROCEDURE = 6_000  # more than any city's three years of one procedure


@transaction.atomic
def load_outcome_demo(*, today: datetime.date | None = None) -> DemoOutcomeReport:
    """Import the demo case records of the demo cities that have none yet, and set their settings."""
    today = today or timezone.localdate()
    timeline = Timeline(today)
    municipalities = _municipalities()
    procedures = {
        p.code: p for p in Procedure.objects.filter(municipality__isnull=True, code__in=[CHILDCARE, CARE_NEED])
    }
    imported = []
    for city in CITIES:
        municipality = municipalities[city.code]
        for code, profile in city.procedures.items():
            procedure_settings_save(
                municipality=municipality,
                procedure=procedures[code],
                by=None,
                standard_days=profile.standard_days,
                publish_figures=profile.publish,
            )
        first = case_key_hasher(city.code)(demo_case_id(city.code, CHILDCARE, 1))
        if Case.objects.filter(municipality=municipality, case_key=first).exists():
            continue
        data = demo_case_file(city, timeline)
        cases_import(municipality=municipality, name="demo.csv", source=data, by=None, today=today)
        imported.append(city.code)
    count = Case.objects.filter(municipality__in=municipalities.values()).count()
    linked = link_demo_indicators(municipalities[SHIJONAWATE], procedures[CHILDCARE])
    return DemoOutcomeReport([c.code for c in CITIES], imported, count, initiative_start(timeline), linked)


def link_demo_indicators(municipality, procedure) -> list[str]:
    """Link 四條畷市's KPIs of the demo initiative to C12's standard indicators (as the system): their values
    are computed at once. The codes linked; none when the demo agreements are not loaded."""
    indicators = OutcomeIndicator.objects.filter(
        agreement__municipality=municipality, initiative__title=INITIATIVE_TITLE, code__in=list(LINKS)
    ).select_related("agreement__municipality")
    linked = []
    for indicator in indicators.order_by("code"):
        kind, period = LINKS[indicator.code]
        indicator_link_save(indicator=indicator, procedure=procedure, kind=kind, period=period, by=None)
        linked.append(indicator.code)
    return linked


def _municipalities() -> dict[str, Municipality]:
    found = {m.code: m for m in Municipality.objects.filter(code__in=[c.code for c in CITIES])}
    missing = [f"{c.name} ({c.code})" for c in CITIES if c.code not in found]
    if missing:
        raise DemoPrerequisiteError(
            f"The municipalities of the outcome demo are not loaded (missing: {', '.join(missing)}). "
            "Run `python manage.py load_municipalities` first."
        )
    return found


def demo_case_file(city: City, timeline: Timeline) -> bytes:
    """The city's demo case file (CSV, UTF-8), the same on every run for the same day."""
    rng = random.Random(f"{SEED}-{city.code}")  # noqa: S311 — synthetic data, not security
    first = timeline.fy(-2)
    last = timeline.today.replace(day=1) - datetime.timedelta(days=1)  # decided by the end of last month
    days = _business_days(first - datetime.timedelta(days=90), last)
    start = initiative_start(timeline)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for code, profile in city.procedures.items():
        number = 0
        month = add_months(first, -2)  # received up to two months before the first decision month
        while month <= last:
            factor = SEASON[month.month] if code == CHILDCARE else 1.0
            month_days = [i for i, d in enumerate(days) if d.year == month.year and d.month == month.month]
            for _case in range(round(profile.per_month * factor * rng.uniform(0.9, 1.1))):
                index = rng.choice(month_days)
                received = days[index]
                median, online, correction, mean_score = _drawn(city, code, profile, received, start)
                k = max(1, round(median * math.exp(rng.gauss(0, profile.spread))))
                wait = 0
                requested = done = ""
                if rng.random() < correction:
                    wait = rng.randint(2, 8)  # business days waiting for the applicant
                    at = rng.randint(1, k)
                    if index + at + wait < len(days):
                        requested, done = days[index + at].isoformat(), days[index + at + wait].isoformat()
                    else:
                        wait = 0
                if index + k + wait >= len(days) or days[index + k + wait] > last:
                    continue  # not decided yet
                decided = days[index + k + wait]
                if decided < first:
                    continue  # decided before the demo's first month
                channel = CHANNELS[1] if rng.random() < online else rng.choice((CHANNELS[0], CHANNELS[0], CHANNELS[2]))
                score = ""
                if profile.satisfaction and rng.random() < profile.satisfaction:
                    score = str(min(5, max(1, round(rng.gauss(mean_score, 0.9)))))
                number += 1
                writer.writerow(
                    [demo_case_id(city.code, code, number), code, received.isoformat(), decided.isoformat(),
                     requested, done, channel, score]
                )  # fmt: skip
            month = add_months(month, 1)
        assert number <= _MAX_PER_PROCEDURE  # noqa: S101 — demo_case_keys must cover every case
    return out.getvalue().encode("utf-8")


def _drawn(city: City, code: str, profile: Profile, received: datetime.date, start: datetime.date):
    """(median, online share, correction share, mean satisfaction) for a case received on that day."""
    if city.code == SHIJONAWATE and code == CHILDCARE and received >= start:
        values = profile.median, profile.online, profile.correction, BEFORE_SATISFACTION
        for months, median, online, correction, score in AFTER:
            if received >= add_months(start, months):
                values = median, online, correction, score
        return values
    return profile.median, profile.online, profile.correction, BEFORE_SATISFACTION


def _business_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The national business days from ``first`` to 90 days after ``last`` (a case received late in the
    range may be decided after ``last``: it is left out, as not decided yet)."""
    calendar = BusinessCalendar()
    one = datetime.timedelta(days=1)
    result, day = [], first
    end = last + datetime.timedelta(days=90)
    while day <= end:
        if calendar.is_business_day(day):
            result.append(day)
        day += one
    return result
