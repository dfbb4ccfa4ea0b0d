"""The measurements: load on URLs side by side, queries per request, streamed downloads with the
worker's memory, PostgreSQL's COPY of the same rows. The caller has configured Django (bench.env)."""

import http.client
import statistics
import time
from urllib.parse import urlsplit

from .load import DISTINCT, distinct_path, run_load
from .server import memory_kb, reset_peak


def side_by_side(base: str, variants: dict[str, str], *, seconds: float, rounds: int, connections: int, headers=None):
    """Each variant's URL under the same load, interleaved round by round so that a drift of the
    machine (another process, the cache warming) touches every variant alike. A short warm-up first."""
    for path in variants.values():
        run_load(base + path, connections=connections, seconds=min(2, seconds), headers=headers)
    runs = {name: [] for name in variants}
    for _ in range(rounds):
        for name, path in variants.items():
            runs[name].append(run_load(base + path, connections=connections, seconds=seconds, headers=headers))
    return {name: _combine(results) for name, results in runs.items()}


def _combine(results: list[dict]) -> dict:
    requests = sum(r["requests"] for r in results)
    seconds = sum(r["seconds"] for r in results)
    return {
        "rps": round(requests / seconds, 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
        "max_ms": round(max(r["max_ms"] for r in results), 2),
        "requests": requests,
        "errors": sum(r["errors"] for r in results),
        "rounds": len(results),
        "tool": results[0]["tool"],
        "connections": results[0]["connections"],
    }


def queries_per_request(path: str, **extra) -> int | None:
    """Database queries of one request (after a warm-up request), through Django's test client in this
    process: the same code and database as the server."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", **extra)
    client.get(distinct_path(path, next(DISTINCT)))
    with CaptureQueriesContext(connection) as captured:
        # the same path, unless it asks for distinct ones: then one no run asked before (a cache miss)
        response = client.get(distinct_path(path, next(DISTINCT)))
    if response.status_code != 200:
        return None
    if hasattr(response, "streaming_content"):
        for _chunk in response.streaming_content:
            break
    return len(captured)


def single_request_ms(base: str, path: str, headers=None) -> float:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return round((time.perf_counter() - started) * 1000, 1)


def stream_download(server, path: str) -> dict:
    """Download ``path`` as a client would, reading as it comes; rows, bytes, time, and the largest
    growth of a worker's resident memory over the download (peak RSS, reset before it starts)."""
    workers = server.workers()
    before = {}
    for pid in workers:
        reset_peak(pid)
        before[pid] = memory_kb(pid).get("VmRSS", 0)
    parts = urlsplit(server.base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    started = time.perf_counter()
    first_byte = None
    connection.request("GET", path)
    response = connection.getresponse()
    size = lines = 0
    while block := response.read(1 << 20):
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(block)
        lines += block.count(b"\n")
    elapsed = time.perf_counter() - started
    connection.close()
    growth = max((memory_kb(pid).get("VmHWM", 0) - before[pid] for pid in workers), default=0)
    rows = max(0, lines - 1)  # the header line
    return {
        "status": response.status,
        "rows": rows,
        "bytes": size,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "mb_per_s": round(size / elapsed / 1e6, 1),
        "first_byte_ms": round((first_byte or 0) * 1000, 1),
        "worker_peak_rss_growth_mb": round(growth / 1024, 1),
    }


def copy_to_stdout(queryset) -> dict:
    """PostgreSQL's COPY (query) TO STDOUT as CSV, for the SQL of ``queryset``: the rate of the
    database alone, read by a client that only counts bytes."""
    import psycopg
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        literal = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
    started = time.perf_counter()
    size = lines = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for block in copy:
            size += len(block)
            lines += bytes(block).count(b"\n")
    elapsed = time.perf_counter() - started
    rows = max(0, lines - 1)
    return {"rows": rows, "bytes": size, "seconds": round(elapsed, 2), "rows_per_s": round(rows / elapsed)}


def ratio(a, b, digits=2):
    """a / b rounded, None when either is missing or zero."""
    return round(a / b, digits) if a and b else None


def load_group(server, options, variants: dict[str, str], headers=None, extra=None) -> dict:
    """Each variant under the same load (``side_by_side``), with its queries per request: ``{"rows": […]}``."""
    measured = side_by_side(
        server.base,
        variants,
        seconds=options.seconds,
        rounds=options.rounds,
        connections=options.connections,
        headers=headers,
    )
    rows = []
    for name, path in variants.items():
        row = {"variant": name, "path": path, **measured[name]}
        row["queries"] = queries_per_request(path, **(extra or {}))
        rows.append(row)
    return {"rows": rows}
