"""Who sees which proposal and which scores: the one place of these rules (docs/proposals.md)."""

from django.db.models import Q

from partnerships.access import access_for
from partnerships.models import Role

from .models import Criterion, Proposal, ProposalStatus, Score


def proposal_visible_q(user, prefix: str = "") -> Q:
    """The proposals ``user`` may read in full: the officers of its municipality (the intake sees all of
    its own) and the members of the proposing organization; nobody else — another proposer never."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    return Q(**{f"{prefix}municipality_id__in": access.municipalities(Role.VIEWER)}) | Q(
        **{f"{prefix}organization_id__in": access.organizations(Role.VIEWER)}
    )


def proposals_visible_to(user):
    """The proposals ``user`` may read in full (``proposal_visible_q``)."""
    return Proposal.objects.filter(proposal_visible_q(user))


def criteria_for(proposal):
    """The criteria a proposal is scored on: its theme's own, else the municipality's scheme criteria."""
    if proposal.theme_id is not None:
        own = Criterion.objects.filter(theme_id=proposal.theme_id)
        if own.exists():
            return own
    return Criterion.objects.filter(municipality_id=proposal.municipality_id, theme__isnull=True)


def scores_visible_to(user, proposal):
    """The scores of a proposal ``user`` may read. Partners and other cities: none. A reviewer whose own
    scores are not all submitted yet: only their own (no reviewer sees another's before submitting).
    Once a reviewer has submitted, and for an approver who has not scored (who decides) or any officer
    after the decision: their own and every submitted score."""
    access = access_for(user)
    if not access.is_officer(proposal.municipality_id):
        return Score.objects.none()
    scores = Score.objects.filter(proposal=proposal)
    own = scores.filter(reviewer=user)
    has_own = own.exists()
    if has_own and own.filter(submitted=False).exists():
        return own
    decided = proposal.status == ProposalStatus.DECIDED
    if has_own or decided or access.is_officer(proposal.municipality_id, Role.APPROVER):
        return scores.filter(Q(submitted=True) | Q(reviewer=user))
    return own
