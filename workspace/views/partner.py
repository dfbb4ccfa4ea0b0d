"""The partner's workspace: my agreements, my deliverables by due date, progress reports with evidence,
measurements of the KPIs my organization reports, and what the municipality said about them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements import services
from agreements.models import Agreement
from partnerships.access import access_for
from partnerships.models import Role

from .. import selectors
from ..access import partner_view
from ..forms import PartnerMeasurementForm, ProgressReportForm, add_service_errors

LIST_LIMIT = 100


@partner_view
def partner_home(request):
    access = access_for(request.user)
    organizations = access.organizations()
    show_all = request.GET.get("show") == "all"
    deliverables = selectors.partner_deliverables(organizations)
    if not show_all:
        deliverables = deliverables.open()
    # select_related: each row names its municipality
    agreements = Agreement.objects.of_partner(request.user).select_related("municipality").order_by("-signed_on", "-id")
    return render(
        request,
        "workspace/partner_home.html",
        {
            "agreements": selectors.section(agreements, LIST_LIMIT),
            "deliverables": selectors.section(deliverables, LIST_LIMIT),
            "indicators": selectors.section(selectors.partner_indicators(organizations), LIST_LIMIT),
            "returned": list(selectors.partner_returned_reports(organizations)[:5]),
            "show_all": show_all,
            "today": timezone.localdate(),
            "can_report": bool(access.organizations(Role.EDITOR)),
            "is_officer_too": bool(access.officer_roles),
        },
    )


@partner_view
def report_progress(request, pk):
    """A progress report on a deliverable of my organization, with evidence."""
    access = access_for(request.user)
    deliverable = get_object_or_404(selectors.partner_deliverables(access.organizations()), pk=pk)
    can_report = services.is_partner_editor(request.user, deliverable.responsible_id)
    form = ProgressReportForm(request.POST or None, request.FILES or None, deliverable=deliverable)
    if request.method == "POST":
        services.require_partner_editor(request.user, deliverable.responsible_id)  # the service's rule, early
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["evidence"] = data.get("evidence") or None
            try:
                services.progress_update_submit(deliverable=deliverable, by=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your report was sent. The municipality will review it; its answer appears here.")
                )
                return redirect("workspace:partner-reports")
    earlier = list(
        deliverable.progress_updates.select_related("submitted_by").order_by("-submitted_at", "-id")[:10]
    )  # select_related: the submitter of each earlier report
    return render(
        request,
        "workspace/partner_report.html",
        {
            "deliverable": deliverable,
            "agreement": deliverable.initiative.agreement,
            "form": form,
            "earlier": earlier,
            "can_report": can_report,
            "late": deliverable.is_late(),
        },
    )


@partner_view
def report_measurement(request, pk):
    """A value of a KPI my organization reports; it waits for the municipality's review."""
    access = access_for(request.user)
    indicator = get_object_or_404(selectors.partner_indicators(access.organizations()), pk=pk)
    can_report = services.is_partner_editor(request.user, indicator.reporter_id)
    form = PartnerMeasurementForm(request.POST or None, indicator=indicator)
    if request.method == "POST":
        services.require_partner_editor(request.user, indicator.reporter_id)  # the service's rule, early
        if form.is_valid():
            try:
                services.measurement_record(indicator=indicator, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Your value was sent. The municipality will review it."))
                return redirect("workspace:partner-reports")
    measurements = list(indicator.measurements.order_by("-period_start", "-id")[:20])
    return render(
        request,
        "workspace/partner_measurement.html",
        {
            "indicator": indicator,
            "agreement": indicator.agreement,
            "form": form,
            "measurements": measurements,
            "can_report": can_report,
        },
    )


@partner_view
def partner_reports(request):
    """The state of my organization's reports, with the officers' comments."""
    organizations = access_for(request.user).organizations()
    return render(
        request,
        "workspace/partner_reports.html",
        {
            "progress": selectors.section(selectors.partner_progress_reports(organizations), LIST_LIMIT),
            "measurements": selectors.section(selectors.partner_measurements(organizations), LIST_LIMIT),
        },
    )
