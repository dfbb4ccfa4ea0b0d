"""Service outcomes for officers: a municipality's procedures with its 標準処理期間 and whether their
figures are published, its own procedures and closed days (「手続と処理期間」), and importing case records
(「案件記録の取り込み」: 試し読み first, then import; a large file by a job, with a page of its own).

Every page is under the municipality's code: another municipality's is a 404. Viewers read; editors
change the periods, procedures and closed days and import; approvers publish. The services check every
write again. A case file up to KYOSO_CASE_IMPORT_SYNC_MAX_BYTES is read during the request and never
stored (not in MEDIA; its temporary file is closed at once). A larger one waits for its job in the private
upload directory (outside MEDIA, never served) and is deleted when the job ends."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outcomes.casefile import CaseFileRefused
from outcomes.models import Case, CaseImport, CaseImportJob, ClosedDay, MunicipalProcedure, Procedure
from outcomes.services import (
    UNFINISHED,
    case_import_job_create,
    cases_import,
    imports_at_once,
    job_message,
    problem_rows,
    refusal_message,
    sync_max_bytes,
)
from outcomes.settings_services import closed_day_add, closed_day_delete, procedure_create_own, procedure_settings_save
from partnerships.access import access_for, require_officer
from partnerships.models import Municipality, Role

from ..access import officer_rights, officer_view
from ..forms import add_service_errors
from ..outcome_forms import CaseFileForm, ClosedDayForm, OwnProcedureForm, ProcedureSettingsForm

RECENT_IMPORTS = 10
RECENT_JOBS = 5


def _municipality(request, code, at_least=Role.VIEWER):
    """One of the officer's municipalities by its code (another's is a 404; a lower role a 403)."""
    ids = access_for(request.user).municipalities()
    municipality = get_object_or_404(Municipality.objects.filter(pk__in=ids), code=code)
    require_officer(request.user, municipality.pk, at_least)
    return municipality


def _usable_procedures(municipality):
    """The national procedures and the municipality's own."""
    return Procedure.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality), active=True)


@officer_view
def outcomes_home(request):
    """The officer's municipality's page, or a choice when the officer serves several."""
    municipalities = list(
        Municipality.objects.filter(pk__in=access_for(request.user).municipalities()).order_by("code")
    )
    if len(municipalities) == 1:
        return redirect("workspace:outcome-procedures", code=municipalities[0].code)
    return render(request, "workspace/outcomes/choose.html", {"municipalities": municipalities})


@officer_view
def procedures(request, code):
    """「手続と処理期間」: every procedure with the municipality's settings and case count, and its closed
    days. A POST adds a closed day (editors)."""
    municipality = _municipality(request, code)
    rights = officer_rights(request.user, municipality.pk)
    form = ClosedDayForm(request.POST or None)
    if request.method == "POST":
        require_officer(request.user, municipality.pk, Role.EDITOR)
        if form.is_valid():
            try:
                closed_day_add(municipality=municipality, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The closed day was added; the processing days of its cases were recounted.")
                )
                return redirect("workspace:outcome-procedures", code=municipality.code)
    settings = {s.procedure_id: s for s in MunicipalProcedure.objects.filter(municipality=municipality)}
    counts = {
        row["procedure_id"]: row
        for row in Case.objects.filter(municipality=municipality)
        .values("procedure_id")
        .annotate(n=Count("id"), last=Max("decided_on"))
        .order_by()
    }
    rows = [
        {
            "procedure": p,
            "setting": settings.get(p.pk),
            "cases": counts.get(p.pk, {}).get("n", 0),
            "last": counts.get(p.pk, {}).get("last"),
        }
        for p in _usable_procedures(municipality).order_by(F("municipality").asc(nulls_first=True), "code")
    ]
    # the procedures the city works with (cases, a standard period, published figures) first, then the
    # rest of the catalogue in its order (a stable sort)
    rows.sort(key=lambda row: not (row["cases"] or _configured(row["setting"])))
    context = {
        "municipality": municipality,
        "rows": rows,
        "closed_days": list(ClosedDay.objects.filter(municipality=municipality).order_by("-date")),
        "form": form if rights["can_edit"] else None,
        **rights,
    }
    return render(request, "workspace/outcomes/procedures.html", context)


@officer_view
def procedure_settings(request, code, pk):
    """A procedure's 標準処理期間 (editors) and publication (approvers)."""
    municipality = _municipality(request, code, Role.EDITOR)
    procedure = get_object_or_404(_usable_procedures(municipality), pk=pk)
    setting = MunicipalProcedure.objects.filter(municipality=municipality, procedure=procedure).first()
    rights = officer_rights(request.user, municipality.pk)
    initial = {
        "standard_days": setting.standard_days if setting else None,
        "publish_figures": setting.publish_figures if setting else False,
    }
    form = ProcedureSettingsForm(request.POST or None, initial=initial, can_approve=rights["can_approve"])
    if request.method == "POST" and form.is_valid():
        changes = {"standard_days": form.cleaned_data["standard_days"]}
        if "publish_figures" in form.fields:
            changes["publish_figures"] = form.cleaned_data["publish_figures"]
        try:
            procedure_settings_save(municipality=municipality, procedure=procedure, by=request.user, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The settings of %(procedure)s were saved.") % {"procedure": procedure.name})
            return redirect("workspace:outcome-procedures", code=municipality.code)
    context = {"municipality": municipality, "procedure": procedure, "setting": setting, "form": form, **rights}
    return render(request, "workspace/outcomes/procedure_form.html", context)


@officer_view
def procedure_create(request, code):
    """Add a procedure of the municipality's own (editors)."""
    municipality = _municipality(request, code, Role.EDITOR)
    form = OwnProcedureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            procedure = procedure_create_own(municipality=municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The procedure %(code)s was added.") % {"code": procedure.code})
            return redirect("workspace:outcome-procedures", code=municipality.code)
    return render(request, "workspace/outcomes/procedure_create.html", {"municipality": municipality, "form": form})


@officer_view
@require_POST
def closed_day_remove(request, code, pk):
    """Delete a closed day (editors)."""
    municipality = _municipality(request, code, Role.EDITOR)
    day = get_object_or_404(ClosedDay.objects.filter(municipality=municipality), pk=pk)
    closed_day_delete(closed_day=day, by=request.user)
    messages.success(request, _("The closed day was deleted; the processing days of its cases were recounted."))
    return redirect("workspace:outcome-procedures", code=municipality.code)


@officer_view
def case_import(request, code):
    """「案件記録の取り込み」: 試し読み (checks every row, stores nothing) or import, within the row cap
    (KYOSO_CASE_IMPORT_MAX_ROWS): at once up to KYOSO_CASE_IMPORT_SYNC_MAX_BYTES, by a job beyond (the
    officer is sent to the job's page). The report names rows and columns, never a value."""
    municipality = _municipality(request, code, Role.EDITOR)
    form = CaseFileForm(request.POST or None, request.FILES or None)
    report, refusal = None, None
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("action") != "import"
        upload = form.cleaned_data["file"]
        try:
            if not imports_at_once(upload.size):
                try:
                    job = case_import_job_create(
                        municipality=municipality, name=upload.name, uploaded=upload, by=request.user, dry_run=dry_run
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.info(request, _("The file is large: it is being read in the background."))
                    return redirect("workspace:outcome-import-job", code=municipality.code, pk=job.pk)
            else:
                try:
                    result = cases_import(
                        municipality=municipality, name=upload.name, source=upload, by=request.user, dry_run=dry_run
                    )
                except CaseFileRefused as error:
                    refusal = _refusal(form, error)
                else:
                    if not dry_run:  # cases_import has recomputed the figures of the procedures imported
                        messages.success(request, _imported_message(result))
                        return redirect("workspace:outcome-import", code=municipality.code)
                    report = result
        finally:
            upload.close()  # a large upload's temporary file goes now, not at the end of the request
    # select_related: each row names who imported
    imports = CaseImport.objects.filter(municipality=municipality).select_related("imported_by")[:RECENT_IMPORTS]
    jobs = CaseImportJob.objects.filter(municipality=municipality).defer("problems")[:RECENT_JOBS]
    context = {
        "municipality": municipality,
        "form": form,
        "report": report,
        "refusal": refusal,
        "imports": imports,
        "jobs": jobs,
        "sync_mb": round(sync_max_bytes() / 1_048_576, 1),
    }
    return render(request, "workspace/outcomes/case_import.html", context)


@officer_view
def case_import_job(request, code, pk):
    """A case file imported by a job: its status (reload to follow it), then its counts or its problems by
    row and column. Editors of the municipality; another municipality's job is a 404."""
    municipality = _municipality(request, code, Role.EDITOR)
    job = get_object_or_404(CaseImportJob.objects.filter(municipality=municipality).select_related("created_by"), pk=pk)
    problems = job.problems or []
    context = {
        "municipality": municipality,
        "job": job,
        "finished": job.status not in UNFINISHED,
        "message": job_message(job),
        "job_problems": problems,
        "problem_count": (job.result or {}).get("problem_count", len(problems)),
    }
    return render(request, "workspace/outcomes/import_job.html", context)


def _refusal(form, error: CaseFileRefused) -> dict:
    """Put the refusal on the form (the error summary) and return the problems to list."""
    form.add_error("file", refusal_message(error))
    return {"problems": problem_rows(error), "total": error.total, "personal": error.personal}


def _imported_message(result) -> str:
    message = _("%(rows)s cases were imported: %(created)s added, %(replaced)s replaced.") % {
        "rows": result.rows,
        "created": result.created,
        "replaced": result.replaced,
    }
    if result.procedures_created:
        message += " " + _("Procedures of your own added: %(codes)s.") % {"codes": ", ".join(result.procedures_created)}
    return message


def _configured(setting) -> bool:
    """The city has set a standard period for this procedure or publishes its figures."""
    return setting is not None and (setting.standard_days is not None or setting.publish_figures)
