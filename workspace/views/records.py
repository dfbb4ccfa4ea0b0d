"""Records under an agreement — parties, initiatives, deliverables, KPIs — and officers' measurements.

One pair of views serves the four kinds: a form page (add or edit) and a confirmation page (delete).
Editors of the agreement's municipality only; another municipality's agreement is a 404.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements import services
from agreements.models import Deliverable, Initiative, OutcomeIndicator, Party
from core.dates import fiscal_year_of
from partnerships.models import Organization, Role
from partnerships.services import organization_save

from ..access import officer_agreement, officer_view
from ..forms import (
    DeliverableEntryForm,
    DeliverableForm,
    IndicatorEntryForm,
    IndicatorForm,
    InitiativeEntryForm,
    InitiativeForm,
    MeasurementForm,
    OrganizationForm,
    PartyEntryForm,
    PartyForm,
    add_service_errors,
    next_indicator_code,
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


# --- the agreement page's inline entry (workspace:agreement) ----------------------------------------
# Parties, initiatives, deliverables and KPIs are added in place, each by a short form at the end of its
# section, posted to the agreement page itself: on success back to the section (「保存」) or to the same
# form, empty but for the values carried forward, with the focus on its first field (「保存して続けて追加」);
# on error the page again, with the error summary and the values typed.


@dataclass(frozen=True)
class EntryKind:
    form: type
    prefix: str
    summary: str
    carried: tuple = ()  # fields "save and add another" keeps for the next record


ENTRY = {
    "parties": EntryKind(PartyEntryForm, "party", gettext_lazy("Add a party"), ("role", "signed_on")),
    "initiatives": EntryKind(
        InitiativeEntryForm, "initiative", gettext_lazy("Add an initiative"), ("starts_on", "ends_on")
    ),
    "deliverables": EntryKind(
        DeliverableEntryForm, "deliverable", gettext_lazy("Add a deliverable"), ("initiative", "responsible", "due_on")
    ),
    "indicators": EntryKind(
        IndicatorEntryForm,
        "indicator",
        gettext_lazy("Add a KPI"),
        ("initiative", "baseline_period_start", "baseline_period_end", "target_on", "reporter"),
    ),
}


@dataclass
class Entry:
    """One section's inline form, as the page shows it."""

    kind: str
    form: object
    open: bool
    summary: str
    full_form: str  # the page with every field of the record
    extra: dict = field(default_factory=dict)


def _fiscal_year_before(day):
    """The Japanese fiscal year (April–March) before the one containing ``day``: a KPI's usual baseline."""
    if day is None:
        return None, None
    year = fiscal_year_of(day)
    return datetime.date(year - 1, 4, 1), datetime.date(year, 3, 31)


def entry_defaults(agreement, records) -> dict[str, dict]:
    """The values each inline form starts with, carried forward from what the agreement already says."""
    initiatives, parties, indicators = records["initiatives"], records["parties"], records["indicators"]
    only_initiative = initiatives[0] if len(initiatives) == 1 else None
    only_party = parties[0] if len(parties) == 1 else None
    baseline_start, baseline_end = _fiscal_year_before(agreement.starts_on or agreement.signed_on)
    return {
        "parties": {"signed_on": agreement.signed_on},
        "initiatives": {"starts_on": agreement.starts_on or agreement.signed_on, "ends_on": agreement.ends_on},
        "deliverables": {
            "initiative": only_initiative.pk if only_initiative else None,
            "responsible": only_party.organization_id if only_party else None,
            "due_on": (only_initiative.ends_on if only_initiative else None) or agreement.ends_on,
        },
        "indicators": {
            "code": next_indicator_code(indicator.code for indicator in indicators),
            "initiative": only_initiative.pk if only_initiative else None,
            "baseline_period_start": baseline_start,
            "baseline_period_end": baseline_end,
            "target_on": agreement.ends_on,
        },
    }


def entry_forms(request, agreement, records, *, posted=None) -> dict[str, Entry]:
    """The four inline forms of the agreement page: the posted one bound to the request, the others empty
    with their carried-forward values (and, after 「保存して続けて追加」, the values the last record had).
    ``records``: the page's rows (selectors.agreement_workspace), so that the selects cost no query; the
    organizations offered to a party are one query (a search, or the municipality's known partners)."""
    adding = request.GET.get("add", "")
    search = request.GET.get("q", "").strip()
    defaults = entry_defaults(agreement, records)
    shown_organizations = _organizations_for(agreement, search)
    extra = {
        "parties": {"shown_organizations": shown_organizations},
        "deliverables": {"initiatives": records["initiatives"], "parties": records["parties"]},
        "indicators": {"initiatives": records["initiatives"], "parties": records["parties"]},
    }
    entries = {}
    for kind, entry in ENTRY.items():
        initial = dict(defaults[kind])
        if kind == adding:
            initial |= {
                name: request.GET[f"{entry.prefix}-{name}"]
                for name in entry.carried
                if request.GET.get(f"{entry.prefix}-{name}")
            }
        if kind == "parties" and search and len(shown_organizations) == 1:
            initial["organization"] = shown_organizations[0].pk  # the one organization found
        data = request.POST if kind == posted else None
        form = entry.form(data, initial=initial, prefix=entry.prefix, agreement=agreement, **extra.get(kind, {}))
        if kind == adding and data is None:
            first = next(iter(form.visible_fields()), None)
            if first is not None:
                first.field.widget.attrs["autofocus"] = True
        full_form = reverse("workspace:record-create", kwargs={"public_id": agreement.public_id, "kind": kind})
        if kind == "deliverables" and defaults[kind]["initiative"]:
            full_form += f"?initiative={defaults[kind]['initiative']}"  # the full form preselects it too
        entries[kind] = Entry(
            kind=kind,
            form=form,
            open=kind in (adding, posted) or not records[kind],
            summary=entry.summary,
            full_form=full_form,
            extra={"search": search, "found": bool(search)} if kind == "parties" else {},
        )
    return entries


def entry_save(request, agreement, kind, form):
    """Save a valid inline form through the services; the redirect, or None with the errors on the form."""
    entry = ENTRY[kind]
    try:
        with transaction.atomic():  # a new organization is registered with its party, or not at all
            if kind == "parties" and (organization := form.new_organization_to_register()) is not None:
                try:
                    form.instance.organization = organization_save(organization=organization, by=request.user)
                except ValidationError as error:
                    raise ValidationError({"new_organization": error.messages}) from error
            services.agreement_record_save(instance=form.instance, by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        if kind == "parties" and form.cleaned_data.get("organization"):
            _offer(form, form.cleaned_data["organization"])
        return None
    messages.success(request, _("Saved: %(record)s") % {"record": form.instance})
    page = reverse("workspace:agreement", kwargs={"public_id": agreement.public_id})
    if request.POST.get("then") != "more":
        return redirect(f"{page}#{kind}")
    carried = {
        f"{entry.prefix}-{name}": value
        for name in entry.carried
        if (value := request.POST.get(f"{entry.prefix}-{name}", "").strip())
    }
    # no fragment: a page opened at a fragment ignores autofocus (HTML), and the focused field scrolls into view
    return redirect(f"{page}?{urlencode({'add': kind, **carried})}")


def entry_refused(form, kind):
    """An invalid party form keeps the organization chosen in the select, even one found by a search."""
    organization = form.cleaned_data.get("organization") if kind == "parties" else None
    if organization is not None:
        _offer(form, organization)


def _offer(form, organization):
    field = form.fields["organization"]
    choices = list(field.widget.choices)
    if all(str(value) != str(organization.pk) for value, _label in choices):
        field.widget.choices = [*choices, (organization.pk, field.label_from_instance(organization))]
