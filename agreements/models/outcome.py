"""Whether the service improved: outcome indicators (KPI, 成果指標) and their measurements."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnerships.models import Organization

from ..choices import Direction, Frequency, MeasuredBy, ReviewStatus
from ..querysets import MeasurementQuerySet
from .agreement import Agreement
from .common import PLAUSIBLE, check_dates_in_order, dates_in_order, raise_if
from .initiative import Initiative, ParentMunicipality, municipality_field, with_parent_municipality

VALUE = {"max_digits": 18, "decimal_places": 4}


class OutcomeIndicator(models.Model):
    """A measurable service outcome with its baseline and target."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("agreement")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("initiative"),
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Short id within the agreement, e.g. KPI-1."))
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("e.g. 日, %, 件, 点"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("baseline value"), **VALUE)
    baseline_period_start = models.DateField(_("baseline period from"), validators=PLAUSIBLE)
    baseline_period_end = models.DateField(_("baseline period to"), validators=PLAUSIBLE)
    target_value = models.DecimalField(_("target value"), **VALUE)
    target_on = models.DateField(_("target date"), validators=PLAUSIBLE)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    method = models.TextField(_("method"), blank=True)
    frequency = models.CharField(
        _("reporting frequency"), max_length=20, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    reporter = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_indicators",
        verbose_name=_("reporting partner"),
        help_text=_("The partner that reports measurements of this indicator (empty: the municipality)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome indicator")
        verbose_name_plural = _("outcome indicators")
        ordering = ["agreement", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "code"], name="indicator_unique_code"),
            dates_in_order("baseline_period_start", "baseline_period_end", "indicator_baseline_period_order"),
            models.CheckConstraint(
                condition=(Q(direction=Direction.HIGHER) & Q(target_value__gt=F("baseline_value")))
                | (Q(direction=Direction.LOWER) & Q(target_value__lt=F("baseline_value"))),
                name="indicator_target_improves_on_baseline",
                violation_error_message=_("The target must improve on the baseline in the indicator's direction."),
            ),
        ]
        indexes = [models.Index(fields=["reporter"], name="indicator_reporter_idx")]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors = check_dates_in_order(
            self, "baseline_period_start", "baseline_period_end", _("The baseline period ends before it starts.")
        )
        if self.baseline_value is not None and self.target_value is not None:
            if self.direction == Direction.HIGHER and not self.target_value > self.baseline_value:
                errors["target_value"] = _("Higher is better: the target must be above the baseline.")
            if self.direction == Direction.LOWER and not self.target_value < self.baseline_value:
                errors["target_value"] = _("Lower is better: the target must be below the baseline.")
        if self.initiative_id and self.agreement_id and self.initiative.agreement_id != self.agreement_id:
            errors["initiative"] = _("This initiative belongs to another agreement.")
        if (
            self.reporter_id
            and self.agreement_id
            and not self.agreement.parties.filter(organization_id=self.reporter_id).exists()
        ):
            errors["reporter"] = _("The reporting partner must be a party to the agreement.")
        raise_if(errors)

    def attainment(self, value: Decimal) -> Decimal:
        """(value − baseline) / (target − baseline): 0 at the baseline, 1 at the target."""
        return (Decimal(value) - self.baseline_value) / (self.target_value - self.baseline_value)


class Measurement(ParentMunicipality, models.Model):
    """The value of an indicator for one period. One value per indicator and period."""

    indicator = models.ForeignKey(
        OutcomeIndicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    period_start = models.DateField(_("period from"), validators=PLAUSIBLE)
    period_end = models.DateField(_("period to"), validators=PLAUSIBLE)
    value = models.DecimalField(_("value"), **VALUE)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    method = models.TextField(_("method"), blank=True)
    measured_by = models.CharField(_("measured by"), max_length=20, choices=MeasuredBy.choices)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Checked by the municipality or an independent party.")
    )
    note = models.TextField(_("note"), blank=True)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ACCEPTED
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    municipality = municipality_field(db_index=False)  # read only through the partial index below

    history = HistoricalRecords(excluded_fields=["municipality"])
    objects = with_parent_municipality(MeasurementQuerySet).as_manager()
    parent = "indicator"

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"],
                name="measurement_one_per_period",
                violation_error_message=_("This indicator already has a value for this period."),
            ),
            dates_in_order("period_start", "period_end", "measurement_period_order"),
            models.CheckConstraint(
                condition=~Q(review_status=ReviewStatus.RETURNED) | ~Q(review_comment=""),
                name="measurement_returned_has_comment",
                violation_error_message=_("Say why the measurement is returned."),
            ),
        ]
        indexes = [
            models.Index(fields=["review_status", "reported_at"], name="measurement_review_idx"),
            # the dashboard's pending values of one city, oldest first. Not (indicator, reported_at, id):
            # with that index the capped count took a 260 ms plan over the country's pending values.
            models.Index(
                fields=["municipality", "reported_at", "id"],
                condition=Q(review_status=ReviewStatus.PENDING),
                name="measurement_city_pending_idx",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_start}–{self.period_end}: {self.value}"

    def clean(self):
        errors = check_dates_in_order(self, "period_start", "period_end", _("The period ends before it starts."))
        if self.review_status == ReviewStatus.RETURNED and not self.review_comment.strip():
            errors["review_comment"] = _("Say why the measurement is returned.")
        raise_if(errors)

    @property
    def attainment(self) -> Decimal:
        return self.indicator.attainment(self.value)
