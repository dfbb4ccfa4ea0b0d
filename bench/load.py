# ruff: noqa: S603, S607 — the benchmark starts the machine's own tools (gunicorn, wrk, pg_ctlcluster, redis-cli)
"""Load on one URL for a fixed time: wrk when it is installed (Debian: apt-get install wrk), else a
small thread-per-connection generator in Python. Loopback only: every URL must be on 127.0.0.1.

Both report the same figures: requests, requests/s, errors (connection, timeouts, non-2xx/3xx) and the
latency percentiles p50 / p90 / p99 / max in milliseconds.
"""

import datetime
import http.client
import itertools
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


# A path may hold "{day}": each request then asks for another day (2030-01-01 onwards), so that every
# request is a distinct query string — a server-side cache's misses. Used as ?signed_before={day}: a
# real filter that keeps every row (all were signed before 2030), which the baselines ignore.
DAY_PLACEHOLDER = "{day}"
FIRST_DAY = datetime.date(2030, 1, 1)
DAYS = 25_000


def distinct_path(path: str, n: int) -> str:
    return path.replace(DAY_PLACEHOLDER, (FIRST_DAY + datetime.timedelta(days=n % DAYS)).isoformat())


WRK_DISTINCT = r"""
local counter = 0
local base = 0
init = function(args) base = math.random(0, 1000) * 25 end
request = function()
  counter = counter + 1
  local t = os.time{year=2030, month=1, day=1, hour=12} + ((base + counter) %% %d) * 86400
  return wrk.format(nil, (string.gsub("%s", "{day}", os.date("!%%Y-%%m-%%d", t))))
end
"""


def _check_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise ValueError(f"load is for loopback addresses only, not {host!r}")


def run_load(url: str, *, connections: int = 8, seconds: float = 10, headers: dict | None = None) -> dict:
    """Requests on ``url`` from ``connections`` keep-alive connections for ``seconds``."""
    _check_loopback(url)
    if shutil.which("wrk"):
        return _wrk(url, connections, seconds, headers or {})
    return _python(url, connections, seconds, headers or {})


def _wrk(url, connections, seconds, headers) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        distinct = WRK_DISTINCT % (DAYS, path) if DAY_PLACEHOLDER in path else ""
        script.write_text(distinct + WRK_REPORT)
        if distinct:
            url = f"{parts.scheme}://{parts.netloc}/"
        command = [
            "wrk",
            "-t",
            "1" if connections < 4 else "2",
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
        ]
        command += ["--timeout", "30s", "-s", str(script)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(line for line in output.stdout.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    duration = raw["duration_us"] / 1e6
    return {
        "tool": "wrk",
        "connections": connections,
        "seconds": round(duration, 2),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / duration, 1),
        "errors": raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"],
        "non_2xx": raw["status"],
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "bytes": raw["bytes"],
    }


# One count for the whole process: a "{day}" path never repeats from one run to the next (a warm-up,
# a round, another group), so each of those requests misses the server's cache.
DISTINCT = itertools.count()


def _python(url, connections, seconds, headers) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors, non_2xx, sizes = [], [0], [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = DISTINCT

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
        mine, bad, status_bad, size = [], 0, 0, 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", distinct_path(path, next(counter)), headers=headers)
                response = connection.getresponse()
                size += len(response.read())
                if response.status >= 400:
                    status_bad += 1
                mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
        with lock:
            latencies.extend(mine)
            errors[0] += bad + status_bad
            non_2xx[0] += status_bad
            sizes[0] += size

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000, 3) if latencies else None

    return {
        "tool": "python",
        "connections": connections,
        "seconds": round(duration, 2),
        "requests": len(latencies),
        "rps": round(len(latencies) / duration, 1),
        "errors": errors[0],
        "non_2xx": non_2xx[0],
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "max_ms": round(latencies[-1] * 1000, 3) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3) if latencies else None,
        "bytes": sizes[0],
    }
