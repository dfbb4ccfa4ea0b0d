from celery import shared_task

from core.locks import job_lock

from .jobs import notices_send_digests, notices_send_pending


@shared_task(name="notifications.send", ignore_result=True)
def notices_send() -> int:
    """Mail pending notices. Safe to run on several workers at once (rows are locked)."""
    with job_lock("notices-send", timeout=10 * 60) as held:
        if not held:
            return 0
        return notices_send_pending()


@shared_task(name="notifications.digest", ignore_result=True)
def notices_digest() -> int:
    """The daily digest mails (rows are locked: safe on several workers)."""
    with job_lock("notices-digest", timeout=30 * 60) as held:
        if not held:
            return 0
        return notices_send_digests()
