"""The officer's dashboard, agreement list, and an agreement's own pages: create, edit, lifecycle,
publication, deletion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import services
from agreements.choices import AgreementKind, AgreementStatus
from agreements.filters import AgreementFilterSet
from agreements.models import Agreement
from partnerships.access import access_for
from partnerships.models import Municipality, Role
from proposals.models import Proposal

from .. import selectors
from ..access import officer_agreement, officer_rights, officer_view, workspace_view
from ..forms import ActivateForm, AgreementCreateForm, AgreementForm, add_service_errors
from . import records

PAGE_SIZE = 50


@workspace_view
def home(request):
    """Officers land on their dashboard, partners on their own workspace."""
    access = access_for(request.user)
    if access.officer_roles:
        return _dashboard(request, access)
    if access.partner_roles:
        return redirect("workspace:partner")
    return render(request, "workspace/no_membership.html")


def _dashboard(request, access):
    municipalities = list(Municipality.objects.filter(pk__in=access.municipalities()).order_by("code"))
    chosen = request.GET.get("municipality", "")
    shown = [m for m in municipalities if m.code == chosen] or municipalities
    context = selectors.dashboard(user=request.user, municipality_ids=[m.pk for m in shown], today=timezone.localdate())
    context |= {
        "municipalities": municipalities,
        "shown": shown,
        "chosen": chosen if len(shown) == 1 and len(municipalities) > 1 else "",
        "several": len(shown) > 1,
        "can_edit": bool(access.municipalities(Role.EDITOR)),
        "is_partner_too": bool(access.partner_roles),
    }
    return render(request, "workspace/dashboard.html", context)


@officer_view
def agreement_list(request):
    """Every agreement of the officer's municipalities, in every state, with the public filters."""
    access = access_for(request.user)
    # select_related: each row names its municipality
    agreements = Agreement.objects.filter(municipality_id__in=access.municipalities()).select_related("municipality")
    filterset = AgreementFilterSet(request.GET, queryset=agreements)
    queryset = filterset.qs if filterset.is_valid() else agreements.none()
    if not request.GET.get("ordering"):
        queryset = queryset.order_by("-updated_at", "-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    municipalities = list(Municipality.objects.filter(pk__in=access.municipalities()).order_by("code"))
    return render(
        request,
        "workspace/agreement_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "filter_errors": filterset.errors,
            "params": request.GET,
            "statuses": AgreementStatus.choices,
            "kinds": AgreementKind.choices,
            "municipalities": municipalities,
            "several": len(municipalities) > 1,
            "export_datasets": [
                ("agreements", _("Agreements")),
                ("deliverables", _("Deliverables")),
                ("indicators", _("KPIs")),
                ("measurements", _("Measurements")),
            ],
            "can_edit": bool(access.municipalities(Role.EDITOR)),
        },
    )


@officer_view
def agreement_create(request):
    """Log a new agreement as a draft (officer editors)."""
    access = access_for(request.user)
    municipalities = list(Municipality.objects.filter(pk__in=access.municipalities(Role.EDITOR)).order_by("code"))
    if not municipalities:
        raise PermissionDenied(_("You need the editor role at a municipality to log agreements."))
    if len(municipalities) == 1:
        municipality = municipalities[0]
    else:
        municipality = next((m for m in municipalities if m.code == request.GET.get("municipality")), None)
        if municipality is None:
            return render(request, "workspace/choose_municipality.html", {"municipalities": municipalities})
    form = AgreementCreateForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        stage = form.cleaned_data["stage"]
        try:
            with transaction.atomic():  # logged at the stage it has reached, or not at all
                agreement = services.agreement_create(municipality=municipality, by=request.user, **form.service_data())
                if stage == AgreementStatus.NEGOTIATING:
                    services.agreement_start_negotiation(agreement=agreement, by=request.user)
                elif stage == AgreementStatus.ACTIVE:
                    services.agreement_activate(agreement=agreement, by=request.user, signed_on=agreement.signed_on)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if stage == AgreementStatus.DRAFT:
                done = _("Agreement %(id)s was logged as a draft. Now add its parties, initiatives and KPIs.")
            else:
                done = _("Agreement %(id)s was logged (%(status)s). Now add its parties, initiatives and KPIs below.")
            messages.success(request, done % {"id": agreement.public_id, "status": agreement.get_status_display()})
            return redirect("workspace:agreement", public_id=agreement.public_id)
    return render(request, "workspace/agreement_form.html", {"form": form, "municipality": municipality})


@officer_view
def agreement_edit(request, public_id):
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    form = AgreementForm(request.POST or None, instance=agreement, municipality=agreement.municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, by=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("workspace:agreement", public_id=agreement.public_id)
    return render(
        request,
        "workspace/agreement_form.html",
        {"form": form, "agreement": agreement, "municipality": agreement.municipality},
    )


@officer_view
def agreement_detail(request, public_id):
    """The agreement's one page: its facts and records, with the actions the officer's role allows, and —
    for editors — the inline forms that add parties, initiatives, deliverables and KPIs in place (posted
    here: ``entry`` names the section; see records.entry_forms)."""
    posting = request.method == "POST"
    # 「民間提案から」: whether an adopted proposal became this agreement (a subquery, no extra query)
    from_proposal = Agreement.objects.annotate(from_proposal=Exists(Proposal.objects.filter(agreement=OuterRef("pk"))))
    agreement = officer_agreement(
        request, public_id, at_least=Role.EDITOR if posting else Role.VIEWER, queryset=from_proposal
    )
    context = selectors.agreement_workspace(agreement)
    context |= officer_rights(request.user, agreement.municipality_id)
    kind = request.POST.get("entry") if posting else None
    if posting and kind not in records.ENTRY:
        return HttpResponseBadRequest(_("Unknown section."))
    context["deliverables"] = [d for initiative in context["initiatives"] for d in initiative.deliverables.all()]
    entry = records.entry_forms(request, agreement, context, posted=kind) if context["can_edit"] else {}
    if posting:
        form = entry[kind].form
        if form.is_valid():
            if done := records.entry_save(request, agreement, kind, form):
                return done
        else:
            records.entry_refused(form, kind)
        context["form"] = form  # the error summary at the top, and 「エラー：」 in the title (base.html)
    context |= {
        "agreement": agreement,
        "entry": entry,
        "can_negotiate": agreement.can_move_to(AgreementStatus.NEGOTIATING),
        "can_activate": agreement.can_move_to(AgreementStatus.ACTIVE),
        "can_terminate": agreement.can_move_to(AgreementStatus.TERMINATED),
        "can_delete": services.agreement_delete_refusal(agreement=agreement) is None,
        "today": timezone.localdate(),
    }
    return render(request, "workspace/agreement_detail.html", context)


@officer_view
@require_POST
def agreement_negotiate(request, public_id):
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    return _move(request, agreement, services.agreement_start_negotiation, _("Negotiation has started."))


@officer_view
def agreement_activate(request, public_id):
    """The agreement was signed: asks for the date of signature."""
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    form = ActivateForm(request.POST or None, initial={"signed_on": agreement.signed_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_activate(agreement=agreement, by=request.user, signed_on=form.cleaned_data["signed_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is now active."))
            return redirect("workspace:agreement", public_id=agreement.public_id)
    return render(request, "workspace/agreement_activate.html", {"agreement": agreement, "form": form})


@officer_view
def agreement_terminate(request, public_id):
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    if request.method == "POST":
        return _move(request, agreement, services.agreement_terminate, _("The agreement was terminated."))
    return render(
        request,
        "workspace/confirm.html",
        {
            "agreement": agreement,
            "title": _("Terminate the agreement"),
            "question": _("Terminate agreement %(id)s “%(title)s”? This cannot be undone.")
            % {"id": agreement.public_id, "title": agreement.title},
            "button": _("Terminate"),
        },
    )


@officer_view
def agreement_delete(request, public_id):
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    if request.method == "POST":
        try:
            services.agreement_delete(agreement=agreement, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:agreement", public_id=agreement.public_id)
        messages.success(request, _("Agreement %(id)s was deleted.") % {"id": public_id})
        return redirect("workspace:agreements")
    return render(
        request,
        "workspace/confirm.html",
        {
            "agreement": agreement,
            "title": _("Delete the draft"),
            "question": _("Delete the draft %(id)s “%(title)s” with its parties, initiatives and KPIs?")
            % {"id": agreement.public_id, "title": agreement.title},
            "button": _("Delete"),
        },
    )


@officer_view
def agreement_publish(request, public_id):
    """Check before publishing: the checklist (agreements.services.publication_checklist) and what will
    become public; the button publishes. Approvers only: the service refuses anyone else, and refuses an
    agreement missing a required item — its messages are listed at the top, each linked to its item."""
    agreement = officer_agreement(request, public_id)
    if agreement.published:
        return redirect("workspace:agreement", public_id=agreement.public_id)
    problems = {}
    if request.method == "POST":
        try:
            services.agreement_publish(agreement=agreement, by=request.user)
        except ValidationError as error:
            problems = error.message_dict
        else:
            messages.success(request, _("The agreement is now public."))
            return redirect("workspace:agreement", public_id=agreement.public_id)
    checklist = services.agreement_publication_checklist(agreement)
    context = selectors.agreement_workspace(agreement) | officer_rights(request.user, agreement.municipality_id)
    context |= {
        "agreement": agreement,
        "checklist": checklist,
        "ready": not services.publication_refusal(checklist),
        "problems": [(f"check-{field}", message) for field, messages_ in problems.items() for message in messages_],
        "public_documents": agreement.documents.filter(public=True).count(),
    }
    return render(request, "workspace/agreement_publish.html", context)


@officer_view
@require_POST
def agreement_unpublish(request, public_id):
    agreement = officer_agreement(request, public_id)
    return _move(request, agreement, services.agreement_unpublish, _("The agreement was withdrawn from the public."))


def _move(request, agreement, service, done):
    try:
        service(agreement=agreement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("workspace:agreement", public_id=agreement.public_id)
