# ruff: noqa: S603, S607 — the benchmark starts the machine's own tools (gunicorn, wrk, pg_ctlcluster, redis-cli)
"""gunicorn as the benchmark and the drills run it: config/gunicorn.conf.py, production settings, on
127.0.0.1. Started and stopped by its own process id; its workers' memory read from /proc."""

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from .env import ROOT, VAR, bench_env


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process, in kB."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _sep, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
    return values


def reset_peak(pid: int) -> None:
    """Reset the process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0, /proc/PID/clear_refs)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


class Server:
    """``with Server(port=8765) as server:`` — gunicorn serving the benchmark's URLs."""

    def __init__(self, *, port: int = 8765, **env):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = bench_env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_MAX_REQUESTS=0, **env)
        self.process = None

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        self.log = (VAR / f"gunicorn-{self.port}.log").open("w")
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}); see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + "/bench/floor/", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.workers()) >= self.worker_count():
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_count(self) -> int:
        return int(self.env.get("GUNICORN_WORKERS", os.cpu_count() + 1))

    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn stops its own workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
