"""Importing a municipality's list of agreements: upload (dry run first), follow the job's progress,
read the report — how each column was read, what will be created, matched or kept, and the errors row
by row — correct the column mapping if needed (a new dry run), then import for real. Officer editors of
the municipality only."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imports.forms import MappingForm
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
    result = job.result or {}
    mapping = result.get("mapping") or []
    form = MappingForm(mapping=mapping, default_kind=job.default_kind) if finished and job.dry_run and mapping else None
    return render(
        request,
        "workspace/import_detail.html",
        {
            "job": job,
            "page": page,
            "finished": finished,
            "can_import": job.status == ImportStatus.SUCCEEDED and job.dry_run,
            "mapping_form": form,
            "notes": result.get("notes") or {},
            "note_counts": result.get("note_counts") or {},
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
    """After a clean dry run: import the same file for real, as a new job, read as the dry run read it.
    With ``recheck``: a new dry run of the same file with the officer's corrections to the mapping."""
    job = _job(request, pk)
    if "recheck" in request.POST and job.dry_run:
        form = MappingForm(request.POST, mapping=(job.result or {}).get("mapping") or [])
        if not form.is_valid():
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect("workspace:import", pk=job.pk)
        mapping = {**(job.mapping or {}), **form.overrides()}
        return _again(request, job, dry_run=True, mapping=mapping, default_kind=form.cleaned_data["default_kind"])
    if not (job.status == ImportStatus.SUCCEEDED and job.dry_run):
        messages.error(request, _("Only a dry run that found no error can be imported."))
        return redirect("workspace:import", pk=job.pk)
    return _again(request, job, dry_run=False, mapping=job.mapping, default_kind=job.default_kind)


def _again(request, job, *, dry_run, mapping, default_kind):
    with job.file.open("rb") as stored:
        upload = File(stored, name=PurePath(job.original_name).name)
        try:
            new_job = import_job_create(
                municipality=job.municipality,
                uploaded=upload,
                by=request.user,
                dry_run=dry_run,
                mapping=mapping,
                default_kind=default_kind,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workspace:import", pk=job.pk)
    return redirect("workspace:import", pk=new_job.pk)
