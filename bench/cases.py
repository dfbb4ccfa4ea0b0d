# ruff: noqa: S311 — reproducible synthetic data, not secrets
"""The case import benchmark (issue 15, section 6): ``import_cases`` of N synthetic case records for one
municipality (default 200,000 rows; 30 national procedures, three years, a fifth of the cases with a
correction), against the baseline of the same run: PostgreSQL's ``COPY`` of the same N rows into the
case table — prepared beforehand, days and keys already computed, no parsing and no checks.

Measured, interleaved round by round (the best round of each is reported): the baseline COPY, the
first import of the file (every check: personal data, dates, codes, duplicates; days
computed; keys hashed; COPY) and a full re-import of the same file (every case replaced). The import's
peak memory is read in the first round, before any baseline row is built in this process.

Standalone: ``python -m bench.cases [--rows N] [--rounds R] [--json]`` on the bench database
(``BENCH_DATABASE``, default kyoso_bench; ``--prepare`` creates and migrates it when missing). Only
the benchmark's own cases are deleted afterwards (by their keys): a seeded municipality keeps its cases.
``--seed-national N`` first replaces every case with N synthetic ones over the 1,741 municipalities, 30
procedures and three years (bench/outcomes_seed.py; 10,000,000 at the issue's national scale).

In ``make bench`` (the ``cases`` group, ``cases_group``): the national seed at BENCH_SCALE, this import
benchmark, one city's recompute (``recompute_benchmark``) and the comparison (``comparison_benchmark``).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from .outcomes_seed import procedure_codes

HEADER = ["案件ID", "手続コード", "受付日", "処分日", "補正依頼日", "補正完了日", "申請方法", "満足度"]
CHANNELS = ["窓口", "オンライン", "郵送"]
CHANNEL_VALUES = {"窓口": "counter", "オンライン": "online", "郵送": "mail"}
YEARS = 3
DEFAULT_ROWS = 200_000
DEFAULT_CODE = "272299"  # 四條畷市


def synthetic_cases(n: int, *, seed: int, codes: list[str], last_day: datetime.date, prefix: str = "KS"):
    """N case rows as a case system would export them (CSV cells): ISO dates, decided within the
    three years up to ``last_day``, a fifth corrected, satisfaction on about a third."""
    rng = random.Random(seed)
    first = last_day - datetime.timedelta(days=365 * YEARS)
    span = (last_day - first).days - 60
    one = datetime.timedelta(days=1)
    days = [first + one * i for i in range(span + 61)]
    for i in range(n):
        start = rng.randrange(span)
        length = rng.randrange(1, 45)
        received, decided = days[start], days[start + length]
        requested = done = ""
        if rng.random() < 0.2 and length > 3:
            a = rng.randrange(1, length - 1)
            b = rng.randrange(a, length)
            requested, done = days[start + a].isoformat(), days[start + b].isoformat()
        satisfaction = str(rng.randrange(1, 6)) if rng.random() < 0.33 else ""
        yield [
            f"{prefix}-{seed}-{i:09d}",
            codes[i % len(codes)],
            received.isoformat(),
            decided.isoformat(),
            requested,
            done,
            CHANNELS[rng.randrange(3)],
            satisfaction,
        ]


def write_case_file(path: Path, n: int, *, seed: int, codes: list[str], last_day: datetime.date) -> int:
    """The CSV file (UTF-8, CRLF, as Excel writes it) of ``synthetic_cases``; its size in bytes."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(synthetic_cases(n, seed=seed, codes=codes, last_day=last_day))
    return path.stat().st_size


def prepared_rows(municipality, n: int, *, seed: int, codes: list[str], last_day: datetime.date) -> list[tuple]:
    """The baseline's rows: the same cases as database tuples, days and keys computed (not timed)."""
    from django.utils import timezone

    from outcomes.calendar import BusinessCalendar
    from outcomes.casefile import case_key_hasher
    from outcomes.models import ClosedDay, Procedure

    ids = dict(Procedure.objects.filter(municipality__isnull=True, code__in=codes).values_list("code", "id"))
    calendar = BusinessCalendar(ClosedDay.objects.filter(municipality=municipality).values_list("date", flat=True))
    key = case_key_hasher(municipality.code)
    now = timezone.now()
    rows = []
    parse = datetime.date.fromisoformat
    for case_id, code, received, decided, requested, done, channel, satisfaction in synthetic_cases(
        n, seed=seed, codes=codes, last_day=last_day
    ):
        r, d = parse(received), parse(decided)
        q, c = (parse(requested), parse(done)) if requested else (None, None)
        rows.append(
            (
                municipality.pk,
                ids[code],
                key(case_id),
                r,
                d,
                q,
                c,
                CHANNEL_VALUES[channel],
                int(satisfaction) if satisfaction else None,
                calendar.processing_days(r, d, q, c),
                (d - r).days,
                now,
            )
        )
    return rows


def copy_baseline(municipality, rows: list[tuple]) -> tuple[float, float]:
    """(Seconds, client CPU seconds) to COPY the prepared rows into the case table and commit (the commit
    runs the deferred foreign-key checks, as the import's does); the rows are deleted afterwards, untimed."""
    from django.db import transaction

    from core.copy import copy_rows
    from outcomes.loading import CASE_COLUMNS
    from outcomes.models import Case

    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        copy_rows(Case, CASE_COLUMNS, rows)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    keys = [row[2] for row in rows]
    with transaction.atomic():
        for i in range(0, len(keys), 10_000):
            Case.objects.filter(municipality=municipality, case_key__in=keys[i : i + 10_000]).delete()
    return elapsed, cpu


def _delete_own(municipality, n: int, seed: int, codes: list[str], last_day: datetime.date) -> None:
    """Delete the benchmark's cases (by their keys): the municipality's other cases stay."""
    from django.db import transaction

    from outcomes.casefile import case_key_hasher
    from outcomes.models import Case

    key = case_key_hasher(municipality.code)
    keys = (key(row[0]) for row in synthetic_cases(n, seed=seed, codes=codes, last_day=last_day))
    with transaction.atomic():  # in batches: no list of every key (the import's peak memory is read after)
        for batch in itertools.batched(keys, 10_000):
            Case.objects.filter(municipality=municipality, case_key__in=batch).delete()


def _import(municipality, path: Path, today: datetime.date):
    """(seconds, client CPU seconds, result) of the import as ``services.cases_import`` runs it, without
    the figures' recompute it calls afterwards (measured on its own: ``_recompute``)."""
    from outcomes.loading import load_cases

    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as source:
        result = load_cases(
            municipality=municipality, name=path.name, source=source, by=None, dry_run=False, today=today
        )
    return time.perf_counter() - started, time.process_time() - cpu, result


def _recompute(municipality, today) -> float | str:
    """Seconds of ``figures_recompute`` of the municipality (what cases_import adds after the write)."""
    from django.db import transaction

    from outcomes import services

    if not hasattr(services, "figures_recompute"):
        return "not available"
    started = time.perf_counter()
    try:
        with transaction.atomic():
            services.figures_recompute(municipality=municipality, today=today)
    except Exception as error:  # noqa: BLE001 — reported, not fatal: the import is what is measured here
        return f"failed: {type(error).__name__}"
    return round(time.perf_counter() - started, 2)


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cases_benchmark(code: str | None = None, rows: int = DEFAULT_ROWS, seed: int = 15, rounds: int = 1) -> dict:
    """Rows per second of the baseline COPY, the first import and the full re-import; their ratios;
    the import's peak memory."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings
    from django.utils import timezone

    from partnerships.models import Municipality

    code = code or DEFAULT_CODE
    if not Municipality.objects.filter(code=code).exists():
        call_command("load_municipalities", verbosity=0)
    municipality = Municipality.objects.get(code=code)
    codes = procedure_codes()
    today = timezone.localdate()
    last_day = today - datetime.timedelta(days=1)
    _delete_own(municipality, rows, seed, codes, last_day)  # left by an interrupted run, if any

    runs = {"copy": [], "import": [], "reimport": []}
    recomputes = []
    memory = {}
    with tempfile.TemporaryDirectory(prefix="bench-cases-") as folder:
        path = Path(folder) / "cases.csv"
        size = write_case_file(path, rows, seed=seed, codes=codes, last_day=last_day)
        limit = max(rows, int(getattr(settings, "KYOSO_CASE_IMPORT_MAX_ROWS", 0)))
        baseline_rows = None
        with override_settings(KYOSO_CASE_IMPORT_MAX_ROWS=limit):
            for round_ in range(rounds):
                before = _rss_mb()
                first = _import(municipality, path, today)
                if round_ == 0:
                    memory = {"rss_before_mb": before, "rss_peak_after_first_import_mb": _rss_mb()}
                again = _import(municipality, path, today)
                if round_ == 0:
                    memory["rss_peak_after_reimport_mb"] = _rss_mb()
                assert (first[2].created, again[2].replaced) == (rows, rows), (first[2], again[2])
                runs["import"].append(first[:2])
                runs["reimport"].append(again[:2])
                recomputes.append(_recompute(municipality, today))
                _delete_own(municipality, rows, seed, codes, last_day)
                if baseline_rows is None:
                    baseline_rows = prepared_rows(municipality, rows, seed=seed, codes=codes, last_day=last_day)
                runs["copy"].append(copy_baseline(municipality, baseline_rows))
    best = {name: min(values, key=lambda v: v[0]) for name, values in runs.items()}
    rate = {name: round(rows / seconds) for name, (seconds, _cpu) in best.items()}
    variants = {
        "copy": "COPY of the prepared rows (baseline: no parsing, no checks)",
        "import": "import_cases, first import (checked, days and keys computed; COPY)",
        "reimport": "import_cases, full re-import (every case replaced)",
    }
    return {
        "rows": [
            {
                "variant": variants[name],
                "rows": rows,
                "seconds": round(seconds, 2),
                "client_cpu_s": round(cpu, 2) if cpu is not None else None,
                "rows_per_s": rate[name],
            }
            for name, (seconds, cpu) in best.items()
        ],
        "ratios": {
            "first import / COPY (rows/s)": round(rate["import"] / rate["copy"], 2),
            "re-import / COPY (rows/s)": round(rate["reimport"] / rate["copy"], 2),
        },
        "targets": {"import rows/s ≥ 50,000": rate["import"] >= 50_000},
        "figures_recompute_s": recomputes,  # what cases_import adds after the write; not in the rows/s above
        "file_mb": round(size / 1_000_000, 1),
        "memory": memory,
        "rounds": rounds,
        "load_average": os.getloadavg(),
    }


# --- the make bench group: import, recompute and comparison over the national seed ---------------------

RECOMPUTE_ROUNDS = 5
COLD_REQUESTS = 7
COMPARED = "C12"  # 保育施設等の利用申込: the comparison's procedure

# The baseline of the recompute: the bare aggregate of the same cases — per procedure and month, the
# count and the median of 処理日数, no fiscal years, no shares, no settings, nothing written.
BARE_AGGREGATE = """
SELECT procedure_id, date_trunc('month', decided_on), count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY processing_days)
FROM outcomes_case WHERE municipality_id = %s GROUP BY 1, 2
"""

# The baseline of the comparison: the latest fiscal-year figure of every city publishing the procedure,
# one bare query (what the comparison reads, without disclosure, settings or serialisation).
BARE_LATEST = """
SELECT DISTINCT ON (f.municipality_id) f.municipality_id, f.period_start, f.n, f.median_days
FROM outcomes_outcomefigure f
JOIN outcomes_municipalprocedure mp ON mp.municipality_id = f.municipality_id
     AND mp.procedure_id = f.procedure_id AND mp.publish_figures
WHERE f.procedure_id = %s AND f.period = 'fiscal_year'
ORDER BY f.municipality_id, f.period_start DESC
"""


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def _timed(function, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def recompute_benchmark(today: datetime.date, rounds: int = RECOMPUTE_ROUNDS) -> dict:
    """``services.figures_recompute`` of the city with most cases (every procedure: months and fiscal
    years, the settings, the rows replaced, the linked KPIs), against the bare aggregate of the same
    cases in the same run; interleaved, the median of ``rounds``."""
    from django.db import connection
    from django.db.models import Count

    from outcomes import services
    from outcomes.models import Case, OutcomeFigure
    from partnerships.models import Municipality

    top = (
        Case.objects.order_by()
        .values("municipality_id")
        .annotate(n=Count("id"))
        .order_by("-n", "municipality_id")
        .first()
    )
    municipality = Municipality.objects.get(pk=top["municipality_id"])

    def product():
        services.figures_recompute(municipality=municipality, today=today)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_AGGREGATE, [municipality.pk])
            cursor.fetchall()

    product_s, bare_s = [], []
    for _ in range(rounds):
        product_s += _timed(product, 1)
        bare_s += _timed(bare, 1)
    p, b = _median_ms(product_s), _median_ms(bare_s)
    return {
        "municipality": municipality.code,
        "cases": top["n"],
        "figures": OutcomeFigure.objects.filter(municipality=municipality).count(),
        "rounds": rounds,
        "product_ms": p,
        "product_max_ms": round(max(product_s) * 1000, 1),
        "bare_aggregate_ms": b,
        "ratio": round(p / b, 2) if b else None,
    }


def _comparison_available(base: str) -> bool:
    from .measure import single_request_ms

    try:
        single_request_ms(base, f"/api/v1/outcomes/comparison/?procedure={COMPARED}")
    except RuntimeError:  # not served yet (NotFound) or failing: reported pending
        return False
    return True


def comparison_benchmark(server, options) -> dict:
    """The comparison of one procedure across every publishing city: in this process (``evidence.
    comparison`` with its cache emptied before each call: the three queries and the disclosure rule)
    and, once the API serves it, ``GET /api/v1/outcomes/comparison/?procedure=C12`` under the bench's
    load (its cache warm) and one request at a time with the cache emptied before each (cold); against
    the bare latest-figure query and the single-city ``/api/v1/outcomes/`` call of the same run."""
    from django.db import connection

    from outcomes import evidence
    from outcomes.models import OutcomeFigure, Procedure

    from .measure import load_group, ratio, single_request_ms

    procedure = Procedure.objects.get(code=COMPARED, municipality__isnull=True)
    # the single-city baseline: the city with most cases (the recompute's), its published figures
    city = (
        OutcomeFigure.objects.filter(procedure=procedure)
        .order_by("-n", "municipality__code")
        .values_list("municipality__code", flat=True)
        .first()
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_LATEST, [procedure.pk])
            return cursor.fetchall()

    def cold():
        evidence.figures_changed()
        return evidence.comparison(procedure=procedure)

    rows = len(bare())
    bare_s, cold_s = [], []
    for _ in range(COLD_REQUESTS):
        bare_s += _timed(bare, 1)
        cold_s += _timed(cold, 1)
    group = {
        "procedure": COMPARED,
        "municipalities": rows,
        "in_process": {
            "comparison() cold p50 ms": _median_ms(cold_s),
            "bare latest-figure query p50 ms": _median_ms(bare_s),
        },
        "rows": [],
        "ratios": {"comparison() cold / bare query (p50)": ratio(_median_ms(cold_s), _median_ms(bare_s))},
        "pending": [],
    }
    single = f"/api/v1/outcomes/?municipality={city}&procedure={COMPARED}"
    api = f"/api/v1/outcomes/comparison/?procedure={COMPARED}"
    variants = {"single city /api/v1/outcomes/ (baseline)": single}
    if _comparison_available(server.base):
        variants["comparison API"] = api
    else:
        group["pending"].append({"path": api, "status": "not served yet"})
    measured = load_group(server, options, variants)
    group["rows"] += measured["rows"]
    one = load_group(server, replace(options, connections=1), variants)
    for row in one["rows"]:
        row["variant"] += ", one at a time"
    group["rows"] += one["rows"]
    by = {row["variant"]: row for row in group["rows"]}
    if "comparison API" in variants:
        cold_api = []
        for _ in range(COLD_REQUESTS):
            evidence.figures_changed()
            cold_api.append(single_request_ms(server.base, api))
        group["api_cold_ms"] = cold_api
        group["api_cold_p50_ms"] = statistics.median(cold_api)
        group["ratios"]["comparison API / single city (p50, under load)"] = ratio(
            by["comparison API"]["p50_ms"], by["single city /api/v1/outcomes/ (baseline)"]["p50_ms"]
        )
        group["ratios"]["comparison API / single city (p50, one at a time)"] = ratio(
            by["comparison API, one at a time"]["p50_ms"],
            by["single city /api/v1/outcomes/ (baseline), one at a time"]["p50_ms"],
        )
    return group


def cases_group(server, options) -> dict:
    """The ``cases`` group of ``make bench``: the national seed at BENCH_SCALE (reused when the database
    holds it), the case import against COPY, one city's recompute, the comparison."""
    from django.utils import timezone

    from .outcomes_seed import CASES, seed

    today = timezone.localdate()
    started = time.perf_counter()
    seeded = seed(options.scale, today=today)
    seeded["seconds_with_figures"] = round(time.perf_counter() - started, 1)
    rows = {"full": DEFAULT_ROWS, "small": 50_000, "tiny": 5_000}[options.scale]
    imported = cases_benchmark(rows=rows, rounds=max(1, options.rounds))
    return {
        "scale": options.scale,
        "cases": CASES[options.scale],
        "seed": seeded,
        "import": imported,
        "recompute": recompute_benchmark(today),
        "comparison": comparison_benchmark(server, options),
        "load_average": os.getloadavg(),
    }


def _prepare_database() -> None:
    import subprocess

    import psycopg

    from .env import DATABASE, PG, ROOT, bench_env

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE}")
    manage = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(manage, cwd=ROOT, env=bench_env(), check=True)  # noqa: S603 — our own manage.py


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--municipality", default=DEFAULT_CODE, help="local government code (default 272299)")
    parser.add_argument("--prepare", action="store_true", help="create and migrate the bench database if missing")
    parser.add_argument("--seed-national", type=int, metavar="N", help="seed N cases over every municipality first")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args(argv)
    if args.prepare:
        _prepare_database()
    from .env import setup_django

    setup_django()
    if args.seed_national:
        from django.utils import timezone

        from .outcomes_seed import seed_cases

        print(json.dumps(seed_cases(args.seed_national, today=timezone.localdate())), flush=True)
    result = cases_benchmark(args.municipality, rows=args.rows, rounds=args.rounds)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for row in result["rows"]:
        cpu = f", client CPU {row['client_cpu_s']} s" if row["client_cpu_s"] is not None else ""
        print(f"{row['variant']}: {row['rows']:,} rows in {row['seconds']} s = {row['rows_per_s']:,} rows/s{cpu}")
    for name, value in result["ratios"].items():
        print(f"{name}: {value}")
    print(f"memory: {result['memory']}; file {result['file_mb']} MB; load average {result['load_average']}")
    print(f"figures_recompute after the import (not counted above): {result['figures_recompute_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
