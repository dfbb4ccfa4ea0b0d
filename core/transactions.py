"""Work that follows a commit, once per transaction."""

import threading

from django.db import transaction

_local = threading.local()


def on_commit_once(func) -> None:
    """Run ``func`` once after the current transaction commits, however often it is asked for in it
    (one task for a transaction that wrote a thousand notices).

    Without reading Django's internals: each call schedules a small callback and notes it in a
    thread-local set kept per ``func``; the first callback to run after the commit calls ``func`` and
    clears the set, so its siblings of the same commit find themselves gone and do nothing. A callback
    of a rolled-back (save)point never runs; its note is cleared by the next run. Outside a
    transaction (autocommit) ``func`` runs at once, as ``transaction.on_commit`` does."""
    if not hasattr(_local, "pending"):
        _local.pending = {}
    pending = _local.pending.setdefault(func, set())

    def callback():
        if callback not in pending:
            return  # a sibling of this commit has run it already
        pending.clear()
        func()

    pending.add(callback)
    transaction.on_commit(callback)
