from celery import shared_task

from core.locks import job_lock

from .bulk import opendata_export
from .services import public_changes_process


@shared_task(name="opendata.export", ignore_result=True, bind=True, max_retries=10)
def export_opendata(self) -> dict:
    """The nightly bulk files (02:30 JST), and on the first night of a year their dated archive
    (opendata.bulk). One writer at a time. A redelivery that finds the lock still held (e.g. by a worker
    that just died, whose session PostgreSQL has not yet closed) tries again shortly instead of giving
    up until the next night."""
    with job_lock("opendata-export", timeout=3 * 60 * 60) as held:
        if not held:
            raise self.retry(countdown=60)
        return opendata_export()


@shared_task(name="opendata.public_changes", ignore_result=True)
def public_changes() -> int:
    """Build the releases and statistics summaries of the agreements whose public state changed.
    Dispatched after each commit that recorded a change (``agreements.publicity``) and every minute by
    beat (a broker outage, a failed build). Safe on several workers at once and on redelivery: the
    outbox rows are locked, and a build that finds nothing new stores nothing."""
    return public_changes_process()
