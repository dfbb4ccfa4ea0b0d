"""Writing notices (in the caller's transaction) and sending them (a job)."""

import logging

from django.utils import timezone

from accounts.models import NoticeDelivery, Profile
from core.transactions import on_commit_once
from partnerships.models import Membership

from .models import Notice
from .tasks import notices_send

logger = logging.getLogger(__name__)


def deliveries_of(users) -> dict[int, str]:
    """{user id: how their notices are mailed}: their own choice, else the default of their role — a
    daily digest for a partner's staff (a report request per deliverable would otherwise be many mails),
    one mail per notice for officers (a report waiting for review is work to do today). Two queries
    however many users."""
    ids = [user.pk for user in users]
    chosen = dict(
        Profile.objects.filter(user_id__in=ids).exclude(notice_delivery="").values_list("user_id", "notice_delivery")
    )
    officers, partners = set(), set()
    for user_id, municipality_id in Membership.objects.filter(user_id__in=ids).values_list(
        "user_id", "municipality_id"
    ):
        (officers if municipality_id else partners).add(user_id)
    default = {
        pk: NoticeDelivery.DAILY if pk in partners and pk not in officers else NoticeDelivery.IMMEDIATE for pk in ids
    }
    return default | chosen


def delivery_of(user) -> str:
    """How one user's notices are mailed (``deliveries_of``)."""
    return deliveries_of([user])[user.pk]


def notice_delivery_set(*, user, delivery: str) -> None:
    """The user's choice ("" = their role's default); notices already written keep theirs."""
    Profile.objects.update_or_create(user=user, defaults={"notice_delivery": delivery})


def notice_create(*, recipients, kind: str, key: str, subject=None, url: str = "", params: dict | None = None) -> int:
    """Write one notice per recipient, unless that recipient already has this notice (same kind and
    key). Runs inside the caller's transaction; sending is scheduled for after the commit."""
    created = 0
    recipients = list(recipients)
    deliveries = deliveries_of(recipients)
    for user in recipients:
        _notice, made = Notice.objects.get_or_create(
            recipient=user,
            kind=kind,
            key=key,
            defaults={
                "digest": deliveries[user.pk] == NoticeDelivery.DAILY,
                "subject_type": subject._meta.model_name if subject is not None else "",
                "subject_id": str(subject.pk) if subject is not None else "",
                "url": url,
                "params": params or {},
            },
        )
        created += made
    # One sending task per transaction, however many notices it wrote (a rollback drops it with them).
    if created:
        on_commit_once(enqueue_sending)
    return created


def enqueue_sending() -> None:
    """Ask a worker to send now. If the broker is down, the periodic job sends them later."""
    try:
        notices_send.delay()
    except Exception as error:  # noqa: BLE001 — a broker outage must never fail the user's change
        logger.warning("could not enqueue notice sending (%s); the periodic job will send them", type(error).__name__)


def notice_mark_read(*, user, notice_ids=None) -> int:
    """Mark the user's notices (all, or these) as read."""
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(read_at=timezone.now())
