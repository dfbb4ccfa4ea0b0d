"""The proposal scheme's workspace pages (issue 16, docs/proposals.md): the partner proposes (with a check of
the answers before submitting) and follows its own proposals; the municipality's officers list its
proposals, route them to departments, note pre-consultations, score them blind and decide. The services
decide (proposals.services) and the selectors say who sees what (proposals.selectors); these pages
collect the input and show the services' refusals on the forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from partnerships.access import access_for, require_officer
from partnerships.models import Organization, Role
from proposals import selectors, services
from proposals.models import DecisionOutcome, Proposal, ProposalRouting

from ..access import officer_rights, officer_view, partner_view
from ..forms import add_service_errors
from ..proposal_forms import AdoptForm, ConsultationForm, DecisionForm, ProposalForm, RoutingForm, ScoreForm

LIST_LIMIT = 200
CONTENT_FIELDS = ("problem", "offer", "city_must_provide", "expected_outcome", "measurement", "period")


@partner_view
def partner_proposals(request):
    """The proposals of my organizations, newest first, with the decision once decided."""
    access = access_for(request.user)
    # select_related: each row names the municipality, the theme and the decision
    proposals = (
        Proposal.objects.filter(organization_id__in=access.organizations())
        .select_related("municipality", "theme", "decision", "organization")
        .order_by("-submitted_at", "-id")
    )
    return render(
        request,
        "workspace/proposals/partner_list.html",
        {"proposals": list(proposals[:LIST_LIMIT]), "can_propose": bool(access.organizations(Role.EDITOR))},
    )


@partner_view
def proposal_create(request):
    """The one-page proposal, then a check of the answers, then the submission (proposal_submit)."""
    access = access_for(request.user)
    organizations = list(Organization.objects.filter(pk__in=access.organizations(Role.EDITOR)).order_by("name"))
    if not organizations:
        raise PermissionDenied(_("Only an editor of the proposing organization may submit its proposals."))
    form = ProposalForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("organization", None)
        organization = next((o for o in organizations if str(o.pk) == str(chosen)), organizations[0])
        municipality = data.pop("municipality")
        if not request.POST.get("edit") and not request.POST.get("confirmed"):
            return render(
                request,
                "workspace/proposals/proposal_check.html",
                {"form": form, "data": form.cleaned_data, "organization": organization, "municipality": municipality},
            )
        if request.POST.get("confirmed"):
            try:
                proposal = services.proposal_submit(
                    municipality=municipality, organization=organization, by=request.user, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your proposal was sent to %(municipality)s.") % {"municipality": municipality.name}
                )
                return redirect(f"{reverse('workspace:partner-proposals')}#proposal-{proposal.pk}")
    return render(request, "workspace/proposals/proposal_form.html", {"form": form})


@officer_view
def proposal_list(request):
    """The proposals to the officer's municipalities, newest first."""
    access = access_for(request.user)
    # select_related / prefetch_related: each row names the theme, the proposer and the routed departments
    proposals = (
        Proposal.objects.filter(municipality_id__in=access.municipalities())
        .select_related("municipality", "theme", "organization", "decision")
        .prefetch_related(Prefetch("routings", queryset=ProposalRouting.objects.select_related("department")))
        .order_by("-submitted_at", "-id")
    )
    return render(
        request,
        "workspace/proposals/officer_list.html",
        {"proposals": list(proposals[:LIST_LIMIT]), "many_cities": len(access.municipalities()) > 1},
    )


ACTIONS = ("route", "consult", "score", "decide", "adopt")
ROLE_OF = {
    "route": Role.EDITOR,
    "consult": Role.EDITOR,
    "score": Role.EDITOR,
    "decide": Role.APPROVER,
    "adopt": Role.APPROVER,
}


@officer_view
def proposal_detail(request, pk):
    """One proposal: its content, routing, pre-consultations, the blind scoring, the score summary when the
    reader may see the others' scores, and the decision (with a check of the answers)."""
    access = access_for(request.user)
    # select_related: the page names the municipality, theme, proposer and decision
    proposal = get_object_or_404(
        Proposal.objects.filter(municipality_id__in=access.municipalities()).select_related(
            "municipality", "theme", "organization", "decision", "agreement"
        ),
        pk=pk,
    )
    posting = request.method == "POST"
    action = request.POST.get("action") if posting else None
    if posting and action not in ACTIONS:
        return HttpResponseBadRequest(_("Unknown action."))
    if posting:
        require_officer(request.user, proposal.municipality_id, ROLE_OF[action])  # the service's rule, early
    criteria = list(selectors.criteria_for(proposal).order_by("order", "id"))
    # select_related: the summary weighs each score by its criterion; the table names the reviewer
    visible = list(
        selectors.scores_visible_to(request.user, proposal)
        .select_related("criterion", "reviewer")
        .order_by("reviewer_id", "criterion__order", "criterion_id")
    )
    own = [score for score in visible if score.reviewer_id == request.user.pk]
    own_submitted = bool(own) and all(score.submitted for score in own)
    others = [score for score in visible if score.reviewer_id != request.user.pk]
    data = request.POST if posting else None
    forms = {
        "route": RoutingForm(data if action == "route" else None, municipality=proposal.municipality),
        "consult": ConsultationForm(data if action == "consult" else None),
        "score": ScoreForm(data if action == "score" else None, criteria=criteria, own=own),
        "decide": DecisionForm(data if action == "decide" else None),
        "adopt": AdoptForm(data if action == "adopt" else None),
    }
    form = forms[action] if posting else None
    if posting:
        editing = action == "decide" and request.POST.get("edit")  # back from the check, answers kept
        if form.is_valid() and action == "decide" and not editing and not request.POST.get("confirmed"):
            return render(
                request,
                "workspace/proposals/decision_check.html",
                {
                    "proposal": proposal,
                    "decision_form": form,
                    "data": form.cleaned_data,
                    "outcome": DecisionOutcome(form.cleaned_data["outcome"]).label,
                },
            )
        if form.is_valid() and not editing:
            try:
                done, url = _officer_action(request, proposal, action, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(url or reverse("workspace:proposal", args=[proposal.pk]))
    decision = getattr(proposal, "decision", None)
    submitted = [score for score in visible if score.submitted]
    sees_others = bool(others) or own_submitted
    context = {
        "proposal": proposal,
        "decision": decision,
        "content": [(Proposal._meta.get_field(name).verbose_name, getattr(proposal, name)) for name in CONTENT_FIELDS],
        # select_related: each line names the department / the person
        "routings": list(proposal.routings.select_related("department").order_by("routed_at", "id")),
        "consultations": list(proposal.consultations.order_by("-met_on", "-id")),
        "criteria": criteria,
        "own": own,
        "own_submitted": own_submitted,
        "others": others,
        "sees_others": sees_others,
        "summary": services.score_summary(submitted) if submitted else None,
        "forms": forms,
        "form": form,  # the error summary at the top (base.html)
        "open": decision is None or decision.outcome == DecisionOutcome.CONTINUE,
        **officer_rights(request.user, proposal.municipality_id),
    }
    return render(request, "workspace/proposals/officer_detail.html", context)


def _officer_action(request, proposal, action, form) -> tuple[str, str | None]:
    """Run the action through its service: (the success message, the page to go to or None for this one)."""
    data = form.cleaned_data
    if action == "route":
        services.proposal_route(proposal=proposal, departments=list(data["departments"]), by=request.user)
        return _("The proposal was routed."), None
    if action == "consult":
        services.consultation_record(proposal=proposal, met_on=data["met_on"], notes=data["notes"], by=request.user)
        return _("The consultation was recorded."), None
    if action == "adopt":
        agreement = services.proposal_adopt_to_agreement(proposal=proposal, by=request.user)
        message = _("An agreement in negotiation was made from the proposal: add its KPIs before it starts.")
        return message, reverse("workspace:agreement", args=[agreement.public_id])
    if action == "score":
        final = bool(request.POST.get("submit_scores"))
        services.score_submit(
            proposal=proposal, by=request.user, scores=form.scores(), comments=form.comments(), submit=final
        )
        return (_("Your scores were submitted.") if final else _("Your draft scores were saved.")), None
    decision = services.proposal_decide(
        proposal=proposal, outcome=data["outcome"], reasons=data["reasons"], by=request.user
    )
    return _("The decision was recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}, None
