"""Who sees which proposal and which scores: the one place of these rules (docs/proposals.md)."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from agreements.choices import AgreementStatus
from agreements.models import Measurement, ProgressUpdate
from partnerships.access import access_for
from partnerships.models import Role

from .models import Criterion, DecisionOutcome, Proposal, ProposalStatus, Score


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


def decided_public():
    """The decided proposals the public sees (rejections included): their decision, reasons, proposer,
    title and theme; their content only where ``Proposal.content_public`` says so."""
    return (
        Proposal.objects.filter(status=ProposalStatus.DECIDED, decision__isnull=False)
        .select_related("municipality", "organization", "theme", "decision")
        .order_by("-decision__decided_at", "-id")
    )


DELIVERING_WITHIN = datetime.timedelta(days=365)


def pipeline(municipality=None, *, now=None) -> dict:
    """From proposal to delivery, counted in one query: proposals received, adopted (採択), turned into an
    agreement, and still delivering — whose agreement is active (締結済) with a progress update or a
    measurement reported in the last 12 months. ``municipality`` None: every municipality. Counts of
    proposals, not of residents: no small-number rule applies (docs/proposals.md)."""
    proposals = Proposal.objects.all()
    if municipality is not None:
        proposals = proposals.filter(municipality=municipality)
    return proposals.aggregate(**_pipeline_counts(now))


def pipeline_by_municipality(*, now=None) -> list[dict]:
    """``pipeline`` of every municipality with a proposal, in one query: dicts with ``municipality__name``
    and ``municipality__code`` besides the four counts, by code."""
    rows = Proposal.objects.values("municipality__code", "municipality__name").order_by("municipality__code")
    return list(rows.annotate(**_pipeline_counts(now)))


def _pipeline_counts(now) -> dict:
    since = (now or timezone.now()) - DELIVERING_WITHIN
    updated = ProgressUpdate.objects.filter(
        deliverable__initiative__agreement=OuterRef("agreement"), submitted_at__gte=since
    )
    measured = Measurement.objects.filter(indicator__agreement=OuterRef("agreement"), reported_at__gte=since)
    active = Q(agreement__status=AgreementStatus.ACTIVE)
    return {
        "received": Count("pk"),
        "adopted": Count("pk", filter=Q(decision__outcome=DecisionOutcome.ADOPTED)),
        "agreements": Count("pk", filter=Q(agreement__isnull=False)),
        "delivering": Count("pk", filter=active & (Q(Exists(updated)) | Q(Exists(measured)))),
    }
