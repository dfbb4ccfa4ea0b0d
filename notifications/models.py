"""Notices as data: a transactional outbox.

A notice is written in the same transaction as the change that causes it, so it exists exactly when
the change does. A job sends pending notices by mail; if the broker or the mail server is down the
notice waits and is sent later. The unique key makes every notice happen once, however often (or
however concurrently) the job that finds it runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    DELIVERABLE_DUE = "deliverable_due", _("Deliverable due soon")
    DELIVERABLE_OVERDUE = "deliverable_overdue", _("Deliverable overdue")
    AGREEMENT_ENDING = "agreement_ending", _("Agreement ending")
    AGREEMENT_EXPIRED = "agreement_expired", _("Agreement expired")
    AGREEMENT_RENEWED = "agreement_renewed", _("Agreement renewed")
    AGREEMENT_DORMANT = "agreement_dormant", _("Agreement dormant")
    REPORT_SUBMITTED = "report_submitted", _("Progress report submitted")
    REPORT_ACCEPTED = "report_accepted", _("Progress report accepted")
    REPORT_RETURNED = "report_returned", _("Progress report returned")
    MEASUREMENT_SUBMITTED = "measurement_submitted", _("Measurement submitted")
    MEASUREMENT_ACCEPTED = "measurement_accepted", _("Measurement accepted")
    MEASUREMENT_RETURNED = "measurement_returned", _("Measurement returned")
    IMPORT_FINISHED = "import_finished", _("Import finished")


class NoticeQuerySet(models.QuerySet):
    def pending(self):
        """Notices not yet mailed."""
        return self.filter(sent_at__isnull=True)

    def immediate(self):
        """Mailed one by one (notifications.send); the others wait for the daily digest."""
        return self.filter(digest=False)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NoticeKind.choices)
    key = models.CharField(
        _("key"),
        max_length=200,
        help_text=_("What makes the notice unique for its recipient, e.g. due-14:12:2025-03-31"),
    )
    subject_type = models.CharField(_("subject type"), max_length=40, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=40, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # mailed in the recipient's daily digest rather than at once (their choice when it was written)
    digest = models.BooleanField(_("in the daily digest"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "key"], name="notice_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["sent_at", "id"], name="notice_pending_idx"),
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient_id}"
