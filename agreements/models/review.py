"""The yearly review of an agreement: both sides grade the collaboration, and the city decides whether
to renew it (issue 16 §3). Members only: nothing here is public."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organization

from ..choices import EvaluationAspect, EvaluationSide, Grade, RenewalOutcome
from .agreement import Agreement
from .common import FIRST_YEAR, LAST_YEAR, PLAUSIBLE


class AnnualEvaluation(models.Model):
    """One side's evaluation of an agreement for a fiscal year (April–March): the municipality's, or a
    partner organization's. Its grades are ``EvaluationGrade`` rows, one per aspect."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("agreement")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    side = models.CharField(_("side"), max_length=10, choices=EvaluationSide.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("organization"),
        help_text=_("The partner organization that evaluates; empty for the municipality's side."),
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("yearly evaluation")
        verbose_name_plural = _("yearly evaluations")
        ordering = ["agreement", "-fiscal_year", "side", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FIRST_YEAR, fiscal_year__lte=LAST_YEAR),
                name="evaluation_fiscal_year_plausible",
            ),
            models.CheckConstraint(condition=Q(side__in=EvaluationSide.values), name="evaluation_side_valid"),
            # the partner side names its organization; the municipality's side names none
            models.CheckConstraint(
                condition=Q(side=EvaluationSide.CITY, organization__isnull=True)
                | Q(side=EvaluationSide.PARTNER, organization__isnull=False),
                name="evaluation_organization_of_partner_side",
            ),
            models.UniqueConstraint(
                fields=["agreement", "fiscal_year"],
                condition=Q(side=EvaluationSide.CITY),
                name="evaluation_one_city_side_per_year",
            ),
            models.UniqueConstraint(
                fields=["agreement", "fiscal_year", "organization"],
                condition=Q(side=EvaluationSide.PARTNER),
                name="evaluation_one_per_partner_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id} FY{self.fiscal_year} {self.get_side_display()}"


class EvaluationGrade(models.Model):
    """The grade (A–D) one side gave one aspect, with its comment."""

    evaluation = models.ForeignKey(
        AnnualEvaluation, on_delete=models.CASCADE, related_name="grades", verbose_name=_("yearly evaluation")
    )
    aspect = models.CharField(_("aspect"), max_length=20, choices=EvaluationAspect.choices)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "aspect"], name="evaluation_grade_one_per_aspect"),
            models.CheckConstraint(condition=Q(aspect__in=EvaluationAspect.values), name="evaluation_aspect_valid"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="evaluation_grade_valid"),
        ]

    def __str__(self):
        return f"{self.get_aspect_display()}: {self.grade}"

    @property
    def step(self) -> int:
        """A = 1 … D = 4: differences between the sides are counted in steps."""
        return Grade.values.index(self.grade) + 1


class RenewalDecision(models.Model):
    """The city's decision, for one term of an agreement (the end date it decides about), to renew it,
    renew it with changes, or end it — recorded before the objection deadline of an automatic renewal."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="renewal_decisions", verbose_name=_("agreement")
    )
    term_ends_on = models.DateField(
        _("end of the term decided on"),
        validators=PLAUSIBLE,
        help_text=_("The end date of the agreement when the decision was made: one decision per term."),
    )
    decided_on = models.DateField(_("decided on"), validators=PLAUSIBLE)
    outcome = models.CharField(_("decision"), max_length=20, choices=RenewalOutcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("renewal decision")
        verbose_name_plural = _("renewal decisions")
        ordering = ["agreement", "-term_ends_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "term_ends_on"],
                name="renewal_decision_one_per_term",
                violation_error_message=_("The renewal of this term has already been decided."),
            ),
            models.CheckConstraint(condition=Q(outcome__in=RenewalOutcome.values), name="renewal_outcome_valid"),
        ]

    def __str__(self):
        return f"{self.agreement_id} {self.term_ends_on}: {self.get_outcome_display()}"
