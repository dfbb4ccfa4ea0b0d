"""What the public sees, as data: the public-change outbox, the publication version, and each
agreement's maintained summary for the national statistics (``agreements/publicity.py`` writes the
first two; the outbox task the third)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicChangeKind(models.TextChoices):
    CHANGED = "changed", _("Changed")
    # the agreement, or a published record of it, left the public view (unpublished or deleted)
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PublicChangeQuerySet(models.QuerySet):
    def pending(self):
        """Changes whose release and summary are not built yet."""
        return self.filter(processed_at__isnull=True)


class PublicChange(models.Model):
    """ "This agreement's public state changed": written in the same transaction as the change, so it
    exists exactly when the change does; a task builds the OCDS release and the statistics summary.

    No foreign key: the row outlives its agreement (a withdrawal is news to open-data users), so it
    keeps the agreement's id and public id as plain values. Kept at least a year (the daily job prunes
    processed rows older than KYOSO_PUBLIC_CHANGES_RETENTION_DAYS)."""

    agreement_id = models.BigIntegerField(_("agreement id"))
    public_id = models.CharField(_("public id"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=PublicChangeKind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = PublicChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("public change")
        verbose_name_plural = _("public changes")
        ordering = ["id"]
        indexes = [
            # the task's "pending, oldest first"; a partial index stays as small as the backlog
            models.Index(
                fields=["id"], condition=models.Q(processed_at__isnull=True), name="public_change_pending_idx"
            ),
            models.Index(fields=["created_at"], name="public_change_created_idx"),  # the changes feed, the prune
            models.Index(fields=["agreement_id"], name="public_change_agreement_idx"),
        ]

    def __str__(self):
        return f"{self.public_id} {self.kind}"


class PublicationVersion(models.Model):
    """One row: a number that grows in the same transaction as every change to public data, so a cache
    of public responses keyed on it can never serve a state older than the last commit."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("publication version")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="publication_version_single_row")]

    def __str__(self):
        return str(self.version)


class AgreementSummary(models.Model):
    """An agreement's KPI verdicts (each KPI judged on its latest accepted value), kept up to date by the
    outbox task, so that the national statistics add up rows instead of judging 250,000 KPIs."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stats_summary",
        verbose_name=_("agreement"),
    )
    indicators = models.PositiveIntegerField(default=0)
    met_target = models.PositiveIntegerField(default=0)
    improved = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    worsened = models.PositiveIntegerField(default=0)
    not_measured = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreement summary")
        verbose_name_plural = _("agreement summaries")

    def __str__(self):
        return str(self.agreement_id)
