"""Sending notices: the work of the ``notifications.send`` task and of the periodic job (one mail per
notice), and of the daily digest (``notifications.digest``: one mail a day with the day's notices)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
                .immediate()
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
    def compose():
        subject, body = render(notice.kind, notice.params)
        if notice.url:
            body += "\n\n" + settings.KYOSO_PUBLIC_BASE_URL.rstrip("/") + notice.url
        return subject, body

    return _mail([notice], compose, now)


def _mail(notices: list[Notice], compose, now) -> int:
    """Mail ``compose()`` (subject, body — composed in the recipient's language) to the recipient of
    ``notices`` and mark them sent, or note the failure for a later attempt. Returns the mails sent."""
    recipient = notices[0].recipient
    for notice in notices:
        notice.attempts += 1
    if not recipient.email:
        for notice in notices:
            notice.sent_at, notice.last_error = now, "no e-mail address: shown in the app only"
        return 0
    with translation.override(language_of(recipient)):
        subject, body = compose()
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception as error:  # noqa: BLE001 — the mail server's failures are retried later
        for notice in notices:
            notice.last_error = type(error).__name__[:300]
        logger.warning(
            "notices %s not sent (attempt %s): %s",
            ",".join(str(n.pk) for n in notices[:10]),
            notices[0].attempts,
            type(error).__name__,
        )
        return 0
    for notice in notices:
        notice.sent_at, notice.last_error = now, ""
    return 1


def notices_send_digests(*, now=None) -> int:
    """The daily digest: one mail per recipient with every notice waiting for it (oldest first), each
    subject with its link; the notices are marked sent in the same transaction. Rows are locked (SKIP
    LOCKED) so that two workers never mail the same notice. Returns the number of mails sent."""
    now = now or timezone.now()
    mails = 0
    recipients = (
        Notice.objects.pending().filter(digest=True, attempts__lt=MAX_ATTEMPTS).values_list("recipient_id", flat=True)
    )
    for recipient_id in sorted(set(recipients)):
        with transaction.atomic():
            notices = list(
                Notice.objects.pending()
                .filter(digest=True, recipient_id=recipient_id, attempts__lt=MAX_ATTEMPTS)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient__profile")
                .order_by("id")
            )
            if notices:
                mails += _send_digest(notices, now)
                Notice.objects.bulk_update(notices, ["sent_at", "attempts", "last_error"])
    return mails


def _send_digest(notices: list[Notice], now) -> int:
    def compose():
        base = settings.KYOSO_PUBLIC_BASE_URL.rstrip("/")
        lines = []
        for notice in notices:
            subject, _body = render(notice.kind, notice.params)
            lines.append(f"・{subject}" + (f"\n  {base}{notice.url}" if notice.url else ""))
        subject = ngettext(
            "[Kyoso] %(count)d notice of the day", "[Kyoso] %(count)d notices of the day", len(notices)
        ) % {"count": len(notices)}
        body = (
            "\n".join(lines)
            + "\n\n"
            + _("All your notices: %(url)s\nTo get one mail per notice instead, change it on that page.")
            % {"url": base + reverse("notifications:notices")}
        )
        return subject, body

    return _mail(notices, compose, now)
