"""Point the test process's Celery app at another broker for a while (pools reset both ways)."""

import contextlib

import kombu.pools

from config.celery import app


def _reset_pools():
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu 5.7 keeps the pools it closed in its global registry: forget them, or the next producer
    # comes from a closed pool (tests/notifications/test_worker.py failed when run alone)
    kombu.pools.reset()


@contextlib.contextmanager
def use_broker(url: str):
    previous = app.conf.broker_url
    app.conf.broker_url = url
    _reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url = previous
        _reset_pools()
