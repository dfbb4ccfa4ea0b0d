"""Every write of the proposal scheme: themes, proposals, routing, consultations, scores and decisions.

Each service checks the actor's role (``partnerships.access``), validates with the model's rules
(full_clean) and runs in one transaction: a refused call changes nothing.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.choices import AgreementKind, PartyRole
from agreements.models import Party
from agreements.services import agreement_create, agreement_record_save, agreement_start_negotiation
from partnerships.access import access_for, require_officer
from partnerships.models import Role

from .models import (
    Consultation,
    Criterion,
    Decision,
    DecisionOutcome,
    Proposal,
    ProposalRouting,
    ProposalStatus,
    Score,
    Theme,
)
from .selectors import criteria_for

# What a proposer writes; the municipality, organization, status and times are the services'.
PROPOSAL_FIELDS = (
    "theme",
    "title",
    "problem",
    "offer",
    "city_must_provide",
    "expected_outcome",
    "measurement",
    "cost_to_city_jpy",
    "no_new_cost",
    "period",
    "confidential",
    "publish_consent",
)
THEME_FIELDS = (
    "department",
    "title",
    "background",
    "wanted",
    "constraints",
    "contact",
    "opens_on",
    "closes_on",
    "reviewed_on",
    "published",
)


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def theme_save(*, municipality, by, theme: Theme | None = None, **data) -> Theme:
    """Create a theme of ``municipality`` (or change ``theme``): officer editors of the municipality."""
    require_officer(by, municipality.pk, Role.EDITOR)
    if theme is not None and theme.municipality_id != municipality.pk:
        raise ValidationError({"municipality": _("A theme stays with its municipality.")})
    unknown = sorted(set(data) - set(THEME_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    theme = theme or Theme(municipality=municipality)
    for name, value in data.items():
        setattr(theme, name, value)
    return _save(theme)


@transaction.atomic
def criterion_save(*, municipality, by, theme=None, criterion=None, name: str, weight=1, order: int = 0):
    """Create (or change) a published review criterion of a theme, or of the municipality's scheme
    (``theme`` None): officer editors. A criterion already used in a score keeps its weight."""
    require_officer(by, municipality.pk, Role.EDITOR)
    criterion = criterion or Criterion(municipality=municipality, theme=theme)
    if criterion.municipality_id != municipality.pk:
        raise ValidationError({"municipality": _("A criterion stays with its municipality.")})
    if criterion.pk and Decimal(weight) != criterion.weight and criterion.scores.exists():
        raise ValidationError({"weight": _("This criterion has been used in scores: its weight cannot change.")})
    criterion.name, criterion.weight, criterion.order = name, weight, order
    return _save(criterion)


def require_proposer(user, organization_id: int) -> None:
    """Refuse (PermissionDenied) unless ``user`` is an editor of the organization that proposes."""
    if not access_for(user).is_partner(organization_id, at_least=Role.EDITOR):
        raise PermissionDenied(_("Only an editor of the proposing organization may submit its proposals."))


@transaction.atomic
def proposal_submit(*, municipality, organization, by, **data) -> Proposal:
    """An organization's member submits a proposal to a municipality, against a published theme open
    today or free (``theme`` None). The intake (the municipality's officers) sees it at once in its list;
    no notice is sent yet (docs/proposals.md, what comes next)."""
    require_proposer(by, organization.pk)
    unknown = sorted(set(data) - set(PROPOSAL_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    theme = data.get("theme")
    if theme is not None:
        if not theme.published or theme.municipality_id != municipality.pk:
            raise ValidationError({"theme": _("Choose a published theme of this municipality.")})
        if not theme.is_open(timezone.localdate()):
            raise ValidationError({"theme": _("This theme is not taking proposals today.")})
    proposal = Proposal(
        municipality=municipality, organization=organization, submitted_by=by, submitted_at=timezone.now(), **data
    )
    proposal.status = ProposalStatus.SUBMITTED
    return _save(proposal)


def _locked(proposal) -> Proposal:
    """The proposal's row, locked until the transaction ends (two reviewers or approvers in turn)."""
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def proposal_route(*, proposal, departments, by) -> list[ProposalRouting]:
    """The intake routes a proposal to departments of its municipality: officer editors. Routing a
    proposal starts its review; a department already routed to is not routed twice."""
    require_officer(by, proposal.municipality_id, Role.EDITOR)
    proposal = _locked(proposal)
    if proposal.status == ProposalStatus.DECIDED:
        raise ValidationError(_("This proposal has been decided."))
    made = []
    for department in departments:
        routing = ProposalRouting(proposal=proposal, department=department, routed_by=by)
        if ProposalRouting.objects.filter(proposal=proposal, department=department).exists():
            continue
        made.append(_save(routing))
    if proposal.status == ProposalStatus.SUBMITTED:
        proposal.status = ProposalStatus.UNDER_REVIEW
        proposal.save(update_fields=["status"])
    return made


@transaction.atomic
def consultation_record(*, proposal, met_on, notes, by) -> Consultation:
    """Notes of a meeting with the proposer (事前相談): officer editors of the municipality."""
    require_officer(by, proposal.municipality_id, Role.EDITOR)
    return _save(Consultation(proposal=proposal, met_on=met_on, notes=notes, by=by))


@transaction.atomic
def score_submit(*, proposal, by, scores: dict, comments: dict | None = None, submit: bool = True) -> list[Score]:
    """A reviewer scores a proposal: ``scores`` {criterion: 1–5} on every criterion of the proposal
    (``criteria_for``), ``comments`` {criterion: text}. Officer editors of the municipality. ``submit``
    False keeps a draft the reviewer may change; submitted scores are final, and only then does the
    reviewer see the others' (``selectors.scores_visible_to``)."""
    require_officer(by, proposal.municipality_id, Role.EDITOR)
    proposal = _locked(proposal)
    if proposal.status == ProposalStatus.DECIDED:
        raise ValidationError(_("This proposal has been decided."))
    criteria = {criterion.pk: criterion for criterion in criteria_for(proposal)}
    if not criteria:
        raise ValidationError(_("No review criteria are set for this proposal."))
    given = {getattr(criterion, "pk", criterion): value for criterion, value in scores.items()}
    notes = {getattr(criterion, "pk", criterion): text for criterion, text in (comments or {}).items()}
    errors = {}
    if set(given) - set(criteria) or set(notes) - set(criteria):
        errors["scores"] = _("Score only the criteria of this proposal.")
    elif set(criteria) - set(given):
        errors["scores"] = _("Score every criterion.")
    if errors:
        raise ValidationError(errors)
    stored = {score.criterion_id: score for score in Score.objects.filter(proposal=proposal, reviewer=by)}
    if any(score.submitted for score in stored.values()):
        raise ValidationError(_("Your scores of this proposal are submitted and cannot be changed."))
    now = timezone.now()
    saved = []
    for pk, criterion in criteria.items():
        score = stored.get(pk) or Score(proposal=proposal, reviewer=by, criterion=criterion)
        score.score, score.comment = given[pk], notes.get(pk, "")
        score.submitted, score.submitted_at = submit, now if submit else None
        saved.append(_save(score))
    if proposal.status == ProposalStatus.SUBMITTED:
        proposal.status = ProposalStatus.UNDER_REVIEW
        proposal.save(update_fields=["status"])
    return saved


def score_summary(scores) -> dict:
    """The weighted mean score (1–5) of each reviewer and their mean and spread (max − min) across
    reviewers, from the scores given (pass the submitted ones the reader may see)."""
    by_reviewer: dict[int, list] = {}
    for score in scores:
        by_reviewer.setdefault(score.reviewer_id, []).append(score)
    means = []
    for items in by_reviewer.values():
        weight = sum((s.criterion.weight for s in items), Decimal(0))
        means.append(sum((s.criterion.weight * s.score for s in items), Decimal(0)) / weight)
    if not means:
        return {"reviewers": 0, "mean": None, "spread": None}
    mean = sum(means, Decimal(0)) / len(means)
    return {"reviewers": len(means), "mean": round(mean, 2), "spread": round(max(means) - min(means), 2)}


@transaction.atomic
def proposal_decide(*, proposal, outcome, reasons: str, by) -> Decision:
    """An approver of the municipality decides: 採択 (adopted), 不採択 (not adopted) or 継続協議 (further
    consultation), with reasons. The decision is public (its reasons with it). Only a decision to
    consult further may be replaced, by a later one."""
    require_officer(by, proposal.municipality_id, Role.APPROVER)
    proposal = _locked(proposal)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is not None and decision.outcome != DecisionOutcome.CONTINUE:
        raise ValidationError(_("This proposal has been decided."))
    decision = decision or Decision(proposal=proposal)
    decision.outcome, decision.reasons = outcome, (reasons or "").strip()
    decision.decided_by, decision.decided_at = by, timezone.now()
    _save(decision)
    proposal.status = ProposalStatus.DECIDED
    proposal.save(update_fields=["status"])
    return decision


@transaction.atomic
def proposal_adopt_to_agreement(*, proposal, by):
    """An approver turns an adopted (採択) proposal into an agreement in negotiation (協議中), once.

    The agreement is made through the agreements services: a draft with the proposal's title, its
    theme's department and — only when the content may be published (``Proposal.content_public``) — the
    proposer's offer as its summary, moved at once to negotiation; the proposer organization is its party
    as a plain partner (a proposal does not name a lead partner, so none is invented). No KPI is made: a
    KPI needs a baseline, a target, a unit and dates that a proposal's free-text expected outcome does not
    state; the officer adds them during negotiation (docs/proposals.md). Both are linked: the proposal's
    ``agreement`` and the agreement's ``proposals``."""
    require_officer(by, proposal.municipality_id, Role.APPROVER)
    proposal = _locked(proposal)
    decision = Decision.objects.filter(proposal=proposal).first()
    if decision is None or decision.outcome != DecisionOutcome.ADOPTED:
        raise ValidationError(_("Only an adopted proposal becomes an agreement."))
    if proposal.agreement_id is not None:
        raise ValidationError(_("This proposal has already become an agreement."))
    theme = proposal.theme
    agreement = agreement_create(
        municipality=proposal.municipality,
        by=by,
        kind=AgreementKind.INDIVIDUAL,
        title=proposal.title,
        summary=proposal.offer if proposal.content_public(decision) else "",
        department=theme.department if theme is not None else None,
    )
    agreement_record_save(
        instance=Party(agreement=agreement, organization=proposal.organization, role=PartyRole.PARTNER), by=by
    )
    agreement = agreement_start_negotiation(agreement=agreement, by=by)
    proposal.agreement = agreement
    proposal.save(update_fields=["agreement"])
    return agreement
