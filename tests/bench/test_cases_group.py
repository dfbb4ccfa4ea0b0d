"""The bench's cases group (issue 15, section 6): the national case seed at a tiny size keeps every
rule of the case table (its keys and constraints rebuilt, 処理日数 exactly the calendar's), the product
computes every city's figures from it, and the group's results are reported with their targets."""

import datetime

import pytest
from django.db import connection

from bench import report
from bench.outcomes_seed import CASES, business_day_counts, database_size, figures_all, seed_cases
from bench.suite import GROUPS
from outcomes.calendar import BusinessCalendar
from outcomes.models import Case, MunicipalProcedure, OutcomeFigure
from tests.factories import MunicipalityFactory

TODAY = datetime.date(2026, 12, 2)


def _constraints():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'outcomes_case'::regclass"
        )
        constraints = set(cursor.fetchall())
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'outcomes_case'")
        return constraints, set(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.postgres
def test_the_seed_writes_exact_days_and_keeps_the_tables_rules(postgres_only):
    big = MunicipalityFactory(code="141003", name="横浜市", kind="designated_city")
    town = MunicipalityFactory(code="272299", name="四條畷市", kind="town")
    MunicipalityFactory(code="272183", name="大東市", kind="village")
    before = _constraints()
    seeded = seed_cases(600, today=TODAY)
    assert _constraints() == before  # every index, unique key and foreign key rebuilt as it was
    assert seeded["cases"] == Case.objects.count() == 600 and seeded["municipalities"] == 3
    assert Case.objects.filter(municipality=big).count() > Case.objects.filter(municipality=town).count()
    calendar = BusinessCalendar()
    for case in Case.objects.all():
        assert case.processing_days == calendar.processing_days(
            case.received_on, case.decided_on, case.correction_requested_on, case.correction_done_on
        )
        assert case.calendar_days == (case.decided_on - case.received_on).days
        assert datetime.date(2023, 12, 1) <= case.received_on and case.decided_on <= TODAY - datetime.timedelta(days=1)
    assert Case.objects.filter(correction_requested_on__isnull=False).exists()
    assert MunicipalProcedure.objects.filter(publish_figures=True).count() == 3 * seeded["procedures"] == 90
    figures = figures_all(today=TODAY)
    assert figures["municipalities"] == 3 and figures["figures"] == OutcomeFigure.objects.count() > 0
    assert database_size()["cases_with_indexes_mb"] >= 0


def test_business_day_counts_are_the_calendars():
    counts = business_day_counts(datetime.date(2025, 4, 30), datetime.date(2025, 5, 7))
    assert counts[-1] - counts[0] == 3  # golden week (tests/outcomes/test_calendar.py)


def _load_row(variant, p50):
    return {"variant": variant, "path": "/", "rps": 10.0, "p50_ms": p50, "p99_ms": p50 * 2, "max_ms": p50 * 3}


def test_the_cases_group_is_registered_and_reported():
    assert "cases" in GROUPS and CASES["full"] == 10_000_000
    rows = [
        {**_load_row("single city /api/v1/outcomes/ (baseline)", 20.0), "queries": 4, "errors": 0},
        {**_load_row("comparison API", 60.0), "queries": 1, "errors": 0},
        {**_load_row("comparison API, one at a time", 30.0), "queries": 1, "errors": 0},
    ]
    import_rows = [
        {"variant": "COPY of the prepared rows (baseline: no parsing, no checks)", "rows": 200_000},
        {"variant": report.IMPORT_VARIANT, "rows": 200_000},
    ]
    for row, rate in zip(import_rows, (60_000, 55_000), strict=True):
        row.update(rows_per_s=rate, seconds=3.5, client_cpu_s=1.0)
    group = {
        "scale": "full",
        "cases": 10_000_000,
        "seed": {
            "cases": 10_000_000,
            "municipalities": 1741,
            "procedures": 30,
            "cases_per_municipality": {"largest": 111_000, "mean": 5744, "smallest": 200},
            "first_day": "2023-12-02",
            "last_day": "2026-12-01",
            "seconds": {"insert": 200.0, "indexes_and_keys": 60.0, "vacuum_analyze": 30.0},
            "cases_per_s": 50_000,
            "figures": {"figures": 2_000_000, "seconds": 300.0, "per_city_ms": {"median": 100.0, "max": 900.0}},
            "size": {"database_mb": 4000, "cases_with_indexes_mb": 3000, "cases_table_mb": 1500, "figures_mb": 600.0},
        },
        "import": {"rows": import_rows, "ratios": {"first import / COPY (rows/s)": 0.92}, "memory": {}},
        "recompute": {
            "municipality": "141003",
            "cases": 111_000,
            "figures": 1100,
            "product_ms": 2500.0,
            "bare_aggregate_ms": 500.0,
            "ratio": 5.0,
        },
        "comparison": {
            "procedure": "C12",
            "municipalities": 1741,
            "rows": rows,
            "ratios": {"comparison API / single city (p50, under load)": 3.0},
            "in_process": {"comparison() cold p50 ms": 90.0},
            "api_cold_p50_ms": 120.0,
        },
    }
    results = {
        "scale": "full",
        "seed": {"counts": {}, "seconds": {}},
        "machine": {
            "cores": 2,
            "cpu": "x",
            "memory_gb": 24,
            "postgresql": "15",
            "python": "3.13",
            "load_average_at_start": [0.0, 0.0, 0.0],
        },
        "load": {"connections": 8, "rounds": 1, "seconds": 1},
        "server": {"workers": 2, "threads": 4},
        "seconds": 1,
        "groups": {"cases": group},
    }
    results["targets"] = report.targets(results)
    met = {t["target"] + " " + t["note"]: t["met"] for t in results["targets"]}
    assert met["case import ≥ 50,000 cases/s 0.92× a plain COPY"] is True
    assert met["recompute one city's figures ≤ 2 s 111,000 cases, every procedure"] is False
    assert met["comparison API p50 ≤ 100 ms under load"] is True
    assert met["comparison API p50 ≤ 100 ms one request at a time"] is True
    text = report.markdown(results)
    assert "#### Service outcomes: case import, recompute, comparison (issue 15)" in text
    assert "10,000,000 cases over 1,741 municipalities" in text and "API cold" in text
