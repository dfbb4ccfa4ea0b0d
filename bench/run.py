# ruff: noqa: S603, S607 — the benchmark starts the machine's own tools (gunicorn, wrk, pg_ctlcluster, redis-cli)
"""`make bench` (`python -m bench.run --scale full`): a fresh kyoso_bench database seeded at national
scale, gunicorn on 127.0.0.1 with production settings, and every figure measured side by side with its
baseline in the same run. Results: bench/results/bench-<scale>.json and the table in docs/performance.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from .env import DATABASE, PG, ROOT, bench_env, setup_django

SECONDS = {"full": 10, "small": 5, "tiny": 2}
ROUNDS = {"full": 2, "small": 1, "tiny": 1}


def run_manage(*args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=bench_env(), check=True, capture_output=True, text=True).stdout


def prepare_database(scale: str, keep: bool, any_scale: bool = False) -> dict:
    """Drop and create the bench database, migrate, load the municipalities, seed; or, with ``keep``,
    reuse a database seeded before at the same scale (at any scale with ``any_scale``), migrated to
    the current schema first."""
    import psycopg

    marker = ROOT / "var" / "bench" / f"seed-{DATABASE}.json"
    if keep and marker.is_file():
        report = json.loads(marker.read_text())
        if report.get("scale") == scale or any_scale:
            scale = report.get("scale")
            print(f"reusing {DATABASE} (seeded at scale {scale})", flush=True)
            run_manage("migrate", "--noinput", "-v0")  # migrations added since the seed (nothing if none)
            return report
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    started = time.monotonic()
    run_manage("migrate", "--noinput", "-v0")
    run_manage("load_municipalities")
    prepared = time.monotonic() - started
    print(f"migrated and loaded municipalities in {prepared:.1f} s; seeding ({scale})…", flush=True)
    report = json.loads(run_manage("seed_scale", "--scale", scale, "--json").strip().splitlines()[-1])
    report["scale"], report["migrate_and_municipalities_s"] = scale, round(prepared, 1)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(report, ensure_ascii=False))
    print(f"seeded in {report['seconds']['total']} s", flush=True)
    return report


def machine() -> dict:
    from pathlib import Path

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres,
        "load_average_at_start": os.getloadavg(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["tiny", "small", "full"], default="full")
    parser.add_argument("--keep-db", action="store_true", help="reuse a database seeded at this scale")
    parser.add_argument(
        "--any-scale",
        action="store_true",
        help="with --keep-db: reuse a database seeded at another scale (for the cases group, which seeds its own)",
    )
    parser.add_argument("--seconds", type=float, help="seconds per load run (default by scale)")
    parser.add_argument("--rounds", type=int, help="rounds per comparison (default by scale)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", nargs="*", help="run only these groups (see bench/suite.py)")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args(argv)

    started = time.monotonic()
    seed = prepare_database(args.scale, args.keep_db, args.any_scale)
    run_manage("collectstatic", "--noinput", "-v0")
    setup_django()
    from . import report, suite
    from .server import Server

    options = suite.Options(
        seconds=args.seconds or SECONDS[args.scale],
        rounds=args.rounds or ROUNDS[args.scale],
        connections=args.connections,
        largest=seed.get("largest_municipality"),
        scale=args.scale,
    )
    results = {
        "scale": args.scale,
        "seed": seed,
        "machine": machine(),
        "load": {"seconds": options.seconds, "rounds": options.rounds, "connections": options.connections},
        "groups": {},
    }
    with Server(port=args.port) as server:
        results["server"] = {"workers": server.worker_count(), "threads": int(server.env.get("GUNICORN_THREADS", 4))}
        for name, group in suite.GROUPS.items():
            if args.only and name not in args.only:
                continue
            print(f"[{time.monotonic() - started:6.0f} s] {name}…", flush=True)
            results["groups"][name] = group(server, options)
    path = ROOT / "bench" / "results" / f"bench-{args.scale}.json"
    if args.only and path.is_file():  # a partial run updates its groups in the last full result
        previous = json.loads(path.read_text())
        previous["groups"].update(results["groups"])
        rerun = {"groups": args.only, "machine": results["machine"], "database": DATABASE}
        rerun["scale_of_its_seed"] = seed.get("scale")
        previous.setdefault("partial_reruns", []).append(rerun)
        results = previous
    results["targets"] = report.targets(results)
    results.setdefault("seconds", round(time.monotonic() - started))
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(report.markdown(results))
    if not args.no_docs:
        report.update_docs(results)
    print(f"written {path.relative_to(ROOT)} in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
