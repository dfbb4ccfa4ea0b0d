"""The national case seed of the benchmark (issue 15, section 6): 10,000,000 synthetic cases at full
scale over the 1,741 municipalities (the current cities, special wards, towns and villages of the
national list that ``load_municipalities`` loads; prefectures and the wards of designated cities have
none), the first 30 national procedures by code and the three years up to yesterday — then every
city's settings (標準処理期間, figures published) and every city's figures, computed by the product.

**Synthetic data.** The cases are drawn in SQL (``INSERT … SELECT`` over ``generate_series``, PostgreSQL's
``random()`` after ``setseed``): the same shapes as ``bench.cases.synthetic_cases`` (1–44 calendar days,
a fifth corrected, satisfaction on a third, channel uniform). A city's share of the cases follows its
kind (a designated city 1,400,000 "people", a special ward 400,000, a city 100,000, a town 15,000, a
village 3,000 — typical sizes, not each city's census count), so the largest cities have tens of
thousands of cases and a village a few hundred. The keys are SHA-256 of the seed's own numbers (no
案件ID exists). 処理日数 is **exact**, not approximated: each day of the span gets its running business-day
count from ``outcomes.calendar.BusinessCalendar.count`` (the product's one implementation: national
holidays, 12/29–1/3), passed to the query as an array, and the case's days are
``days_from_counts``' rule written in SQL (decided − received − (done − requested)); no city has
closed days of its own in the seed. Calendar days = 処分日 − 受付日.

Speed: the case table's secondary indexes, its unique key and its foreign keys are dropped for the
insert and rebuilt afterwards from their own definitions (``pg_get_indexdef`` /
``pg_get_constraintdef``; the foreign keys validated by one query each), all in one transaction; then
VACUUM ANALYZE. The figures are the product's: ``services.figures_recompute`` per city, timed.
"""

from __future__ import annotations

import datetime
import time

# Cases in all, by BENCH_SCALE.
CASES = {"full": 10_000_000, "small": 500_000, "tiny": 20_000}
PROCEDURES = 30
YEARS = 3
KINDS = {"designated_city": 1_400_000, "special_ward": 400_000, "core_city": 300_000, "city": 100_000}
KINDS |= {"town": 15_000, "village": 3_000}
CHANNELS = ("counter", "online", "mail")

_CITIES = """
CREATE TEMP TABLE bench_seed_city ON COMMIT DROP AS
SELECT id, (floor(%(n)s * upto / total) - floor(%(n)s * (upto - weight) / total))::int AS cases
FROM (
    SELECT id, weight, sum(weight) OVER (ORDER BY code) AS upto, sum(weight) OVER () AS total
    FROM (
        SELECT id, code, CASE kind {weights} END::numeric AS weight
        FROM partnerships_municipality
        WHERE kind = ANY(%(kinds)s) AND valid_until IS NULL
    ) w
) c
"""

# One row per case: the random draws first (OFFSET 0 keeps each row's draws its own), then the dates.
_CASES = """
INSERT INTO outcomes_case (municipality_id, procedure_id, case_key, received_on, decided_on,
    correction_requested_on, correction_done_on, channel, satisfaction, processing_days, calendar_days,
    imported_at)
SELECT city, (%(procedures)s::bigint[])[1 + (g %% {procedures})],
       encode(sha256(convert_to('bench-seed-' || city || '-' || g, 'UTF8')), 'hex'),
       received, decided, requested, done, channel, satisfaction,
       ((%(counts)s::int[])[decided - %(first)s + 1] - (%(counts)s::int[])[received - %(first)s + 1])
           - coalesce((%(counts)s::int[])[done - %(first)s + 1] - (%(counts)s::int[])[requested - %(first)s + 1], 0),
       decided - received,
       now()
FROM (
    SELECT city, g, channel, satisfaction,
           received, received + length AS decided,
           CASE WHEN corrected THEN received + a END AS requested,
           CASE WHEN corrected THEN received + a + floor(u_b * (length - a))::int END AS done
    FROM (
        SELECT city, g, channel, satisfaction, length, corrected,
               %(first)s + start AS received,
               CASE WHEN corrected THEN 1 + floor(u_a * (length - 2))::int END AS a, u_b
        FROM (
            SELECT c.id AS city, g,
                   floor(random() * %(span)s)::int AS start,
                   1 + floor(random() * 44)::int AS length,
                   random() AS u_corrected, random() AS u_a, random() AS u_b,
                   (%(channels)s::text[])[1 + floor(random() * 3)::int] AS channel,
                   CASE WHEN random() < 0.33 THEN 1 + floor(random() * 5)::int END AS satisfaction
            FROM bench_seed_city c CROSS JOIN LATERAL generate_series(1, c.cases) g
            OFFSET 0
        ) draws
        CROSS JOIN LATERAL (SELECT draws.u_corrected < 0.2 AND draws.length > 3 AS corrected) k
    ) shaped
) cases
"""


def procedure_codes(count: int = PROCEDURES) -> list[str]:
    from outcomes.models import Procedure

    codes = list(
        Procedure.objects.filter(municipality__isnull=True, active=True).order_by("code").values_list("code", flat=True)
    )
    return codes[:count]


def _definitions(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints to drop and re-add: unique and foreign keys; indexes to drop and re-create: the
    secondary ones) of ``table``, as (name, definition)."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
        [table],
    )
    return constraints, cursor.fetchall()


def business_day_counts(first: datetime.date, last: datetime.date) -> list[int]:
    """The running business-day count (national calendar) of each day first … last."""
    from outcomes.calendar import BusinessCalendar

    calendar = BusinessCalendar()
    one = datetime.timedelta(days=1)
    return [calendar.count(first + one * i) for i in range((last - first).days + 1)]


def seed_cases(n: int, *, today: datetime.date, seed: float = 0.15) -> dict:
    """Replace every case of the database with ``n`` synthetic ones (see the module's docstring), and
    every city's settings of the 30 procedures; seconds of each step."""
    from django.db import connection, transaction

    from outcomes.models import Case, Procedure

    codes = procedure_codes(PROCEDURES)
    national = Procedure.objects.filter(code__in=codes, municipality__isnull=True)
    procedures = list(national.order_by("code").values_list("id", flat=True))
    last = today - datetime.timedelta(days=1)
    first = last - datetime.timedelta(days=365 * YEARS)
    span = (last - first).days - 45  # every decision falls on or before ``last``
    seconds = {}
    table = Case._meta.db_table
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}, outcomes_outcomefigure")  # nothing refers to either
        weights = " ".join(f"WHEN '{kind}' THEN {weight}" for kind, weight in KINDS.items())
        cursor.execute(_CITIES.format(weights=weights), {"n": n, "kinds": list(KINDS)})
        cursor.execute("SELECT count(*), max(cases), min(cases), sum(cases) FROM bench_seed_city")
        cities, largest, smallest, total = cursor.fetchone()
        constraints, indexes = _definitions(cursor, table)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending in the transaction run now, not at the ALTER
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(%s)", [seed])
        began = time.perf_counter()
        cursor.execute(
            _CASES.format(procedures=len(procedures)),
            {
                "first": first,
                "span": span,
                "procedures": procedures,
                "counts": business_day_counts(first, last),
                "channels": list(CHANNELS),
            },
        )
        written = cursor.rowcount
        seconds["insert"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        seconds["indexes_and_keys"] = round(time.perf_counter() - began, 1)
        # Every city's settings of the 30 procedures: a 標準処理期間 (10, 15, 20 or 25 business days),
        # figures published.
        cursor.execute("DELETE FROM outcomes_municipalprocedure WHERE procedure_id = ANY(%s)", [procedures])
        cursor.execute(
            "INSERT INTO outcomes_municipalprocedure (municipality_id, procedure_id, standard_days, "
            "publish_figures) SELECT c.id, p, 10 + 5 * ((c.id + p) %% 4), true FROM bench_seed_city c, "
            "unnest(%s::bigint[]) p",
            [procedures],
        )
    seconds["cases_total"] = round(time.perf_counter() - started, 1)
    began = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM cannot run in a transaction (a test's): ANALYZE alone there
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        cursor.execute(f"{command} {table}")
        cursor.execute(f"{command} outcomes_municipalprocedure")
    seconds["vacuum_analyze"] = round(time.perf_counter() - began, 1)
    return {
        "cases": written,
        "cases_asked": n,
        "municipalities": cities,
        "cases_per_municipality": {"largest": largest, "smallest": smallest, "mean": round(total / cities)},
        "procedures": len(procedures),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "seconds": seconds,
        "cases_per_s": round(written / seconds["insert"]) if seconds["insert"] else None,
    }


def figures_all(*, today: datetime.date) -> dict:
    """Every seeded city's figures, by the product (``services.figures_recompute`` per city): seconds in
    all and per city, figures stored."""
    from outcomes import services
    from outcomes.models import Case, OutcomeFigure
    from partnerships.models import Municipality

    ids = list(Case.objects.order_by().values_list("municipality_id", flat=True).distinct())
    per_city = []
    started = time.perf_counter()
    for municipality in Municipality.objects.filter(pk__in=ids).order_by("code"):
        began = time.perf_counter()
        services.figures_recompute(municipality=municipality, today=today)
        per_city.append(time.perf_counter() - began)
    total = time.perf_counter() - started
    per_city.sort()
    return {
        "municipalities": len(per_city),
        "figures": OutcomeFigure.objects.count(),
        "seconds": round(total, 1),
        "per_city_ms": {
            "median": round(per_city[len(per_city) // 2] * 1000, 1) if per_city else None,
            "max": round(per_city[-1] * 1000, 1) if per_city else None,
        },
    }


def database_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), pg_total_relation_size('outcomes_case'), "
            "pg_relation_size('outcomes_case'), pg_total_relation_size('outcomes_outcomefigure')"
        )
        database, cases_total, cases_heap, figures = cursor.fetchone()
    mb = 1024 * 1024
    return {
        "database_mb": round(database / mb),
        "cases_with_indexes_mb": round(cases_total / mb),
        "cases_table_mb": round(cases_heap / mb),
        "figures_mb": round(figures / mb, 1),
    }


def seed(scale: str, *, today: datetime.date | None = None, reuse: bool = True) -> dict:
    """The cases, settings and figures at ``scale`` — or, with ``reuse``, what an earlier seed of the same
    size left (the marker: exactly that many cases and every city's figures)."""
    from django.utils import timezone

    from outcomes.models import Case, OutcomeFigure

    today = today or timezone.localdate()
    n = CASES[scale]
    if reuse and Case.objects.count() == n and OutcomeFigure.objects.exists():
        return {"reused": True, "cases": n, "size": database_size()}
    report = seed_cases(n, today=today)
    report["figures"] = figures_all(today=today)
    report["size"] = database_size()
    return report


def main(argv=None) -> int:
    """``python -m bench.outcomes_seed --scale full``: the seed alone on the bench database (BENCH_DATABASE),
    its report as JSON."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(CASES), default="full")
    parser.add_argument("--no-reuse", action="store_true", help="seed again even when the database holds the seed")
    args = parser.parse_args(argv)
    from .env import setup_django

    setup_django()
    print(json.dumps(seed(args.scale, reuse=not args.no_reuse), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
