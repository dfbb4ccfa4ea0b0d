"""A lock for periodic and run-once jobs, so two workers never do the same work at once.

PostgreSQL: a session advisory lock (released by the server if the worker dies). Elsewhere (SQLite on
a laptop, one worker): the cache's atomic add(). The notices themselves are made exactly-once by a
unique constraint; the lock only saves duplicated effort.
"""

import contextlib
import hashlib

from django.core.cache import cache
from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextlib.contextmanager
def job_lock(name: str, *, timeout: int = 60 * 60):
    """Yields True when this process holds the lock, False when another one does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return
    held = cache.add(f"job-lock:{name}", 1, timeout=timeout)
    try:
        yield held
    finally:
        if held:
            cache.delete(f"job-lock:{name}")
