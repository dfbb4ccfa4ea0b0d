"""Records under an agreement — parties, initiatives, deliverables, KPIs — and officers' measurements.

One pair of views serves the four kinds: a form page (add or edit) and a confirmation page (delete).
Editors of the agreement's municipality only; another municipality's agreement is a 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import services
from agreements.models import Deliverable, Initiative, OutcomeIndicator, Party
from partnerships.models import Organization, Role
from partnerships.services import organization_save

from ..access import officer_agreement, officer_view
from ..forms import (
    DeliverableForm,
    IndicatorForm,
    InitiativeForm,
    MeasurementForm,
    OrganizationForm,
    PartyForm,
    add_service_errors,
)

SHOWN_ORGANIZATIONS = 50


@dataclass(frozen=True)
class RecordKind:
    model: type
    form: type
    add_title: str
    edit_title: str
    anchor: str

    def queryset(self, agreement):
        if self.model is Deliverable:
            return Deliverable.objects.filter(initiative__agreement=agreement)
        return self.model.objects.filter(agreement=agreement)


KINDS = {
    "parties": RecordKind(Party, PartyForm, gettext_lazy("Add a party"), gettext_lazy("Edit the party"), "parties"),
    "initiatives": RecordKind(
        Initiative,
        InitiativeForm,
        gettext_lazy("Add an initiative"),
        gettext_lazy("Edit the initiative"),
        "initiatives",
    ),
    "deliverables": RecordKind(
        Deliverable,
        DeliverableForm,
        gettext_lazy("Add a deliverable"),
        gettext_lazy("Edit the deliverable"),
        "initiatives",
    ),
    "indicators": RecordKind(
        OutcomeIndicator, IndicatorForm, gettext_lazy("Add a KPI"), gettext_lazy("Edit the KPI"), "indicators"
    ),
}


def _kind(kind):
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404 from None


def _back(agreement, kind):
    return reverse("workspace:agreement", kwargs={"public_id": agreement.public_id}) + f"#{kind.anchor}"


@officer_view
def record_form(request, public_id, kind, pk=None):
    """Add (pk None) or edit a record under the agreement."""
    record_kind = _kind(kind)
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    instance = get_object_or_404(record_kind.queryset(agreement), pk=pk) if pk else None
    extra, context = {}, {}
    if record_kind.model is Party:
        search = request.GET.get("q", "").strip()
        extra["shown_organizations"] = _organizations_for(agreement, search)
        context = {"search": search, "organization_search": True}
    initial = {}
    if record_kind.model is Deliverable and not pk and request.GET.get("initiative", "").isdigit():
        initial["initiative"] = int(request.GET["initiative"])
    form = record_kind.form(request.POST or None, instance=instance, initial=initial, agreement=agreement, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_record_save(instance=form.instance, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(record)s") % {"record": form.instance})
            return redirect(_back(agreement, record_kind))
    return render(
        request,
        "workspace/record_form.html",
        {
            "agreement": agreement,
            "form": form,
            "title": record_kind.edit_title if pk else record_kind.add_title,
            "back": _back(agreement, record_kind),
            "kind": kind,
            **context,
        },
    )


def _organizations_for(agreement, search):
    """Organizations the select offers: those matching the search, else the municipality's known partners."""
    if search:
        words = Q()
        for word in search.split()[:5]:
            words &= Q(name__icontains=word) | Q(kana__icontains=word) | Q(corporate_number__startswith=word)
        organizations = Organization.objects.filter(words)
    else:
        known = Party.objects.filter(agreement__municipality_id=agreement.municipality_id).values("organization_id")
        organizations = Organization.objects.filter(pk__in=known)
    return list(organizations.order_by("name", "id")[:SHOWN_ORGANIZATIONS])


@officer_view
def record_delete(request, public_id, kind, pk):
    record_kind = _kind(kind)
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    instance = get_object_or_404(record_kind.queryset(agreement), pk=pk)
    if request.method == "POST":
        try:
            services.agreement_record_delete(instance=instance, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Deleted: %(record)s") % {"record": instance})
        return redirect(_back(agreement, record_kind))
    consequences = {
        "initiatives": _("Its deliverables, their progress reports and its KPIs are deleted with it."),
        "indicators": _("Its measurements are deleted with it."),
        "deliverables": _("Its progress reports are deleted with it."),
    }
    return render(
        request,
        "workspace/confirm.html",
        {
            "agreement": agreement,
            "title": _("Delete"),
            "question": _("Delete “%(record)s” from agreement %(id)s?") % {"record": instance, "id": public_id},
            "detail": consequences.get(kind, ""),
            "button": _("Delete"),
            "back": _back(agreement, record_kind),
        },
    )


@officer_view
def measurement_create(request, public_id, pk):
    """An officer records a KPI value; an editor's value is accepted at once."""
    agreement = officer_agreement(request, public_id, at_least=Role.EDITOR)
    indicator = get_object_or_404(OutcomeIndicator.objects.filter(agreement=agreement), pk=pk)
    indicator.agreement = agreement  # already loaded, with its municipality
    form = MeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The value was recorded."))
            return redirect(reverse("workspace:agreement", kwargs={"public_id": public_id}) + "#indicators")
    measurements = list(indicator.measurements.order_by("-period_start", "-id")[:20])
    return render(
        request,
        "workspace/measurement_form.html",
        {"agreement": agreement, "indicator": indicator, "form": form, "measurements": measurements},
    )


@officer_view
def organization_create(request):
    """Register a partner organization (officer editors), then go back to where it is needed."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = organization_save(organization=form.instance, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": organization.name})
            if next_url:
                query = urlencode({"q": organization.corporate_number or organization.name})
                return redirect(f"{next_url.split('?')[0]}?{query}")
            return redirect("workspace:agreements")
    return render(request, "workspace/organization_form.html", {"form": form, "next": next_url})
