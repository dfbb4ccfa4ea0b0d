# ruff: noqa: S603, S607 — the benchmark starts the machine's own tools (gunicorn, wrk, pg_ctlcluster, redis-cli)
"""What the drills share: the people and records they act with, a reader and a writer that log every
request with its time, the services they stop and start (always started again), a Celery worker.

Loopback only; every loop is bounded in time. Services are controlled with the machine's own commands
(docs/scaling.md): PostgreSQL with pg_ctlcluster, Redis with redis-cli / redis-server. A service that was
running before a drill is running after it, whatever happens in between.
"""

import http.client
import itertools
import json
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..env import ROOT, VAR, bench_env

REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
BROKER = "redis://127.0.0.1:6379/14"  # a database of its own on the machine's Redis
MAIL_DIR = VAR / "drill-mail"


@dataclass
class Actors:
    """An officer (with an e-mail address, so notices are mailed) and a partner editor with an API token
    for one deliverable of a published agreement."""

    token: str
    deliverable_ids: list[int]  # the drill's own: one waiting report per deliverable (issue 10's rule)
    municipality_id: int
    officer_id: int
    partner_id: int


def actors() -> Actors:
    from django.contrib.auth import get_user_model

    from accounts.services import api_token_create
    from agreements.models import Deliverable
    from partnerships.models import Membership, Role

    drill_cleanup()  # an earlier run's deliverables, with their reports
    deliverable = (
        Deliverable.objects.filter(initiative__agreement__published=True, responsible__isnull=False)
        .select_related("initiative__agreement")
        .order_by("-id")  # the last: the readers read the first published agreement's page
        .first()
    )
    users = get_user_model().objects
    officer, _ = users.get_or_create(username="drill-officer", defaults={"email": "drill-officer@example.jp"})
    partner, _ = users.get_or_create(username="drill-partner", defaults={"email": "drill-partner@example.jp"})
    municipality_id = deliverable.initiative.agreement.municipality_id
    Membership.objects.get_or_create(user=officer, municipality_id=municipality_id, defaults={"role": Role.APPROVER})
    Membership.objects.get_or_create(
        user=partner, organization_id=deliverable.responsible_id, defaults={"role": Role.EDITOR}
    )
    _token, key = api_token_create(user=partner, name="drill", days=1)
    # A deliverable takes one waiting report at a time (progress_update_one_pending, issue 10): the
    # writer reports on a deliverable of its own each time, made here beside the one found.
    own = Deliverable.objects.bulk_create(
        Deliverable(
            initiative_id=deliverable.initiative_id,
            responsible_id=deliverable.responsible_id,
            title=f"{DRILL_TITLE}{n}",
            due_on=deliverable.due_on,
        )
        for n in range(DRILL_DELIVERABLES)
    )
    return Actors(key, [d.pk for d in own], municipality_id, officer.pk, partner.pk)


@dataclass
class Log:
    """Every request of a client: (start, end, status or error name, tag)."""

    entries: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, start, end, outcome, tag=""):
        with self.lock:
            self.entries.append((start, end, outcome, tag))

    def ok(self):
        return [e for e in self.entries if isinstance(e[2], int) and e[2] < 400]

    def failed(self):
        return [e for e in self.entries if not (isinstance(e[2], int) and e[2] < 400)]


def _request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response.status


def client_loop(base_port: int, stop: threading.Event, log: Log, make_request, pause: float = 0.0) -> None:
    """Repeat ``make_request(connection, n) -> (method, path, body, headers, tag)`` until ``stop``,
    logging each outcome; a broken connection is replaced."""
    connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
    n = 0
    while not stop.is_set():
        n += 1
        method, path, body, headers, tag = make_request(n)
        started = time.monotonic()
        try:
            outcome = _request(connection, method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", base_port, timeout=30)
        log.add(started, time.monotonic(), outcome, tag)
        if pause:
            time.sleep(pause)
    connection.close()


def reader(public_id: str):
    """Alternately the API list and the public agreement page."""

    def make(n):
        path = "/api/v1/agreements/?page_size=5" if n % 2 else f"/agreements/{public_id}/"
        return "GET", path, None, {}, ""

    return make


DRILL_DELIVERABLES = 3000
DRILL_TITLE = "drill deliverable "


def drill_cleanup() -> None:
    """Remove the drill's own deliverables (and their reports): the benchmark reads the same database."""
    from agreements.models import Deliverable

    Deliverable.objects.filter(title__startswith=DRILL_TITLE).delete()


_reports = itertools.count()  # across the drills of a run: every report on another deliverable


def writer(actors: Actors, run: str):
    """Progress reports by the partner, each with a note that names it, each on a deliverable of its own."""

    def make(n):
        note = f"{run}-{n}"
        deliverable = actors.deliverable_ids[next(_reports) % len(actors.deliverable_ids)]
        body = json.dumps({"deliverable": deliverable, "progress": n % 100, "status": "in_progress", "note": note})
        headers = {"Authorization": f"Token {actors.token}", "Content-Type": "application/json"}
        return "POST", "/api/v1/progress-updates/", body, headers, note

    return make


def start_clients(port, specs):
    """Threads for ``[(log, make_request, pause), …]``; returns (stop event, threads)."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=client_loop, args=(port, stop, log, make, pause), daemon=True)
        for log, make, pause in specs
    ]
    for thread in threads:
        thread.start()
    return stop, threads


def stop_clients(stop, threads):
    stop.set()
    for thread in threads:
        thread.join(timeout=40)


# --- services -------------------------------------------------------------------------------------


def postgres_cluster() -> tuple[str, str]:
    """(version, name) of the machine's PostgreSQL cluster, from pg_lsclusters."""
    lines = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.split("\n")
    version, name = lines[0].split()[:2]
    return version, name


def postgres_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


def postgres_restart() -> None:
    version, name = postgres_cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart", "-m", "fast"],
        check=True,
        capture_output=True,
    )


def postgres_ensure_running() -> None:
    if not postgres_ready():
        version, name = postgres_cluster()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], check=False)


def redis_ready() -> bool:
    result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, check=False)
    return result.stdout.strip() == "PONG"


def redis_stop() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], capture_output=True, check=False)


def redis_start() -> None:
    subprocess.run(REDIS_START, capture_output=True, check=True)
    deadline = time.monotonic() + 20
    while not redis_ready() and time.monotonic() < deadline:
        time.sleep(0.2)


def wait_for(predicate, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


class CeleryWorker:
    """``with CeleryWorker() as worker:`` — one prefork worker (one child) on the drill's broker."""

    def __init__(self, **env):
        self.env = bench_env(CELERY_BROKER_URL=BROKER, **env)
        self.process = None

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        self.log_path = VAR / "drill-celery.log"
        self.log = self.log_path.open("w")
        command = [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--loglevel=INFO"]
        command += ["--concurrency=1", "--pool=prefork", "--without-gossip", "--without-mingle", "-n", "drill@%h"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        if not wait_for(lambda: "ready." in self.log_path.read_text(), 60):
            raise RuntimeError(f"the Celery worker did not start; see {self.log_path}")
        return self

    def children(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
