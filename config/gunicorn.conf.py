"""gunicorn for Kyoso: `gunicorn config.wsgi -c config/gunicorn.conf.py`. Every value can be set from the
environment (GUNICORN_*); docs/scaling.md says how to size them.

Threaded workers (gthread), because a CSV export of millions of rows streams for minutes: a sync
worker is one thread, so while it streams it cannot tell the arbiter it is alive and is killed after
`timeout` seconds, cutting the download. A gthread worker's main thread keeps heartbeating while its
request threads stream, so `timeout` only catches a worker that is really stuck, and a stream ends
when it is finished. Threads also let a worker wait on PostgreSQL for one request while it renders
another; the processes give the parallelism (one per core, plus one for the waits).
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
# Liveness of the worker process, not a limit on a request: a stream of any length may finish.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On restart or stop, running requests (an export, an import upload) get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 300)
# Behind a load balancer that reuses connections, keep them open a little longer than it does.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (jittered so they do not restart together); 0 turns it off.
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# The heartbeat file on a memory file system, so a slow disk cannot make a healthy worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 — gunicorn's own heartbeat files
# Requests larger than Django accepts are refused by Django (413); these only bound the headers.
limit_request_line = 8190
# The reverse proxy on these addresses may set X-Forwarded-Proto (see SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # "-" for stdout; off by default
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "kyoso"
