"""The version of the cached comparisons and effects (``outcomes.evidence``), per procedure: bumped
wherever figures are recomputed or a municipality's settings of a procedure change, read into every cache
key. Apart from ``evidence`` so that the services which bump it do not load numpy with it."""

import time

from django.core.cache import cache

_VERSION_KEY = "outcomes:evidence:version"


def figures_changed(*, procedures=None) -> None:
    """Forget the cached comparisons and effects: call it (on commit) wherever figures are recomputed or
    a municipality's settings of a procedure change. ``procedures`` (Procedure objects or ids): only
    those; None: all."""
    keys = [_VERSION_KEY] if procedures is None else [f"{_VERSION_KEY}:{getattr(p, 'pk', p)}" for p in procedures]
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:  # not there (never set, or evicted): a value no earlier entry can carry
            cache.set(key, time.time_ns(), None)


def cache_version(procedure_id) -> str:
    """The cache version of one procedure's evidence: the global and the procedure's counters."""
    keys = [_VERSION_KEY, f"{_VERSION_KEY}:{procedure_id}"]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            found[key] = time.time_ns()
            cache.add(key, found[key], None)
            found[key] = cache.get(key, found[key])
    return f"{found[keys[0]]}.{found[keys[1]]}"
