"""What is delivered: initiatives (連携事業), their deliverables, and partners' progress reports."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import Municipality, Organization

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


def municipality_field(**kwargs):
    """The municipality of the record's agreement, stored on the record (derived: ``save()`` sets it from
    the parent) so that the officer's dashboard reads one city's rows from an index of their own instead
    of joining every row of the country through agreements."""
    return models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        editable=False,
        blank=True,  # full_clean runs before save() fills it in
        related_name="+",
        verbose_name=_("municipality"),
        **kwargs,
    )


def with_parent_municipality(queryset_class):
    """``queryset_class`` whose ``bulk_create`` fills the derived ``municipality`` (it calls no ``save()``):
    one query for the parents of the objects that lack it."""

    class FillsMunicipality(queryset_class):
        def bulk_create(self, objs, *args, **kwargs):
            objs = list(objs)
            parent = self.model._meta.get_field(self.model.parent)
            lacking = [obj for obj in objs if obj.municipality_id is None]
            parents = {getattr(obj, parent.attname) for obj in lacking}
            found = dict(
                parent.related_model.objects.filter(pk__in=parents).values_list("pk", "agreement__municipality_id")
            )
            for obj in lacking:
                obj.municipality_id = found.get(getattr(obj, parent.attname))
            return super().bulk_create(objs, *args, **kwargs)

    FillsMunicipality.__name__ = FillsMunicipality.__qualname__ = queryset_class.__name__
    return FillsMunicipality


class ParentMunicipality:
    """Keeps a derived ``municipality`` equal to the municipality of ``parent``'s agreement.

    From the objects already loaded when the caller has them (services select them); otherwise one
    query, and none when an existing row keeps the parent it was read with."""

    parent: str  # the foreign key whose agreement gives the municipality

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._parent_id_read = instance.__dict__.get(f"{cls.parent}_id")
        return instance

    def save(self, *args, **kwargs):
        field = self._meta.get_field(self.parent)
        parent_id = getattr(self, field.attname)
        stored = self.__dict__.get("municipality_id")  # not a deferred load of it
        unchanged = not self._state.adding and stored and parent_id == getattr(self, "_parent_id_read", 0)
        if not unchanged:
            self.municipality_id = self._parent_municipality_id(field, parent_id)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "municipality" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "municipality"]
        super().save(*args, **kwargs)
        self._parent_id_read = parent_id

    def _parent_municipality_id(self, field, parent_id):
        if field.is_cached(self):
            parent = getattr(self, self.parent)
            if type(parent).agreement.is_cached(parent):
                return parent.agreement.municipality_id
            return Agreement.objects.filter(pk=parent.agreement_id).values_list("municipality_id", flat=True).get()
        parents = field.related_model.objects.filter(pk=parent_id)
        return parents.values_list("agreement__municipality_id", flat=True).get()


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


class Deliverable(ParentMunicipality, models.Model):
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
    # the city's deliverables (the review queue's subquery) by this column's own index
    municipality = municipality_field()

    history = HistoricalRecords(excluded_fields=["municipality"])
    objects = with_parent_municipality(DeliverableQuerySet).as_manager()
    parent = "initiative"

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
            # the dashboard's overdue and due-soon sections: a city's open deliverables by due date
            models.Index(
                fields=["municipality", "due_on", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="deliverable_city_open_due_idx",
            ),
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
