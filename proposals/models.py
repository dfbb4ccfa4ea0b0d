"""A municipality's private-sector proposal scheme (民間提案制度, docs/proposals.md).

A department publishes a theme (テーマ型) or a company proposes freely (フリー型); the intake routes a
proposal to departments, officers score it against published criteria, each blind to the others until
they submit their own, and an approver decides (採択 / 不採択 / 継続協議) with reasons. The decision is
public; the content of a proposal only when it was adopted, is not confidential and its proposer agreed.

Every rule of ``clean()`` is mirrored by a named database constraint where the database can hold it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models.common import PLAUSIBLE
from partnerships.models import Department, Municipality, Organization

MIN_SCORE, MAX_SCORE = 1, 5


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    DECIDED = "decided", _("Decided")


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")
    CONTINUE = "continue", _("Further consultation")


class ThemeQuerySet(models.QuerySet):
    def published(self):
        """Themes the public sees (open and closed)."""
        return self.filter(published=True)

    def open_on(self, day):
        """Themes taking proposals on ``day``: opened, and not closed before it."""
        return self.filter(Q(opens_on__lte=day), Q(closes_on__isnull=True) | Q(closes_on__gte=day))


class Theme(models.Model):
    """A problem a department wants help with (テーマ型), published with its open and close dates."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="themes", verbose_name=_("municipality")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="themes",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    background = models.TextField(_("background"))
    wanted = models.TextField(_("what is wanted"))
    constraints = models.TextField(_("constraints"), blank=True)
    contact = models.CharField(_("contact department"), max_length=200, blank=True)
    opens_on = models.DateField(_("opens on"), validators=PLAUSIBLE)
    closes_on = models.DateField(_("closes on"), null=True, blank=True, validators=PLAUSIBLE)
    reviewed_on = models.DateField(
        _("theme list reviewed on"),
        null=True,
        blank=True,
        validators=PLAUSIBLE,
        help_text=_("The date the municipality last reviewed its list of themes."),
    )
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ThemeQuerySet.as_manager()

    RELATED_CHOICE_MESSAGES = {"department": _("Choose a department of this municipality.")}

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["-opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")), name="theme_closes_after_opening"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="theme_title_required"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("A theme cannot close before it opens.")
        if self.department_id and self.municipality_id and self.department.municipality_id != self.municipality_id:
            errors["department"] = self.RELATED_CHOICE_MESSAGES["department"]
        if errors:
            raise ValidationError(errors)

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class Proposal(models.Model):
    """A one-page proposal by an organization, against a theme or free (フリー型, ``theme`` empty)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("municipality")
    )
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("theme"),
        help_text=_("Empty for a free proposal."),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("proposer")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    offer = models.TextField(_("what the proposer offers"))
    city_must_provide = models.TextField(_("what the municipality must provide"), blank=True)
    expected_outcome = models.TextField(_("expected outcome"))
    measurement = models.TextField(_("how the outcome is measured"), blank=True)
    cost_to_city_jpy = models.PositiveBigIntegerField(
        _("cost to the municipality (yen)"),
        null=True,
        blank=True,
        help_text=_("Empty when not known; 0 only when stated."),
    )
    no_new_cost = models.BooleanField(_("no new cost to the municipality"), default=False)
    period = models.CharField(_("period"), max_length=200, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("The idea itself is confidential or proprietary: its content is never published."),
    )
    publish_consent = models.BooleanField(
        _("may be published when adopted"),
        default=False,
        help_text=_("The proposer agrees that the content is published if the proposal is adopted."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("agreement"),
        help_text=_("The agreement an adopted proposal became (proposal_adopt_to_agreement)."),
    )

    RELATED_CHOICE_MESSAGES = {"theme": _("Choose a published theme of this municipality.")}

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(no_new_cost=False) | Q(cost_to_city_jpy__isnull=True) | Q(cost_to_city_jpy=0),
                name="proposal_no_new_cost_means_no_cost",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_required"),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values), name="proposal_status_known"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.no_new_cost and self.cost_to_city_jpy:
            errors["cost_to_city_jpy"] = _("A proposal with no new cost to the municipality cannot state a cost.")
        if self.theme_id and self.municipality_id and self.theme.municipality_id != self.municipality_id:
            errors["theme"] = self.RELATED_CHOICE_MESSAGES["theme"]
        if errors:
            raise ValidationError(errors)

    def content_public(self, decision=None) -> bool:
        """Whether the content (problem, offer, …) may be published: adopted, not confidential, and the
        proposer agreed. The one publication rule of a proposal's content."""
        decision = decision if decision is not None else getattr(self, "decision", None)
        return (
            decision is not None
            and decision.outcome == DecisionOutcome.ADOPTED
            and self.publish_consent
            and not self.confidential
        )


class Criterion(models.Model):
    """A published review criterion with its weight: of a theme, or of the municipality's scheme
    (``theme`` empty: for free proposals and themes without criteria of their own)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="proposal_criteria", verbose_name=_("municipality")
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria", verbose_name=_("theme")
    )
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(
                fields=["theme", "name"], condition=Q(theme__isnull=False), name="criterion_unique_theme_name"
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"],
                condition=Q(theme__isnull=True),
                name="criterion_unique_scheme_name",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.weight is not None and self.weight <= 0:
            raise ValidationError({"weight": _("A weight is greater than zero.")})
        if self.theme_id and self.municipality_id and self.theme.municipality_id != self.municipality_id:
            raise ValidationError({"theme": _("Choose a theme of this municipality.")})


class Score(models.Model):
    """One reviewer's score (1–5) of a proposal on one criterion; locked once submitted."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores", verbose_name=_("proposal"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("review criterion")
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(MIN_SCORE), MaxValueValidator(MAX_SCORE)]
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted = models.BooleanField(_("submitted"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__order", "criterion_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer", "criterion"], name="score_unique_per_reviewer"),
            models.CheckConstraint(condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE), name="score_in_range"),
            models.CheckConstraint(
                condition=Q(submitted=False) | Q(submitted_at__isnull=False), name="score_submitted_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.proposal} — {self.criterion}: {self.score}"


class Decision(models.Model):
    """The decision on a proposal (採択 / 不採択 / 継続協議) with its reasons: public, rejections included."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="decision", verbose_name=_("proposal")
    )
    outcome = models.CharField(_("decision"), max_length=10, choices=DecisionOutcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_reasons_required"),
            models.CheckConstraint(condition=Q(outcome__in=DecisionOutcome.values), name="decision_outcome_known"),
        ]

    def __str__(self):
        return f"{self.proposal} — {self.get_outcome_display()}"


class ProposalRouting(models.Model):
    """The intake sent a proposal to a department of its municipality."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="routings", verbose_name=_("proposal")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="proposal_routings", verbose_name=_("department")
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("routed by"),
    )
    routed_at = models.DateTimeField(_("routed at"), default=timezone.now)

    class Meta:
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "department"], name="routing_unique_department"),
        ]

    def __str__(self):
        return f"{self.proposal} → {self.department}"

    def clean(self):
        if self.department_id and self.proposal_id and self.department.municipality_id != self.proposal.municipality_id:
            raise ValidationError({"department": _("Choose a department of this municipality.")})


class Consultation(models.Model):
    """Notes of a meeting with the proposer (事前相談), before or after submission: members only."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("proposal")
    )
    met_on = models.DateField(_("met on"), validators=PLAUSIBLE)
    notes = models.TextField(_("notes"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-met_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(notes=""), name="consultation_notes_required")]

    def __str__(self):
        return f"{self.proposal} — {self.met_on}"
