"""The watching Kyoso does for officers and partners: the services behind the nightly jobs.

Each takes ``today`` so tests control the clock. Each is idempotent: a notice's key names the event
(which deliverable, which due date, which threshold), so running a job twice — or on two workers at
once — writes every notice once.
"""

import datetime

from django.conf import settings
from django.db.models import DateTimeField, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from notifications.models import NoticeKind
from notifications.services import notice_create
from partnerships.models import Role
from partnerships.selectors import officers_of, partner_users_of

from . import services
from .choices import AgreementStatus
from .models import Agreement, Deliverable, Measurement, ProgressUpdate, PublicChange
from .review_services import renewals_due


def _deliverable_params(deliverable, **extra):
    agreement = deliverable.initiative.agreement
    return {
        "title": deliverable.title,
        "agreement": agreement.public_id,
        "due_on": deliverable.due_on.isoformat(),
        **extra,
    }


def _agreement_params(agreement, **extra):
    return {
        "agreement": agreement.public_id,
        "title": agreement.title,
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else "",
        **extra,
    }


def deliverable_reminders_send(*, today: datetime.date) -> int:
    """Remind the responsible partner's users N days before a deliverable is due (N in
    KYOSO_REMINDER_DAYS, default 14 and 3). Each deliverable gets the reminder of the nearest threshold
    it has reached: one mail at 14 days, one at 3 — never two at once, and a missed day is caught up."""
    thresholds = sorted(settings.KYOSO_REMINDER_DAYS)
    due = (
        Deliverable.objects.open()
        .filter(
            responsible__isnull=False, due_on__gte=today, due_on__lte=today + datetime.timedelta(days=thresholds[-1])
        )
        .select_related("initiative__agreement")
    )
    created = 0
    for deliverable in due.iterator(chunk_size=500):
        remaining = (deliverable.due_on - today).days
        threshold = next(n for n in thresholds if n >= remaining)
        created += notice_create(
            recipients=partner_users_of(deliverable.responsible_id),
            kind=NoticeKind.DELIVERABLE_DUE,
            key=f"due-{threshold}:{deliverable.pk}:{deliverable.due_on}",
            subject=deliverable,
            url=deliverable.initiative.agreement.get_absolute_url(),
            params=_deliverable_params(deliverable, days=remaining),
        )
    return created


def deliverables_overdue_report(*, today: datetime.date) -> int:
    """Tell the municipality's officers once when a deliverable becomes overdue."""
    created = 0
    late = Deliverable.objects.overdue(today).select_related("initiative__agreement")
    for deliverable in late.iterator(chunk_size=500):
        agreement = deliverable.initiative.agreement
        created += notice_create(
            recipients=officers_of(agreement.municipality_id),
            kind=NoticeKind.DELIVERABLE_OVERDUE,
            key=f"overdue:{deliverable.pk}:{deliverable.due_on}",
            subject=deliverable,
            url=agreement.get_absolute_url(),
            params=_deliverable_params(deliverable),
        )
    return created


def agreements_ending_report(*, today: datetime.date) -> int:
    """Tell officers 90 and 30 days (KYOSO_ENDING_NOTICE_DAYS) before an active agreement ends."""
    created = 0
    for days in sorted(settings.KYOSO_ENDING_NOTICE_DAYS):
        ending = Agreement.objects.filter(
            status=AgreementStatus.ACTIVE, ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=days)
        )
        for agreement in ending.iterator(chunk_size=500):
            created += notice_create(
                recipients=officers_of(agreement.municipality_id),
                kind=NoticeKind.AGREEMENT_ENDING,
                key=f"ending-{days}:{agreement.pk}:{agreement.ends_on}",
                subject=agreement,
                url=agreement.get_absolute_url(),
                params=_agreement_params(agreement, days=(agreement.ends_on - today).days),
            )
    return created


def agreements_expire_due(*, today: datetime.date) -> tuple[int, int]:
    """Active agreements past their end: renewed for their term when they renew automatically,
    otherwise moved to expired. Officers are told either way. Returns (expired, renewed)."""
    expired = renewed = 0
    past = Agreement.objects.filter(status=AgreementStatus.ACTIVE, ends_on__lt=today)
    for agreement in past.iterator(chunk_size=200):
        # The expiry rule is agreement_status_on's (an import infers a row's status with it too); an
        # agreement it keeps in force past its end renews for its term.
        status = services.agreement_status_on(
            signed_on=agreement.signed_on, ends_on=agreement.ends_on, auto_renewal=agreement.auto_renewal, today=today
        )
        if status != AgreementStatus.EXPIRED and agreement.auto_renewal and agreement.renewal_term_months:
            ends_on = agreement.ends_on
            while ends_on < today:
                ends_on = add_months(ends_on, agreement.renewal_term_months)
            services.agreement_renew(agreement=agreement, ends_on=ends_on)
            kind, renewed = NoticeKind.AGREEMENT_RENEWED, renewed + 1
        else:
            services.agreement_expire(agreement=agreement)
            kind, expired = NoticeKind.AGREEMENT_EXPIRED, expired + 1
        notice_create(
            recipients=officers_of(agreement.municipality_id),
            kind=kind,
            key=f"{kind}:{agreement.pk}:{agreement.ends_on}",
            subject=agreement,
            url=agreement.get_absolute_url(),
            params=_agreement_params(agreement),
        )
    return expired, renewed


def renewal_decisions_remind(*, today: datetime.date) -> int:
    """Tell the approvers of each automatic renewal waiting for a decision (``renewals_due``) once per
    term, before its objection deadline: the renewal must not happen without anyone deciding."""
    created = 0
    for agreement in renewals_due(today=today):
        created += notice_create(
            recipients=officers_of(agreement.municipality_id, at_least=Role.APPROVER),
            kind=NoticeKind.AGREEMENT_ENDING,
            key=f"renewal-decision:{agreement.pk}:{agreement.ends_on}",
            subject=agreement,
            url=reverse("workspace:agreement-reviews", kwargs={"public_id": agreement.public_id}),
            params=_agreement_params(agreement, days=(agreement.ends_on - today).days),
        )
    return created


def _latest(model, link: str, field: str) -> Subquery:
    """The latest ``field`` of the ``model`` rows under the outer agreement (``link`` leads to it)."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(last=Max(field))
    return Subquery(rows.values("last"), output_field=DateTimeField())


def _last_activity():
    """The latest change of an agreement or of anything reported under it."""
    latest = (
        _latest(ProgressUpdate, "deliverable__initiative__agreement", "submitted_at"),
        _latest(Measurement, "indicator__agreement", "reported_at"),
        _latest(Deliverable, "initiative__agreement", "updated_at"),
    )
    # Coalesce each to the agreement's own change: SQLite's MAX() of several values is NULL if one is.
    return Greatest(F("updated_at"), *(Coalesce(q, F("updated_at")) for q in latest))


def agreements_dormancy_flag(*, today: datetime.date) -> int:
    """Flag active agreements with no progress report, measurement or change for KYOSO_DORMANT_MONTHS
    (default 6) and tell their officers; clear the flag of those active again. Returns how many were
    newly flagged."""
    limit = add_months(today, -settings.KYOSO_DORMANT_MONTHS)
    active = Agreement.objects.filter(status=AgreementStatus.ACTIVE).annotate(last_activity=_last_activity())
    flagged = 0
    for agreement in active.iterator(chunk_size=500):
        last = timezone.localdate(agreement.last_activity)  # the day in Japan, not in UTC
        if last < limit:
            if agreement.dormant_since is None:
                # update(): a flag is not activity, so updated_at (auto_now) must not move
                Agreement.objects.filter(pk=agreement.pk).update(dormant_since=last)
                flagged += 1
            notice_create(
                recipients=officers_of(agreement.municipality_id, at_least=Role.VIEWER),
                kind=NoticeKind.AGREEMENT_DORMANT,
                key=f"dormant:{agreement.pk}:{last}",
                subject=agreement,
                url=agreement.get_absolute_url(),
                params=_agreement_params(agreement, since=last.isoformat()),
            )
        elif agreement.dormant_since is not None:
            Agreement.objects.filter(pk=agreement.pk).update(dormant_since=None)
    return flagged


def public_changes_prune(*, today: datetime.date) -> int:
    """Delete processed public changes older than KYOSO_PUBLIC_CHANGES_RETENTION_DAYS (default 400: the
    changes feed promises a year). Pending ones stay whatever their age. Returns how many went."""
    first_kept = today - datetime.timedelta(days=settings.KYOSO_PUBLIC_CHANGES_RETENTION_DAYS)
    limit = timezone.make_aware(datetime.datetime.combine(first_kept, datetime.time()))
    deleted, _by_model = PublicChange.objects.filter(processed_at__isnull=False, created_at__lt=limit).delete()
    return deleted
