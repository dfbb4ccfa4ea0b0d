"""Sending notices: the work of the ``notifications.send`` task and of the periodic job."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import language_of

from .messages import render
from .models import Notice

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
BATCH = 100


def notices_send_pending(*, now=None) -> int:
    """Mail every pending notice once. Rows are locked (SKIP LOCKED on PostgreSQL) so that concurrent
    workers never take the same notice; a notice is marked sent in the same transaction."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notice.objects.pending()
                .filter(attempts__lt=MAX_ATTEMPTS)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient__profile")
                .order_by("id")[:BATCH]
            )
            if not batch:
                return sent
            for notice in batch:
                sent += _send(notice, now or timezone.now())
            Notice.objects.bulk_update(batch, ["sent_at", "attempts", "last_error"])
        if len(batch) < BATCH:
            return sent


def _send(notice: Notice, now) -> int:
    recipient = notice.recipient
    notice.attempts += 1
    if not recipient.email:
        notice.sent_at, notice.last_error = now, "no e-mail address: shown in the app only"
        return 0
    with translation.override(language_of(recipient)):
        subject, body = render(notice.kind, notice.params)
        if notice.url:
            body += "\n\n" + settings.KYOSO_PUBLIC_BASE_URL.rstrip("/") + notice.url
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception as error:  # noqa: BLE001 — the mail server's failures are retried later
        notice.last_error = type(error).__name__[:300]
        logger.warning("notice %s not sent (attempt %s): %s", notice.pk, notice.attempts, type(error).__name__)
        return 0
    notice.sent_at, notice.last_error = now, ""
    return 1
