"""What is delivered: initiatives (連携事業), their deliverables, and partners' progress reports."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import Organization

from ..choices import DeliverableStatus, InitiativeStatus, ReviewStatus
from ..querysets import DeliverableQuerySet, InitiativeQuerySet, ProgressUpdateQuerySet
from .agreement import DOCUMENT_EXTENSIONS, Agreement, CooperationField
from .common import (
    PLAUSIBLE,
    check_dates_in_order,
    dates_in_order,
    municipal_cost_field,
    raise_if,
    validate_upload_size,
    zero_budget_field,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]
OPEN_STATUSES = (DeliverableStatus.SCHEDULED, DeliverableStatus.IN_PROGRESS)


class Initiative(models.Model):
    """A concrete project under an agreement, usually zero-budget for the municipality."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("agreement")
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    field = models.ForeignKey(
        CooperationField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("cooperation field"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.PLANNED
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True, validators=PLAUSIBLE)
    ends_on = models.DateField(_("ends on"), null=True, blank=True, validators=PLAUSIBLE)
    municipal_cost_jpy = municipal_cost_field()
    zero_budget = zero_budget_field()
    in_kind_value_jpy = models.PositiveBigIntegerField(_("in-kind value (yen)"), null=True, blank=True)
    journey_before = models.TextField(
        _("service journey before"),
        blank=True,
        help_text=_("How a resident got the service before: from application to delivery."),
    )
    journey_after = models.TextField(
        _("service journey after"),
        blank=True,
        help_text=_("How a resident gets the service with this initiative."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = InitiativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["agreement", "id"]
        constraints = [dates_in_order("starts_on", "ends_on", "initiative_starts_before_ends")]
        indexes = [models.Index(fields=["agreement", "status"], name="initiative_agr_status_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        raise_if(
            check_dates_in_order(self, "starts_on", "ends_on", _("The end date must not be before the start date."))
        )

    @property
    def progress(self) -> float | None:
        """Weighted mean progress of the deliverables (prefer ``with_progress()`` on lists)."""
        if hasattr(self, "progress_weighted"):
            return self.progress_weighted
        return Initiative.objects.with_progress().get(pk=self.pk).progress_weighted


class Deliverable(models.Model):
    """Something a partner has promised to deliver by a date."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="deliverables", verbose_name=_("initiative")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("responsible party"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, validators=PLAUSIBLE)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.SCHEDULED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    met_on = models.DateField(_("met on"), null=True, blank=True, validators=PLAUSIBLE)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("How much this deliverable counts in the initiative's progress."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = DeliverableQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["initiative", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="deliverable_progress_0_100"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="deliverable_weight_positive"),
            models.CheckConstraint(
                condition=~Q(status=DeliverableStatus.MET) | Q(met_on__isnull=False),
                name="deliverable_met_has_date",
                violation_error_message=_("A met deliverable needs the date it was met."),
            ),
        ]
        indexes = [
            models.Index(fields=["responsible", "due_on"], name="deliverable_resp_due_idx"),
            models.Index(fields=["status", "due_on"], name="deliverable_status_due_idx"),
        ]

    def __str__(self):
        return self.title

    def is_late(self, today=None) -> bool:
        """Still open after its due date."""
        today = today or timezone.localdate()
        return self.status in OPEN_STATUSES and self.due_on is not None and self.due_on < today

    def clean(self):
        errors = {}
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = _("Progress is a percentage from 0 to 100.")
        if self.status == DeliverableStatus.MET and not self.met_on:
            errors["met_on"] = _("Give the date the deliverable was met.")
        if self.responsible_id and self.initiative_id:
            agreement = self.initiative.agreement
            if not agreement.parties.filter(organization_id=self.responsible_id).exists():
                errors["responsible"] = _("The responsible organization must be a party to the agreement.")
        raise_if(errors)


class ProgressUpdate(models.Model):
    """A partner's report on a deliverable; once accepted it becomes the deliverable's state."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("deliverable")
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), validators=PERCENT)
    status = models.CharField(_("status"), max_length=20, choices=DeliverableStatus.choices)
    met_on = models.DateField(_("met on"), null=True, blank=True, validators=PLAUSIBLE)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence"),
        upload_to="evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), validate_upload_size],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="progress_update_0_100"),
            models.CheckConstraint(
                condition=~Q(review_status=ReviewStatus.RETURNED) | ~Q(review_comment=""),
                name="progress_update_returned_has_comment",
                violation_error_message=_("Say why the report is returned."),
            ),
            # A double submit, or a second report before the first is reviewed, is refused with this
            # message by full_clean (on every path) and by the database (concurrent submits).
            models.UniqueConstraint(
                fields=["deliverable"],
                condition=Q(review_status=ReviewStatus.PENDING),
                name="progress_update_one_pending",
                violation_error_message=_(
                    "A report on this deliverable is already waiting for review; the municipality accepts or "
                    "returns it before another can be sent."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["review_status", "submitted_at"], name="progress_update_review_idx"),
        ]

    def __str__(self):
        return f"{self.deliverable} — {self.progress}%"

    def clean(self):
        errors = {}
        if self.progress is not None and not 0 <= self.progress <= 100:
            errors["progress"] = _("Progress is a percentage from 0 to 100.")
        if self.status == DeliverableStatus.MET and not self.met_on:
            errors["met_on"] = _("Give the date the deliverable was met.")
        if self.review_status == ReviewStatus.RETURNED and not self.review_comment.strip():
            errors["review_comment"] = _("Say why the report is returned.")
        raise_if(errors)
