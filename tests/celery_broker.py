"""Point the test process's Celery app at another broker for a while (pools reset both ways)."""

import contextlib

from config.celery import app


def _reset_pools():
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


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
