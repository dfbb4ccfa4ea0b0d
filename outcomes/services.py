"""Every write to service outcomes goes through these functions (keyword-only, atomic, role-checked as
``agreements.services`` does, with ``partnerships.access``): the commands, the task and — later — the
pages and the API call them.

``cases_import`` stores all rows of a case file or none, then recomputes the figures of the procedures it
touched (``figures_recompute``) and the linked KPIs' values, in the same transaction. ``cases_import``
stores all rows of a case file or none: a file with personal data, or with any row in
error, is refused whole and leaves nothing behind (no row, no file, no 案件ID — only the problems'
rows and columns are reported).

A file larger than ``KYOSO_CASE_IMPORT_SYNC_MAX_BYTES`` is imported by a job (``case_import_job_create``,
then ``tasks.case_import_run`` → ``case_import_job_run``): the upload waits in the private directory
``KYOSO_CASE_UPLOAD_DIR`` under a random name and is deleted when the job ends, whatever the outcome;
``case_uploads_sweep`` deletes what a dead job left after a day.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
from decimal import Decimal
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.models.common import validate_upload_size
from agreements.services import measurements_computed_save
from partnerships.access import require_officer
from partnerships.models import Role

from .cache import figures_changed
from .casefile import CaseFileRefused
from .catalogue import DATA_FILE, load_catalogue, read_catalogue
from .choices import PeriodKind, StandardIndicator
from .disclosure import shown, threshold_for
from .figures import figures_of
from .loading import CaseImportResult, load_cases  # the bulk write path (one pass over the file, bounded memory)
from .models import Case, CaseImport, CaseImportJob, CaseImportStatus, IndicatorLink, OutcomeFigure, Procedure
from .personal import personal_kind

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_YEARS = 5


# --- the catalogue -------------------------------------------------------------------------------------


@transaction.atomic
def procedures_load(*, path=DATA_FILE, model=Procedure) -> tuple[int, int]:
    """Create or update the national procedures from the data file (idempotent): (created, updated).
    ``model``: the historical Procedure in a data migration."""
    return load_catalogue(model, read_catalogue(path))


# --- importing cases -----------------------------------------------------------------------------------


def cases_import(
    *, municipality, name: str, source, by, dry_run: bool = False, today: datetime.date | None = None
) -> CaseImportResult:
    """Import a case file (``name`` for its kind: .csv or .xlsx; ``source`` bytes or a binary file) for
    ``municipality``. Editors of the municipality may (``by`` None: the system, e.g. a command).

    Raises ``CaseFileRefused`` — with the problems' rows and columns, never a value — and stores
    nothing when the file holds personal data or any row is wrong. A case whose 案件ID was imported
    before is replaced. ``dry_run`` checks and counts without writing."""
    require_officer(by, municipality.pk, Role.EDITOR)

    def recompute(used: set[int]) -> None:  # in the import's transaction, once its cases are written
        figures_recompute(municipality=municipality, procedures=used, today=today)

    return load_cases(
        municipality=municipality,
        name=name,
        source=source,
        by=by,
        dry_run=dry_run,
        today=today or timezone.localdate(),
        after_write=recompute,
    )


# --- what a refused file is told: rows and columns, never a value ---------------------------------------


def shown_column(column: str) -> str:
    """A problem's column as it may be shown: a header that itself looks like a value of personal data
    (a file without a header row) is not repeated."""
    if column and personal_kind(column) is not None:
        return _("(a column whose header is not shown)")
    return column


def problem_rows(error: CaseFileRefused) -> list[dict]:
    """The problems of a refused file as [{row, column, message}] (the first ``casefile.MAX_PROBLEMS``)."""
    return [{"row": p.row, "column": shown_column(p.column), "message": p.message} for p in error.problems]


def refusal_message(error: CaseFileRefused) -> str:
    """One sentence saying why the file was refused, and where (personal data: the first row and column)."""
    first = error.problems[0] if error.problems else None
    return _refusal_text(
        personal=error.personal,
        row=first.row if first else None,
        column=shown_column(first.column) if first else "",
        total=error.total,
    )


def _refusal_text(*, personal: bool, row, column: str, total: int) -> str:
    if personal and row is not None:
        if column:
            return _(
                "The file contains personal data, so none of it was imported (row %(row)s, column 「%(column)s」). "
                "Remove the column or the values and check the file again."
            ) % {"row": row, "column": column}
        return _(
            "The file contains personal data, so none of it was imported (row %(row)s). Remove the values "
            "and check the file again."
        ) % {"row": row}
    return _("The file was not imported: %(count)s problem(s) were found. Nothing was stored.") % {"count": total}


def import_result_fields(result: CaseImportResult) -> dict:
    """A ``CaseImportResult`` as JSON (a job's ``result``, the API's answer): counts and codes only."""
    return {
        "rows": result.rows,
        "created": result.created,
        "replaced": result.replaced,
        "procedures_created": list(result.procedures_created),
        "standard_days_set": dict(result.standard_days_set),
        "ignored_columns": [shown_column(c) for c in result.ignored_columns],
        "dry_run": result.dry_run,
    }


# --- importing a large file: a job ----------------------------------------------------------------------

FILE_KINDS = ("csv", "xlsx")
UPLOAD_MAX_AGE = datetime.timedelta(days=1)  # an upload no job is waiting for is deleted after this
DEFAULT_SYNC_MAX_BYTES = 5 * 1024 * 1024
UNFINISHED = (CaseImportStatus.QUEUED, CaseImportStatus.RUNNING)
# Why a job failed (its result's "reason"), said in the reader's language by ``job_message``.
FAILURE_MESSAGES = {
    "gone": gettext_lazy("The uploaded file is no longer here; nothing was imported. Upload it again."),
    "not_allowed": gettext_lazy("The officer who uploaded the file may no longer import for this municipality."),
    "error": gettext_lazy("The import stopped on an unexpected error; nothing was imported. Try again later."),
    "expired": gettext_lazy("The import did not run within a day; nothing was imported. Upload the file again."),
}


def job_message(job: CaseImportJob) -> str:
    """Why a failed job failed, in the active language ("" for the others)."""
    if job.status != CaseImportStatus.FAILED:
        return ""
    reason = (job.result or {}).get("reason", "error")
    if reason == "refused":
        first = job.problems[0] if job.problems else {}
        return _refusal_text(
            personal=bool(job.result.get("personal")),
            row=first.get("row"),
            column=first.get("column") or "",
            total=job.result.get("problem_count") or len(job.problems),
        )
    return str(FAILURE_MESSAGES.get(reason, FAILURE_MESSAGES["error"]))


def sync_max_bytes() -> int:
    """The largest case file imported while the officer waits (``KYOSO_CASE_IMPORT_SYNC_MAX_BYTES``)."""
    return int(getattr(settings, "KYOSO_CASE_IMPORT_SYNC_MAX_BYTES", DEFAULT_SYNC_MAX_BYTES))


def imports_at_once(size: int) -> bool:
    """Whether a file of ``size`` bytes is imported while the officer waits (else by a job)."""
    return size <= sync_max_bytes()


def case_file_kind(name: str) -> str:
    """The file's kind from its name, csv or xlsx; anything else is a ValidationError on ``file``."""
    kind = Path(name or "").suffix.lower().lstrip(".")
    if kind not in FILE_KINDS:
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    return kind


def upload_dir() -> Path:
    return Path(settings.KYOSO_CASE_UPLOAD_DIR)


def upload_path(job: CaseImportJob) -> Path:
    return upload_dir() / job.upload_token


def _write_upload(uploaded, token: str) -> Path:
    """Write the upload under its token, readable and writable by this user only (0600, in a 0700
    directory); created, never overwritten."""
    directory = upload_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask
        with os.fdopen(descriptor, "wb") as out:
            descriptor = None
            for chunk in uploaded.chunks():
                out.write(chunk)
    except BaseException:
        if descriptor is not None:
            os.close(descriptor)
        path.unlink(missing_ok=True)
        raise
    return path


def case_import_job_create(*, municipality, name: str, uploaded, by, dry_run: bool = False) -> CaseImportJob:
    """Keep the upload (a Django ``UploadedFile``, or bytes) in the private directory and queue its
    import, after the commit. Editors of the municipality, as ``cases_import``. The file's kind comes
    from ``name`` (.csv or .xlsx); its size is limited as every upload's (``KYOSO_MAX_UPLOAD_BYTES``);
    its rows are limited (``KYOSO_CASE_IMPORT_MAX_ROWS``) and checked by the job. The name is not kept."""
    require_officer(by, municipality.pk, Role.EDITOR)
    kind = case_file_kind(name)
    if isinstance(uploaded, bytes | bytearray):  # a command or a test
        uploaded = ContentFile(uploaded)
    try:
        validate_upload_size(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    token = secrets.token_hex(32)
    path = _write_upload(uploaded, token)
    try:
        with transaction.atomic():
            job = CaseImportJob.objects.create(
                municipality=municipality, kind=kind, upload_token=token, dry_run=dry_run, created_by=by
            )
            transaction.on_commit(lambda: _enqueue(job.pk))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    logger.info("case import job %s queued for %s", job.pk, municipality.code)
    return job


CASE_IMPORT_TASK = "outcomes.case_import"  # tasks.case_import_run, sent by name: the task imports this module


def _enqueue(job_id: int) -> None:
    try:
        current_app.send_task(CASE_IMPORT_TASK, args=[job_id])
    except Exception as error:  # noqa: BLE001 — the job stays queued; case_uploads_sweep ends it after a day
        logger.warning("could not enqueue case import job %s (%s)", job_id, type(error).__name__)


def _finish(job: CaseImportJob, status: str, *, result: dict, problems: list | None = None) -> None:
    job.status, job.result, job.problems = status, result, problems or []
    if status == CaseImportStatus.FAILED:
        job.case_import = None  # an import rolled back with the failure
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "problems", "case_import", "finished_at"])


def case_import_job_run(*, job_id: int) -> CaseImportJob | None:
    """Run one job (the task holds its lock): import the waiting file with ``cases_import`` as the
    officer who uploaded it, record the counts — or the refusal's rows and columns, or a message — and
    delete the file, whatever happens. A job already finished does nothing (but delete a file left
    behind); a job left running by a worker that died runs again from the start, which is safe: the
    import and the job's success are one transaction."""
    job = CaseImportJob.objects.select_related("municipality", "created_by").filter(pk=job_id).first()
    if job is None:
        return None
    path = upload_path(job)
    try:
        if job.status not in UNFINISHED:
            return job
        job.status, job.started_at = CaseImportStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
        with translation.override(settings.LANGUAGE_CODE):  # the problems' messages, kept as written
            _run(job, path)
    finally:
        path.unlink(missing_ok=True)
    return job


def _run(job: CaseImportJob, path: Path) -> None:
    if job.created_by_id is None:  # the account was deleted: nobody may import for it
        _finish(job, CaseImportStatus.FAILED, result={"reason": "not_allowed"})
        return
    try:
        with transaction.atomic():
            with path.open("rb") as source:
                result = cases_import(
                    municipality=job.municipality,
                    name=f"cases.{job.kind}",
                    source=source,
                    by=job.created_by,
                    dry_run=job.dry_run,
                )
            if not job.dry_run:  # the import lock is held until this commits: the newest record is this one
                job.case_import = CaseImport.objects.filter(municipality=job.municipality).order_by("-pk").first()
            _finish(job, CaseImportStatus.SUCCEEDED, result=import_result_fields(result))
    except CaseFileRefused as error:
        result = {"reason": "refused", "problem_count": error.total, "personal": error.personal}
        _finish(job, CaseImportStatus.FAILED, result=result, problems=problem_rows(error))
        logger.info("case import job %s refused: %s problem(s)", job.pk, error.total)
    except FileNotFoundError:
        _finish(job, CaseImportStatus.FAILED, result={"reason": "gone"})
        logger.warning("case import job %s: its upload is gone", job.pk)
    except PermissionDenied:
        _finish(job, CaseImportStatus.FAILED, result={"reason": "not_allowed"})
    except Exception as error:  # noqa: BLE001 — the job must end, and its message say nothing of the file
        # the type only: an exception's text or traceback could quote a cell of the file
        logger.error("case import job %s stopped on %s", job.pk, type(error).__name__)  # noqa: TRY400
        _finish(job, CaseImportStatus.FAILED, result={"reason": "error"})


def case_uploads_sweep(*, now: datetime.datetime | None = None) -> int:
    """End the jobs that have waited more than a day (failed, their file deleted) and delete every file
    of the upload directory older than a day that no waiting job owns (a worker that died, a request
    that failed after writing it). The number of files deleted."""
    now = now or timezone.now()
    cutoff = now - UPLOAD_MAX_AGE
    CaseImportJob.objects.filter(status__in=UNFINISHED, created_at__lt=cutoff).update(
        status=CaseImportStatus.FAILED, finished_at=now, result={"reason": "expired"}
    )
    directory = upload_dir()
    if not directory.is_dir():
        return 0
    waiting = set(CaseImportJob.objects.filter(status__in=UNFINISHED).values_list("upload_token", flat=True))
    removed = 0
    for path in directory.iterdir():
        try:
            if not path.is_file() or path.name in waiting or path.stat().st_mtime >= cutoff.timestamp():
                continue
            path.unlink()
        except FileNotFoundError:  # deleted meanwhile by its job
            continue
        removed += 1
    return removed


# --- figures and linked KPIs ---------------------------------------------------------------------------

# What marks a KPI value computed by Kyoso (Measurement.source), and how each standard indicator is said.
COMPUTED_SOURCE = "案件記録（Kyoso による自動計算）"
INDICATOR_WORDS = {
    StandardIndicator.MEDIAN_DAYS: "処理日数の中央値、営業日",
    StandardIndicator.P90_DAYS: "処理日数の90パーセンタイル（順位間の線形補間）、営業日",
    StandardIndicator.WITHIN_STANDARD_SHARE: "標準処理期間内に処理した割合",
    StandardIndicator.ONLINE_SHARE: "オンライン申請の割合（申請方法の記載がある案件中）",
    StandardIndicator.CORRECTION_SHARE: "補正を要した案件の割合",
    StandardIndicator.SATISFACTION_MEAN: "満足度の平均（回答のある案件）",
}
SHARES = {
    StandardIndicator.WITHIN_STANDARD_SHARE,
    StandardIndicator.ONLINE_SHARE,
    StandardIndicator.CORRECTION_SHARE,
}
PERCENT_UNITS = {"%", "％", "パーセント", "percent"}
# The units a KPI may have to be linked to each standard indicator (compared as ``unit.strip().lower()``,
# as ``_measurement_value`` does; docs/guide-outcomes.md). A share in a percent unit is given ×100, in a
# ratio unit as it is (0–1); a satisfaction mean is a score from 1 to 5.
DAY_UNITS = ("日", "日間", "営業日", "days", "day", "business days", "working days")
RATIO_UNITS = ("割合", "比率", "ratio")
SCORE_UNITS = ("点", "点（5段階）", "点(5段階)", "score", "points", "-", "－")
LINKABLE_UNITS = {
    StandardIndicator.MEDIAN_DAYS: DAY_UNITS,
    StandardIndicator.P90_DAYS: DAY_UNITS,
    StandardIndicator.WITHIN_STANDARD_SHARE: ("%", "％", "パーセント", "percent", *RATIO_UNITS),
    StandardIndicator.ONLINE_SHARE: ("%", "％", "パーセント", "percent", *RATIO_UNITS),
    StandardIndicator.CORRECTION_SHARE: ("%", "％", "パーセント", "percent", *RATIO_UNITS),
    StandardIndicator.SATISFACTION_MEAN: SCORE_UNITS,
}


def _procedure_ids(procedures) -> set[int] | None:
    if procedures is None:
        return None
    return {getattr(p, "pk", p) for p in procedures}


@transaction.atomic
def figures_recompute(*, municipality, procedures=None, today: datetime.date | None = None) -> int:
    """Recompute ``municipality``'s figures (of ``procedures`` — Procedure objects or ids — or of all)
    from its cases, then the values of the KPIs linked to them; the number of figures stored.

    A period that began before the retention cutoff may have lost cases to the retention job: once
    computed, its figure is kept as it is (computed figures stay, docs/outcomes.md). Every later period
    is rebuilt, and one without cases any more disappears."""
    ids = _procedure_ids(procedures)
    years = int(getattr(settings, "KYOSO_CASE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))
    cutoff = retention_cutoff(today or timezone.localdate(), years)
    stored = OutcomeFigure.objects.filter(municipality=municipality)
    if ids is not None:
        stored = stored.filter(procedure_id__in=ids)
    kept = set(stored.filter(period_start__lt=cutoff).values_list("procedure_id", "period", "period_start"))
    stored.filter(period_start__gte=cutoff).delete()
    figures = [
        f
        for f in figures_of(municipality, ids, computed_at=timezone.now())
        if (f.procedure_id, f.period, f.period_start) not in kept
    ]
    OutcomeFigure.objects.bulk_create(figures, batch_size=1_000)
    linked_measurements_update(municipality=municipality, procedures=ids)
    transaction.on_commit(lambda: figures_changed(procedures=ids))  # the cached comparisons and effects
    return len(figures)


def public_figures(*, municipality, procedure, public: bool = True):
    """The figures of one procedure (months and fiscal years) as they may be shown: withheld values
    None for the public (``disclosure``), everything for members (``public=False``)."""
    figures = OutcomeFigure.objects.filter(municipality=municipality, procedure=procedure).order_by(
        "period", "period_start"
    )
    return shown(figures, threshold=threshold_for(municipality), public=public)


def _measurement_value(link, row):
    value = row.values[link.kind]
    if value is None:
        return None
    if link.kind in SHARES and link.indicator.unit.strip().lower() in PERCENT_UNITS:
        value = (value * 100).quantize(Decimal("0.01"))
    return value


def _method(link, row) -> str:
    words = INDICATOR_WORDS[link.kind]
    if link.kind == StandardIndicator.WITHIN_STANDARD_SHARE and row.standard_days:
        words += f"（{row.standard_days}営業日以内）"
    return f"案件記録から自動計算（{link.procedure.code} {link.procedure.name}、{words}、n={row.values['n']}）"


def linked_measurements_update(*, municipality, procedures=None) -> int:
    """Save the values of the KPIs of ``municipality``'s agreements linked to these procedures (all:
    None) from the figures as the public may read them: a withheld figure gives no value. The system
    writes them (no user). The number of values written or deleted."""
    links = IndicatorLink.objects.filter(indicator__agreement__municipality=municipality).select_related(
        "indicator__agreement", "procedure"
    )
    ids = _procedure_ids(procedures)
    if ids is not None:
        links = links.filter(procedure_id__in=ids)
    changed = 0
    rows_of: dict[int, list] = {}
    for link in links:
        if link.procedure_id not in rows_of:
            rows_of[link.procedure_id] = public_figures(municipality=municipality, procedure=link.procedure)
        values = []
        for row in rows_of[link.procedure_id]:
            value = _measurement_value(link, row) if row.period == link.period else None
            if value is None:
                continue
            values.append(
                {
                    "period_start": row.period_start,
                    "period_end": row.period_end,
                    "value": value,
                    "sample_size": row.values["n"],
                    "method": _method(link, row),
                }
            )
        changed += measurements_computed_save(indicator=link.indicator, source=COMPUTED_SOURCE, values=values)
    return changed


@transaction.atomic
def indicator_link_save(*, indicator, procedure, kind: str, period: str = PeriodKind.FISCAL_YEAR, by) -> IndicatorLink:
    """Link a KPI to (procedure, standard indicator, period kind); its values are computed at once from
    the figures, and again after every import. Editors of the agreement's municipality. The procedure
    is national or the municipality's own."""
    municipality = indicator.agreement.municipality
    require_officer(by, municipality.pk, Role.EDITOR)
    if procedure.municipality_id not in (None, municipality.pk):
        raise ValidationError({"procedure": _("This procedure belongs to another municipality.")})
    unit_suits_indicator(unit=indicator.unit, kind=kind)
    # the KPI's row locked: two editors linking it at once are served one after the other (one link per KPI)
    type(indicator).objects.select_for_update().filter(pk=indicator.pk).first()
    link = IndicatorLink.objects.filter(indicator=indicator).first() or IndicatorLink(indicator=indicator)
    link.procedure, link.kind, link.period = procedure, kind, period
    link.full_clean()
    link._history_user = by
    link.save()
    linked_measurements_update(municipality=municipality, procedures=[procedure.pk])
    return link


def unit_suits_indicator(*, unit: str, kind: str) -> None:
    """The one unit rule of a linked KPI: its unit must suit the standard indicator (``LINKABLE_UNITS``),
    else ``ValidationError`` on ``kind`` telling the officer what to change. An unknown kind is left to
    the model's validation."""
    accepted = LINKABLE_UNITS.get(kind)
    if accepted is None or (unit or "").strip().lower() in accepted:
        return
    shown = [f"{u}（0〜1）" if u in RATIO_UNITS else u for u in accepted if u not in ("-", "－", "day")]
    message = _(
        "The unit “%(unit)s” does not suit %(indicator)s. Change the KPI's unit on the agreement page to one "
        "of %(accepted)s, or choose another standard indicator."
    ) % {
        "unit": (unit or "").strip() or "—",
        "indicator": StandardIndicator(kind).label,
        "accepted": " / ".join(shown),
    }
    raise ValidationError({"kind": message})


@transaction.atomic
def indicator_link_delete(*, indicator, by) -> None:
    """Unlink a KPI: it becomes a custom KPI again; the values computed so far stay as they are."""
    require_officer(by, indicator.agreement.municipality_id, Role.EDITOR)
    for link in IndicatorLink.objects.filter(indicator=indicator):
        link._history_user = by
        link.delete()


# --- retention -----------------------------------------------------------------------------------------


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` years before ``today`` (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@transaction.atomic
def cases_delete_expired(*, today: datetime.date | None = None) -> int:
    """Delete the cases decided before the retention cutoff (``KYOSO_CASE_RETENTION_YEARS`` years before
    today); their number. Computed figures are not cases and stay."""
    years = int(getattr(settings, "KYOSO_CASE_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))
    cutoff = retention_cutoff(today or timezone.localdate(), years)
    deleted, _per_model = Case.objects.filter(decided_on__lt=cutoff).delete()
    return deleted
