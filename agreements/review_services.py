"""The yearly review of an agreement (issue 16 §3): the two-sided evaluation, its differences, and the
renewal decision the city records before an automatic renewal's objection deadline.

Writes are keyword-only, atomic and role-checked like ``agreements.services``: the municipality's
side is graded by its editors, a partner's side by an editor of that party organization, and the
renewal is decided by approvers. A refused write changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import fiscal_year_of  # noqa: F401 — also read as reviews.fiscal_year_of by the pages
from partnerships.access import require_officer
from partnerships.models import Role

from .choices import AgreementStatus, EvaluationAspect, EvaluationSide, Grade, RenewalOutcome
from .models import Agreement, AnnualEvaluation, EvaluationGrade, RenewalDecision
from .publicity import record_public_changes
from .services import require_partner_editor

# The sides' grades of an aspect are shown as a difference to discuss when they are this many steps apart.
DIFFERENCE_STEPS = 2
# How many days before an objection deadline an automatic renewal is listed as waiting for a decision.
RENEWAL_DECISION_DAYS = getattr(settings, "KYOSO_RENEWAL_DECISION_DAYS", 60)
# The statuses an agreement is evaluated in: it was signed.
EVALUATED_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED)


def objection_deadline(agreement) -> datetime.date | None:
    """The last day either side may object to the automatic renewal: the end date less the notice
    period of the renewal clause (none given: the end date itself). None unless it renews automatically."""
    if not agreement.auto_renewal or agreement.ends_on is None:
        return None
    return agreement.ends_on - datetime.timedelta(days=agreement.renewal_notice_days or 0)


# --- the evaluation ------------------------------------------------------------------------------


def _check_fiscal_year(agreement, fiscal_year: int, today: datetime.date) -> None:
    start = agreement.starts_on or agreement.signed_on
    if (start is not None and fiscal_year < fiscal_year_of(start)) or fiscal_year > fiscal_year_of(today):
        raise ValidationError(
            {"fiscal_year": _("Evaluate a fiscal year of the agreement, from its start to the current one.")}
        )


def _check_grades(grades: dict) -> None:
    errors = {}
    for aspect in EvaluationAspect:
        grade, _comment = grades.get(aspect.value, (None, ""))
        if grade not in Grade.values:
            errors[f"grade_{aspect.value}"] = _("Choose a grade from A to D.")
    unknown = set(grades) - set(EvaluationAspect.values)
    if unknown:
        errors["grades"] = _("Unknown aspect: %(aspects)s.") % {"aspects": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def evaluation_submit(
    *, agreement, fiscal_year: int, side: str, by, grades: dict, organization=None, comment: str = "", today=None
) -> AnnualEvaluation:
    """One side's evaluation of a fiscal year: ``grades`` {aspect: (grade, comment)} for every aspect.

    The municipality's side: an editor of the agreement's municipality (``organization`` None). A
    partner's side: an editor of ``organization``, a party to the agreement. Submitting again replaces
    the side's grades for that year."""
    today = today or timezone.localdate()
    if side == EvaluationSide.CITY:
        require_officer(by, agreement.municipality_id, Role.EDITOR)
        if organization is not None:
            raise ValidationError({"organization": _("The municipality's evaluation names no organization.")})
    elif side == EvaluationSide.PARTNER:
        if organization is None or not agreement.parties.filter(organization=organization).exists():
            raise PermissionDenied(_("Only a party to the agreement evaluates it as a partner."))
        require_partner_editor(by, organization.pk)
    else:
        raise ValidationError({"side": _("Choose the municipality's or the partner's side.")})
    if agreement.status not in EVALUATED_STATUSES:
        raise ValidationError(_("An agreement is evaluated once it has been signed."))
    _check_fiscal_year(agreement, fiscal_year, today)
    _check_grades(grades)
    evaluation = (
        AnnualEvaluation.objects.select_for_update()
        .filter(agreement=agreement, fiscal_year=fiscal_year, side=side, organization=organization)
        .first()
    ) or AnnualEvaluation(agreement=agreement, fiscal_year=fiscal_year, side=side, organization=organization)
    evaluation.comment, evaluation.submitted_by, evaluation.submitted_at = comment.strip(), by, timezone.now()
    evaluation.full_clean()
    evaluation.save()
    evaluation.grades.all().delete()
    rows = [
        EvaluationGrade(evaluation=evaluation, aspect=aspect, grade=grade, comment=(note or "").strip())
        for aspect in EvaluationAspect.values
        for grade, note in [grades[aspect]]
    ]
    for row in rows:
        row.full_clean(exclude=["evaluation"])
    EvaluationGrade.objects.bulk_create(rows)
    return evaluation


@dataclass
class AspectRow:
    """One aspect of the comparison: the municipality's grade and each partner's, side by side."""

    aspect: str
    label: str
    city: EvaluationGrade | None
    partners: list = field(default_factory=list)  # (AnnualEvaluation, EvaluationGrade | None) per partner evaluation
    differs: bool = False


@dataclass
class Comparison:
    city: AnnualEvaluation | None
    partners: list[AnnualEvaluation]
    rows: list[AspectRow]

    @property
    def differences(self) -> list[AspectRow]:
        return [row for row in self.rows if row.differs]

    def of_partner(self, organization_id) -> "Comparison":
        """The municipality's side and one partner's only (what that partner is shown)."""
        return _compare(self.city, [e for e in self.partners if e.organization_id == organization_id])


def _compare(city, partners) -> Comparison:
    def grades_of(evaluation):
        return {g.aspect: g for g in evaluation.grades.all()} if evaluation else {}

    city_grades, partner_grades = grades_of(city), [grades_of(e) for e in partners]
    rows = []
    for aspect in EvaluationAspect:
        own = city_grades.get(aspect.value)
        theirs = [grades.get(aspect.value) for grades in partner_grades]
        differs = own is not None and any(g and abs(g.step - own.step) >= DIFFERENCE_STEPS for g in theirs)
        rows.append(AspectRow(aspect.value, aspect.label, own, list(zip(partners, theirs, strict=True)), differs))
    return Comparison(city, partners, rows)


def evaluation_comparison(*, agreement, fiscal_year: int) -> Comparison:
    """Both sides' grades of a fiscal year, aspect by aspect (two queries). An aspect ``differs`` when the
    municipality's grade and a partner's are ``DIFFERENCE_STEPS`` or more apart."""
    evaluations = list(
        AnnualEvaluation.objects.filter(agreement=agreement, fiscal_year=fiscal_year)
        # select_related / prefetch_related: each evaluation names its organization and submitter and shows its grades
        .select_related("organization", "submitted_by")
        .prefetch_related("grades")
        .order_by("side", "organization__name", "id")
    )
    city = next((e for e in evaluations if e.side == EvaluationSide.CITY), None)
    return _compare(city, [e for e in evaluations if e.side == EvaluationSide.PARTNER])


def evaluation_differences(*, agreement, fiscal_year: int) -> list[AspectRow]:
    """The aspects where the two sides' grades differ by two steps or more: for the review meeting."""
    return evaluation_comparison(agreement=agreement, fiscal_year=fiscal_year).differences


# --- the renewal decision ------------------------------------------------------------------------


@transaction.atomic
def renewal_decide(*, agreement, by, outcome: str, reasons: str, decided_on=None) -> RenewalDecision:
    """The city decides, for the agreement's current term, to renew it, renew it with changes, or end it.
    Approvers only; an active agreement with an end date; one decision per term. Ending turns off the
    automatic renewal, so the nightly job lets the agreement expire at its end date instead of renewing it."""
    require_officer(by, agreement.municipality_id, Role.APPROVER)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.ACTIVE or agreement.ends_on is None:
        raise ValidationError(_("Renewal is decided for an active agreement with an end date."))
    if outcome not in RenewalOutcome.values:
        raise ValidationError({"outcome": _("Choose renew, renew with changes or end.")})
    if not (reasons or "").strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    decision = RenewalDecision(
        agreement=agreement,
        term_ends_on=agreement.ends_on,
        decided_on=decided_on or timezone.localdate(),
        outcome=outcome,
        reasons=reasons.strip(),
        decided_by=by,
    )
    decision.full_clean()  # one decision per term (renewal_decision_one_per_term), said as a field error
    decision.save()
    if outcome == RenewalOutcome.END and agreement.auto_renewal:
        agreement.auto_renewal = False
        agreement.full_clean()
        agreement._history_user = by
        agreement.save()
        if agreement.published:
            record_public_changes([agreement.pk])
    return decision


def renewals_due(*, today: datetime.date, within_days: int = RENEWAL_DECISION_DAYS, municipality_ids=None) -> list:
    """Active agreements that renew automatically, whose objection deadline is at most ``within_days``
    away (or has passed while the term still runs) and whose current term has no renewal decision yet,
    by deadline. Each carries ``objection_deadline`` and ``days_left`` (negative: the deadline passed)."""
    # The notice period is at most 365 days (agreement_renewal_notice_days_max): the end date bounds the rows read.
    latest_end = today + datetime.timedelta(days=within_days + 365)
    candidates = Agreement.objects.filter(
        status=AgreementStatus.ACTIVE, auto_renewal=True, ends_on__gte=today, ends_on__lte=latest_end
    ).select_related("municipality")  # select_related: each row names its municipality
    if municipality_ids is not None:
        candidates = candidates.filter(municipality_id__in=municipality_ids)
    decided = set(RenewalDecision.objects.filter(agreement__in=candidates).values_list("agreement_id", "term_ends_on"))
    due = []
    for agreement in candidates:
        deadline = objection_deadline(agreement)
        if (agreement.pk, agreement.ends_on) in decided or deadline > today + datetime.timedelta(days=within_days):
            continue
        agreement.objection_deadline, agreement.days_left = deadline, (deadline - today).days
        due.append(agreement)
    return sorted(due, key=lambda a: (a.objection_deadline, a.public_id))


def renewal_decision_of_term(agreement) -> RenewalDecision | None:
    """The decision recorded for the agreement's current term, if any (one query)."""
    if agreement.ends_on is None:
        return None
    return agreement.renewal_decisions.filter(term_ends_on=agreement.ends_on).select_related("decided_by").first()
