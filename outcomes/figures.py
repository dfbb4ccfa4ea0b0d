"""The figures of service outcomes, exactly as docs/outcomes.md defines them (issue 15, section 3).

Per procedure of a municipality and per period — each calendar month of 処分日, and each fiscal year
(1 April – 31 March) of 処分日 — over the cases decided in it:

* ``n``: the number of cases;
* ``median_days``: the median of 処理日数 (business days); with an even n, the mean of the two middle
  values;
* ``p90_days``: the 90th percentile of 処理日数 by **linear interpolation between closest ranks**
  (Hyndman & Fan's type 7: Excel's PERCENTILE.INC, numpy's default, PostgreSQL's percentile_cont): with
  the values sorted x₁ ≤ … ≤ xₙ, h = 0.9 × (n − 1), the value is x₍⌊h⌋+1₎ + (h − ⌊h⌋) × (x₍⌊h⌋+2₎ −
  x₍⌊h⌋+1₎); with one case, that case;
* ``median_calendar_days`` and ``mean_calendar_days``: of 暦日数 (処分日 − 受付日);
* ``within_standard_share``: the cases with 処理日数 ≤ the city's 標準処理期間, over all n cases (none
  when the city has not set a 標準処理期間 for the procedure);
* ``within_statutory_share``: the cases with 暦日数 ≤ the statutory limit, over n (none when the
  procedure has no statutory limit);
* ``online_share``: the cases applied for online, over the cases whose 申請方法 is given (none when no
  case gives it);
* ``correction_share``: the cases with a correction (補正依頼日 given), over n;
* ``satisfaction_mean``: the mean 満足度 over the cases that give one (none when none does).

Rounding (half up): days to 0.01 (medians and the percentile are exact at that precision: halves and
tenths), shares to 0.0001, the mean satisfaction to 0.01.

On PostgreSQL the figures of a municipality are one grouped query (GROUPING SETS over month and fiscal
year, percentile_cont, FILTER); elsewhere (SQLite on a laptop) the same numbers are computed in Python
from the cases. Both give the same figures (tests/outcomes/test_figures.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from core.dates import fiscal_year_start  # noqa: F401 — read as figures.fiscal_year_start too

from .choices import Channel, PeriodKind
from .models import Case, MunicipalProcedure, OutcomeFigure, Procedure

P90 = Decimal("0.9")
DAYS = Decimal("0.01")
SHARE = Decimal("0.0001")
SATISFACTION = Decimal("0.01")


# --- periods -------------------------------------------------------------------------------------------


def period_end(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the month, or of the fiscal year, beginning on ``start``."""
    if kind == PeriodKind.FISCAL_YEAR:
        return datetime.date(start.year + 1, 3, 31)
    following = datetime.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


# --- statistics ----------------------------------------------------------------------------------------


def _round(value, step: Decimal) -> Decimal:
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


def percentile(values: list[int], p: Decimal) -> Decimal:
    """Type 7 (linear interpolation between closest ranks) of sorted ``values``: exact, in Decimal."""
    if not values:
        raise ValueError("no values")
    h = p * (len(values) - 1)
    low = int(h)  # h ≥ 0: the floor
    if low + 1 >= len(values):
        return Decimal(values[low])
    return values[low] + (h - low) * (values[low + 1] - values[low])


def median(values: list[int]) -> Decimal:
    """The middle value of sorted ``values``; with an even count, the mean of the two middle ones (what
    type 7 gives at 0.5)."""
    return percentile(values, Decimal("0.5"))


def share(count: int, total: int) -> Decimal | None:
    return _round(Decimal(count) / total, SHARE) if total else None


# --- the counts of one period, from either engine ------------------------------------------------------


@dataclass
class Counts:
    """What one grouped pass gives for one (procedure, period): counts, sums and the order statistics."""

    procedure_id: int
    period: str
    period_start: datetime.date
    n: int
    n_channel: int
    n_online: int
    n_corrected: int
    n_satisfaction: int
    satisfaction_sum: int
    calendar_sum: int
    median_days: Decimal
    p90_days: Decimal
    median_calendar_days: Decimal
    n_within_standard: int
    n_within_statutory: int

    def figure(self, *, municipality_id, standard_days, statutory_limit_days, computed_at) -> OutcomeFigure:
        return OutcomeFigure(
            municipality_id=municipality_id,
            procedure_id=self.procedure_id,
            period=self.period,
            period_start=self.period_start,
            period_end=period_end(self.period, self.period_start),
            n=self.n,
            n_channel=self.n_channel,
            n_satisfaction=self.n_satisfaction,
            n_within_standard=self.n_within_standard if standard_days else 0,
            n_within_statutory=self.n_within_statutory if statutory_limit_days else 0,
            n_online=self.n_online,
            n_corrected=self.n_corrected,
            satisfaction_sum=self.satisfaction_sum,
            median_days=_round(self.median_days, DAYS),
            p90_days=_round(self.p90_days, DAYS),
            median_calendar_days=_round(self.median_calendar_days, DAYS),
            mean_calendar_days=_round(Decimal(self.calendar_sum) / self.n, DAYS),
            within_standard_share=share(self.n_within_standard, self.n) if standard_days else None,
            within_statutory_share=share(self.n_within_statutory, self.n) if statutory_limit_days else None,
            online_share=share(self.n_online, self.n_channel),
            correction_share=share(self.n_corrected, self.n),
            satisfaction_mean=(
                _round(Decimal(self.satisfaction_sum) / self.n_satisfaction, SATISFACTION)
                if self.n_satisfaction
                else None
            ),
            standard_days=standard_days,
            statutory_limit_days=statutory_limit_days,
            computed_at=computed_at,
        )


def limits_of(municipality, procedure_ids) -> dict[int, tuple[int | None, int | None]]:
    """procedure id → (the city's 標準処理期間, the statutory limit in calendar days)."""
    standard = dict(
        MunicipalProcedure.objects.filter(municipality=municipality, procedure_id__in=procedure_ids).values_list(
            "procedure_id", "standard_days"
        )
    )
    statutory = dict(Procedure.objects.filter(pk__in=procedure_ids).values_list("pk", "statutory_limit_days"))
    return {pk: (standard.get(pk), statutory.get(pk)) for pk in procedure_ids}


def counts_of(municipality, procedure_ids=None) -> list[Counts]:
    """The counts of every (procedure, month) and (procedure, fiscal year) with cases of ``municipality``
    (only ``procedure_ids`` when given)."""
    if connection.vendor == "postgresql":
        return _counts_sql(municipality, procedure_ids)
    return _counts_python(municipality, procedure_ids)


_SQL = """
WITH c AS (
    SELECT c.procedure_id,
           c.processing_days,
           c.calendar_days,
           c.channel,
           c.satisfaction,
           c.correction_requested_on IS NOT NULL AS corrected,
           date_trunc('month', c.decided_on)::date AS month_start,
           make_date(
               extract(year FROM c.decided_on)::int - (extract(month FROM c.decided_on) < 4)::int, 4, 1
           ) AS year_start,
           c.processing_days <= mp.standard_days AS within_standard,
           c.calendar_days <= p.statutory_limit_days AS within_statutory
    FROM {case} c
    JOIN {procedure} p ON p.id = c.procedure_id
    LEFT JOIN {setting} mp ON mp.municipality_id = c.municipality_id AND mp.procedure_id = c.procedure_id
    WHERE c.municipality_id = %s {only}
)
SELECT procedure_id,
       GROUPING(month_start) = 0 AS is_month,
       coalesce(month_start, year_start),
       count(*),
       count(*) FILTER (WHERE channel <> ''),
       count(*) FILTER (WHERE channel = %s),
       count(*) FILTER (WHERE corrected),
       count(satisfaction),
       coalesce(sum(satisfaction), 0),
       sum(calendar_days),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY processing_days),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY processing_days),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY calendar_days),
       count(*) FILTER (WHERE within_standard),
       count(*) FILTER (WHERE within_statutory)
FROM c
GROUP BY GROUPING SETS ((procedure_id, month_start), (procedure_id, year_start))
"""


def _counts_sql(municipality, procedure_ids) -> list[Counts]:
    params: list = [municipality.pk]
    only = ""
    if procedure_ids is not None:
        only = "AND c.procedure_id = ANY(%s)"
        params.append(list(procedure_ids))
    params.append(Channel.ONLINE.value)
    sql = _SQL.format(
        case=Case._meta.db_table,
        procedure=Procedure._meta.db_table,
        setting=MunicipalProcedure._meta.db_table,
        only=only,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        procedure_id, is_month, start, *numbers = row
        (n, n_channel, n_online, n_corrected, n_sat, sat_sum, cal_sum, med, p90, med_cal, n_std, n_stat) = numbers
        result.append(
            Counts(
                procedure_id=procedure_id,
                period=PeriodKind.MONTH if is_month else PeriodKind.FISCAL_YEAR,
                period_start=start,
                n=n,
                n_channel=n_channel,
                n_online=n_online,
                n_corrected=n_corrected,
                n_satisfaction=n_sat,
                satisfaction_sum=int(sat_sum),
                calendar_sum=int(cal_sum),
                # float8 from percentile_cont: exact halves and tenths up to a last-bit error, which the
                # rounding to 0.01 removes
                median_days=_round(med, DAYS),
                p90_days=_round(p90, DAYS),
                median_calendar_days=_round(med_cal, DAYS),
                n_within_standard=n_std,
                n_within_statutory=n_stat,
            )
        )
    return result


def _counts_python(municipality, procedure_ids) -> list[Counts]:
    cases = Case.objects.filter(municipality=municipality)
    if procedure_ids is not None:
        cases = cases.filter(procedure_id__in=list(procedure_ids))
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for case in cases.values_list(
        "procedure_id", "decided_on", "processing_days", "calendar_days", "channel", "satisfaction",
        "correction_requested_on",
    ).iterator():  # fmt: skip
        procedure_id, decided = case[0], case[1]
        groups[(procedure_id, PeriodKind.MONTH, decided.replace(day=1))].append(case)
        groups[(procedure_id, PeriodKind.FISCAL_YEAR, fiscal_year_start(decided))].append(case)
    limits = limits_of(municipality, {key[0] for key in groups})
    result = []
    for (procedure_id, kind, start), members in groups.items():
        standard, statutory = limits[procedure_id]
        days = sorted(m[2] for m in members)
        calendar = sorted(m[3] for m in members)
        answers = [m[5] for m in members if m[5] is not None]
        result.append(
            Counts(
                procedure_id=procedure_id,
                period=kind,
                period_start=start,
                n=len(members),
                n_channel=sum(1 for m in members if m[4]),
                n_online=sum(1 for m in members if m[4] == Channel.ONLINE),
                n_corrected=sum(1 for m in members if m[6] is not None),
                n_satisfaction=len(answers),
                satisfaction_sum=sum(answers),
                calendar_sum=sum(calendar),
                median_days=median(days),
                p90_days=percentile(days, P90),
                median_calendar_days=median(calendar),
                n_within_standard=sum(1 for d in days if standard is not None and d <= standard),
                n_within_statutory=sum(1 for d in calendar if statutory is not None and d <= statutory),
            )
        )
    return result


def figures_of(municipality, procedure_ids=None, *, computed_at) -> list[OutcomeFigure]:
    """Unsaved figures of every period with cases (see the module's docstring)."""
    counts = counts_of(municipality, procedure_ids)
    limits = limits_of(municipality, {c.procedure_id for c in counts})
    return [
        c.figure(
            municipality_id=municipality.pk,
            standard_days=limits[c.procedure_id][0],
            statutory_limit_days=limits[c.procedure_id][1],
            computed_at=computed_at,
        )
        for c in counts
    ]
