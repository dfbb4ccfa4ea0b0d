"""Importing a municipality's list of agreements: upload (dry run first), follow the job's progress,
read the row-by-row report, then import for real. Officer editors of the municipality only."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imports.models import ImportJob, ImportStatus
from imports.services import import_job_create
from partnerships.access import access_for
from partnerships.models import Municipality, Role

from ..access import officer_view
from ..forms import ImportForm, add_service_errors

ERRORS_PER_PAGE = 100


def _editor_municipality_ids(user):
    ids = access_for(user).municipalities(Role.EDITOR)
    if not ids:
        raise PermissionDenied(_("Only editors of a municipality can import its agreements."))
    return ids


def _job(request, pk):
    # select_related: the page names the job's municipality and who started it
    jobs = ImportJob.objects.filter(municipality_id__in=_editor_municipality_ids(request.user))
    return get_object_or_404(jobs.select_related("municipality", "created_by"), pk=pk)


@officer_view
def import_page(request):
    ids = _editor_municipality_ids(request.user)
    municipalities = Municipality.objects.filter(pk__in=ids).order_by("code")
    form = ImportForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                municipality=form.municipality(),
                uploaded=form.cleaned_data["file"],
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("workspace:import", pk=job.pk)
    # select_related: each row names the job's municipality; the stored errors (up to 200 a job) are not read
    jobs = ImportJob.objects.filter(municipality_id__in=ids).select_related("municipality").defer("errors")[:20]
    return render(request, "workspace/imports.html", {"form": form, "jobs": jobs, "several": len(ids) > 1})


@officer_view
def import_detail(request, pk):
    job = _job(request, pk)
    page = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    finished = job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    return render(
        request,
        "workspace/import_detail.html",
        {
            "job": job,
            "page": page,
            "finished": finished,
            "can_import": job.status == ImportStatus.SUCCEEDED and job.dry_run,
        },
    )


@officer_view
def import_status(request, pk):
    """The job's progress as JSON, polled by the job's page while it runs."""
    job = _job(request, pk)
    finished = job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": job.progress,
            "rows_done": job.rows_done,
            "rows_total": job.rows_total,
            "finished": finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@officer_view
@require_POST
def import_confirm(request, pk):
    """After a clean dry run: import the same file for real, as a new job."""
    job = _job(request, pk)
    if not (job.status == ImportStatus.SUCCEEDED and job.dry_run):
        messages.error(request, _("Only a dry run that found no error can be imported."))
        return redirect("workspace:import", pk=job.pk)
    with job.file.open("rb") as stored:
        upload = File(stored, name=PurePath(job.original_name).name)
        try:
            new_job = import_job_create(municipality=job.municipality, uploaded=upload, by=request.user, dry_run=False)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:import", pk=job.pk)
    return redirect("workspace:import", pk=new_job.pk)
