"""`make drills` (`python -m bench.drills.run`): four fault drills against gunicorn and a Celery worker on
127.0.0.1, over the bench database (seeded at small scale first if it is missing). Each drill is
bounded in time and reports what it saw; results in bench/results/drills.json and docs/performance.md.

1. load: 64 connections on the public API for 60 s — no error response; p99 recorded.
2. PostgreSQL restarted under load (readers and a writer) — errors only while it is down, full service
   after, every accepted write stored.
3. the broker (Redis) stopped and started — pages and API keep serving, writes keep succeeding, the
   notices they cause are all mailed once the broker is back, none twice.
4. a Celery worker's process killed in the middle of a job — the job is delivered again and completes
   once.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import time

from ..env import ROOT, setup_django
from . import common as c

GRACE_S = 2.0  # after PostgreSQL is back: time for the pool to notice the old connections are gone


def _summary(log: c.Log, window=None) -> dict:
    failed = log.failed()
    outside = [e for e in failed if not window or not (window[0] <= e[0] <= window[1] + GRACE_S)]
    after = [e for e in log.entries if window and e[0] > window[1] + GRACE_S]
    return {
        "requests": len(log.entries),
        "ok": len(log.ok()),
        "errors": len(failed),
        "errors_outside_the_outage": len(outside),
        "error_kinds": sorted({str(e[2]) for e in failed}),
        "slowest_ms": round(max((e[1] - e[0] for e in log.entries), default=0) * 1000),
        "ok_after_recovery": sum(1 for e in after if isinstance(e[2], int) and e[2] < 400),
        "requests_after_recovery": len(after),
    }


def _written(log: c.Log, run: str) -> dict:
    from django.db import close_old_connections, connection

    from agreements.models import ProgressUpdate

    close_old_connections()
    connection.close()  # the drill's own connection may have died with the server
    accepted = {e[3] for e in log.entries if e[2] == 201}
    stored = set(ProgressUpdate.objects.filter(note__startswith=f"{run}-").values_list("note", flat=True))
    return {
        "accepted_201": len(accepted),
        "stored": len(stored),
        "accepted_but_lost": len(accepted - stored),
        "stored_without_201": len(stored - accepted),  # committed, but the answer did not reach the client
    }


def drill_load(port: int, seconds: int = 60, connections: int = 64) -> dict:
    from ..load import run_load
    from ..server import Server

    with Server(port=port) as server:
        result = run_load(server.base + "/api/v1/agreements/", connections=connections, seconds=seconds)
    return {"passed": result["errors"] == 0, **result}


def drill_postgres(port: int, actors: c.Actors, public_id: str) -> dict:
    from ..server import Server

    run = f"drill-pg-{int(time.time())}"
    reads, writes = c.Log(), c.Log()
    try:
        with Server(port=port) as server:
            stop, threads = c.start_clients(
                server.port,
                [
                    (reads, c.reader(public_id), 0),
                    (reads, c.reader(public_id), 0),
                    (writes, c.writer(actors, run), 0.05),
                ],
            )
            time.sleep(8)
            down = time.monotonic()
            c.postgres_restart()
            up = time.monotonic()
            time.sleep(15)
            c.stop_clients(stop, threads)
    finally:
        c.postgres_ensure_running()
    window = (down, up)
    result = {
        "outage_s": round(up - down, 2),
        "reads": _summary(reads, window),
        "writes": _summary(writes, window),
        **_written(writes, run),
    }
    result["passed"] = (
        result["reads"]["errors_outside_the_outage"] == 0
        and result["writes"]["errors_outside_the_outage"] == 0
        and result["reads"]["ok_after_recovery"] == result["reads"]["requests_after_recovery"] > 0
        and result["accepted_but_lost"] == 0
    )
    return result


def _mails() -> int:
    return sum(path.read_text(errors="replace").count("\nSubject: ") for path in c.MAIL_DIR.glob("*"))


def drill_broker(port: int, actors: c.Actors, public_id: str) -> dict:
    from django.db import close_old_connections
    from django.utils import timezone

    from notifications.models import Notice

    from ..server import Server

    run = f"drill-broker-{int(time.time())}"
    shutil.rmtree(c.MAIL_DIR, ignore_errors=True)
    c.MAIL_DIR.mkdir(parents=True)
    env = {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "KYOSO_BENCH_MAIL_DIR": str(c.MAIL_DIR),
        "CACHE_URL": "locmemcache://",  # the broker's Redis is not also the cache here (docs/scaling.md)
    }
    earlier = Notice.objects.filter(recipient_id=actors.officer_id)
    earlier.filter(sent_at__isnull=True).update(sent_at=timezone.now())  # earlier drills' notices: not ours
    before = set(earlier.values_list("pk", flat=True))
    reads, writes = c.Log(), c.Log()
    try:
        with c.CeleryWorker(**env), Server(port=port, CELERY_BROKER_URL=c.BROKER, **env) as server:
            stop, threads = c.start_clients(
                server.port,
                [(reads, c.reader(public_id), 0), (writes, c.writer(actors, run), 0.2)],
            )
            time.sleep(6)
            down = time.monotonic()
            c.redis_stop()
            time.sleep(10)
            c.redis_start()
            up = time.monotonic()
            time.sleep(15)
            c.stop_clients(stop, threads)

            def all_sent():
                close_old_connections()
                mine = Notice.objects.filter(recipient_id=actors.officer_id).exclude(pk__in=before)
                return mine.exists() and not mine.filter(sent_at__isnull=True).exists()

            sent_in_time = c.wait_for(all_sent, timeout=90, every=1)
    finally:
        if not c.redis_ready():
            c.redis_start()
    notices = Notice.objects.filter(recipient_id=actors.officer_id).exclude(pk__in=before)
    written = _written(writes, run)
    result = {
        "outage_s": round(up - down, 2),
        "reads": _summary(reads),
        "writes": _summary(writes),
        **written,
        "notices": notices.count(),
        "notices_unsent": notices.filter(sent_at__isnull=True).count(),
        "mails": _mails(),
        "all_sent_within_90_s_after": sent_in_time,
    }
    result["passed"] = (
        result["reads"]["errors"] == 0
        and result["writes"]["errors"] == 0
        and result["notices"] == written["stored"]
        and result["notices_unsent"] == 0
        and result["mails"] == result["notices"]
    )
    return result


def _import_job(actors: c.Actors, rows: int):
    """An import of ``rows`` agreements by the drill's officer, queued on the broker when it commits."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from imports.services import import_job_create
    from partnerships.models import Municipality

    from ..importing import agreement_list_csv

    municipality = Municipality.objects.get(pk=actors.municipality_id)
    content = agreement_list_csv(rows, seed=int(time.time()), title="ドリル")
    upload = SimpleUploadedFile("drill-import.csv", content, content_type="text/csv")
    officer = get_user_model().objects.get(pk=actors.officer_id)
    with transaction.atomic():
        return import_job_create(municipality=municipality, uploaded=upload, by=officer, dry_run=False)


def _kill_when(worker: c.CeleryWorker, started, timeout: float) -> int | None:
    """SIGKILL the pool process (not the worker itself) once ``started()``; its pid, or None."""
    if not c.wait_for(started, timeout=timeout, every=0.05):
        return None
    children = worker.children()
    if not children:
        return None
    os.kill(children[0], signal.SIGKILL)
    return children[0]


def _import_killed(worker: c.CeleryWorker, actors: c.Actors, rows: int) -> dict:
    from django.db import close_old_connections

    from agreements.models import Agreement
    from imports.models import ImportJob, ImportStatus

    def state():
        close_old_connections()
        return ImportJob.objects.get(pk=job.pk)

    job = _import_job(actors, rows)
    killed = _kill_when(worker, lambda: state().rows_done >= 500, 60)
    finished = c.wait_for(lambda: state().status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED), 120, 1)
    job = state()
    public_ids = (job.result or {}).get("public_ids", [])
    result = {
        "job": job.pk,
        "rows": rows,
        "killed_pid": killed,
        "finished_within_120_s": finished,
        "status": job.status,
        "created": (job.result or {}).get("created"),
        "agreements_in_database": Agreement.objects.filter(public_id__in=public_ids).count(),
    }
    result["passed"] = bool(killed and finished and job.status == ImportStatus.SUCCEEDED and result["created"] == rows)
    return result


def _export_killed(worker: c.CeleryWorker) -> dict:
    from opendata.tasks import export_opendata

    from ..env import VAR

    sets = VAR / "opendata" / "sets"
    sets.mkdir(parents=True, exist_ok=True)

    def finished_sets():
        return {p.name for p in sets.iterdir() if not p.name.startswith(".")}

    before, partial_before = finished_sets(), {p.name for p in sets.glob(".*.partial")}
    export_opendata.delay()
    killed = _kill_when(worker, lambda: bool({p.name for p in sets.glob(".*.partial")} - partial_before), 120)
    done = bool(c.wait_for(lambda: finished_sets() - before, timeout=600, every=1))
    new = sorted(finished_sets() - before)
    current = (VAR / "opendata" / "current").resolve().name if (VAR / "opendata" / "current").exists() else None
    result = {
        "killed_pid": killed,
        "finished_within_600_s": done,
        "new_sets": new,
        "current_is_the_new_set": bool(new) and current == new[-1],
        "partial_folders_left": sorted({p.name for p in sets.glob(".*.partial")} - partial_before),
    }
    result["passed"] = bool(killed and len(new) == 1 and result["current_is_the_new_set"])
    return result


def drill_worker_kill(actors: c.Actors, rows: int = 20_000) -> dict:
    """Two jobs, each with its pool process killed midway: an import (20,000 rows) and the nightly
    open-data export. With acks_late and reject_on_worker_lost the message is delivered again at once."""
    with c.CeleryWorker() as worker:
        imported = _import_killed(worker, actors, rows)
        exported = _export_killed(worker)
    return {"import": imported, "export": exported, "passed": imported["passed"] and exported["passed"]}


DRILLS = ["load", "postgres", "broker", "worker"]


def _run_drills(args, actors, public_id, started) -> dict:
    results = {}
    for name in args.only or DRILLS:
        print(f"[{time.monotonic() - started:5.0f} s] drill: {name}…", flush=True)
        if name == "load":
            results[name] = drill_load(args.port)
        elif name == "postgres":
            results[name] = drill_postgres(args.port, actors, public_id)
        elif name == "broker":
            results[name] = drill_broker(args.port, actors, public_id)
        else:
            results[name] = drill_worker_kill(actors)
        print(json.dumps(results[name], ensure_ascii=False), flush=True)
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=DRILLS)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--scale", default="small", help="seed at this scale if the bench database is missing")
    args = parser.parse_args(argv)
    from ..run import prepare_database, run_manage

    if not (c.redis_ready() and c.postgres_ready()):
        print("PostgreSQL and Redis must be running before the drills.", file=sys.stderr)
        return 2
    seed = prepare_database(args.scale, keep=True, any_scale=True)
    run_manage("collectstatic", "--noinput", "-v0")  # production settings serve the manifest's files
    setup_django(CELERY_BROKER_URL=c.BROKER)
    from agreements.models import Agreement

    actors = c.actors()
    public_id = Agreement.objects.filter(published=True).order_by("id").values_list("public_id", flat=True).first()
    started = time.monotonic()
    try:
        results = _run_drills(args, actors, public_id, started)
    finally:
        c.drill_cleanup()
    path = ROOT / "bench" / "results" / "drills.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    previous.update(results)
    previous["_machine_load_average"] = os.getloadavg()
    previous["_scale"] = seed.get("scale")
    path.write_text(json.dumps(previous, ensure_ascii=False, indent=2) + "\n")
    from ..report import drills_markdown, update_drills_docs

    print(drills_markdown(previous))
    update_drills_docs(previous)
    failed = [name for name, result in results.items() if not result.get("passed")]
    print(f"drills: {len(results) - len(failed)} passed, {len(failed)} failed {failed or ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
