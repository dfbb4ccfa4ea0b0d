"""The review queue: partners' progress reports and measurements waiting for an officer. Every officer
of the municipality sees them; approvers accept, or return them with a comment saying what to fix."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from agreements import services
from agreements.models import Measurement, ProgressUpdate
from partnerships.access import access_for
from partnerships.models import Role

from .. import selectors
from ..access import officer_rights, officer_view
from ..forms import ReviewForm, add_service_errors

QUEUE_LIMIT = 100


@officer_view
def review_queue(request):
    municipality_ids = access_for(request.user).municipalities()
    progress = selectors.section(selectors.progress_queue(municipality_ids).order_by("submitted_at", "id"), QUEUE_LIMIT)
    measurements = selectors.section(
        selectors.measurement_queue(municipality_ids).order_by("reported_at", "id"), QUEUE_LIMIT
    )
    return render(
        request,
        "workspace/review_queue.html",
        {
            "progress": progress,
            "measurements": measurements,
            "several": len(municipality_ids) > 1,
            "can_approve": bool(access_for(request.user).municipalities(Role.APPROVER)),
        },
    )


def _review(request, report, *, municipality_id, accept, return_):
    """Handle the review form of a report; returns a redirect when done, else the bound form."""
    rights = officer_rights(request.user, municipality_id)
    form = ReviewForm(request.POST or None)
    if request.method != "POST":
        return form, rights, None
    services.require_officer(request.user, municipality_id, Role.APPROVER)  # the review services' rule, early
    if form.is_valid():
        service = accept if form.cleaned_data["action"] == ReviewForm.ACCEPT else return_
        try:
            service(by=request.user, comment=form.cleaned_data["comment"].strip(), **report)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _("Accepted.") if service is accept else _("Returned to the partner with your comment.")
            messages.success(request, done)
            return form, rights, redirect("workspace:review")
    return form, rights, None


@officer_view
def review_progress(request, pk):
    municipality_ids = access_for(request.user).municipalities()
    update = get_object_or_404(
        ProgressUpdate.objects.filter(deliverable__initiative__agreement__municipality_id__in=municipality_ids)
        # select_related: the page shows the deliverable, its initiative, agreement, party and submitter
        .select_related(
            "deliverable__initiative__agreement__municipality",
            "deliverable__responsible",
            "submitted_by",
            "reviewed_by",
        ),
        pk=pk,
    )
    agreement = update.deliverable.initiative.agreement
    form, rights, done = _review(
        request,
        {"update": update},
        municipality_id=agreement.municipality_id,
        accept=services.progress_update_accept,
        return_=services.progress_update_return,
    )
    if done:
        return done
    earlier = list(
        update.deliverable.progress_updates.exclude(pk=update.pk)
        .select_related("submitted_by")  # the submitter of each earlier report
        .order_by("-submitted_at", "-id")[:10]
    )
    return render(
        request,
        "workspace/review_progress.html",
        {"update": update, "agreement": agreement, "form": form, "earlier": earlier, **rights},
    )


@officer_view
def review_measurement(request, pk):
    municipality_ids = access_for(request.user).municipalities()
    measurement = get_object_or_404(
        Measurement.objects.filter(indicator__agreement__municipality_id__in=municipality_ids)
        # select_related: the page shows the indicator, its agreement, the reporting party and the reporter
        .select_related("indicator__agreement__municipality", "indicator__reporter", "reported_by", "reviewed_by"),
        pk=pk,
    )
    indicator = measurement.indicator
    form, rights, done = _review(
        request,
        {"measurement": measurement},
        municipality_id=indicator.agreement.municipality_id,
        accept=services.measurement_accept,
        return_=services.measurement_return,
    )
    if done:
        return done
    earlier = list(indicator.measurements.accepted().exclude(pk=measurement.pk).order_by("-period_start", "-id")[:10])
    return render(
        request,
        "workspace/review_measurement.html",
        {
            "measurement": measurement,
            "indicator": indicator,
            "agreement": indicator.agreement,
            "attainment": measurement.attainment * 100,
            "form": form,
            "earlier": earlier,
            **rights,
        },
    )
