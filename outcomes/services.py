"""Every write to service outcomes goes through these functions (keyword-only, atomic, role-checked as
``agreements.services`` does, with ``partnerships.access``): the commands, the task and — later — the
pages and the API call them.

``cases_import`` stores all rows of a case file or none: a file with personal data, or with any row in
error, is refused whole and leaves nothing behind (no row, no file, no 案件ID — only the problems'
rows and columns are reported).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.copy import copy_rows, copy_supported
from partnerships.access import require_officer
from partnerships.models import Role

from .calendar import BusinessCalendar
from .casefile import (
    CODE,
    NAME,
    CaseFileRefused,
    CheckedRow,
    Problem,
    case_key_hasher,
    check_personal,
    check_rows,
    days_of,
    read_case_file,
)
from .catalogue import DATA_FILE, load_catalogue, read_catalogue
from .choices import ProcedureGroup
from .models import Case, CaseImport, ClosedDay, MunicipalProcedure, Procedure

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_YEARS = 5
DELETE_BATCH = 5_000  # keys per DELETE on databases without arrays (SQLite)


# --- the catalogue -------------------------------------------------------------------------------------


@transaction.atomic
def procedures_load(*, path=DATA_FILE, model=Procedure) -> tuple[int, int]:
    """Create or update the national procedures from the data file (idempotent): (created, updated).
    ``model``: the historical Procedure in a data migration."""
    return load_catalogue(model, read_catalogue(path))


# --- importing cases -----------------------------------------------------------------------------------


@dataclass
class CaseImportResult:
    rows: int
    created: int
    replaced: int
    procedures_created: list[str] = field(default_factory=list)  # codes of the city's new procedures
    standard_days_set: dict[str, int] = field(default_factory=dict)  # code → 標準処理期間 from the file
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def cases_import(
    *, municipality, name: str, source, by, dry_run: bool = False, today: datetime.date | None = None
) -> CaseImportResult:
    """Import a case file (``name`` for its kind: .csv or .xlsx; ``source`` bytes or a binary file) for
    ``municipality``. Editors of the municipality may (``by`` None: the system, e.g. a command).

    Raises ``CaseFileRefused`` — with the problems' rows and columns, never a value — and stores
    nothing when the file holds personal data or any row is wrong. A case whose 案件ID was imported
    before is replaced. ``dry_run`` checks and counts without writing."""
    require_officer(by, municipality.pk, Role.EDITOR)
    headers, rows = read_case_file(name, source)
    check_personal(headers, rows)
    checked = check_rows(headers, rows, today=today or timezone.localdate())
    del rows  # the raw cells (案件ID included) are not needed any more
    procedures, to_create, problems = _resolve_procedures(municipality, checked.rows)
    if problems:
        raise CaseFileRefused(problems[:500], total=len(problems))
    standard_days = _standard_days(checked.rows)
    calendar = BusinessCalendar(ClosedDay.objects.filter(municipality=municipality).values_list("date", flat=True))
    days = days_of(checked.rows, calendar)
    hasher = case_key_hasher(municipality.code)
    keys = [hasher(row.case_id) for row in checked.rows]
    result = CaseImportResult(
        rows=len(checked.rows),
        created=0,
        replaced=0,
        procedures_created=sorted(to_create),
        standard_days_set=standard_days,
        ignored_columns=checked.ignored_columns,
        dry_run=dry_run,
    )
    if dry_run:
        result.replaced = _existing(municipality, keys)
        result.created = result.rows - result.replaced
        return result
    with transaction.atomic():
        _import_lock(municipality)
        for code, name_ in to_create.items():
            procedure = Procedure(code=code, name=name_, municipality=municipality, group=ProcedureGroup.OWN)
            procedure.full_clean()
            procedure._history_user = by
            procedure.save()
            procedures[code.upper()] = procedure
        _set_standard_days(municipality, procedures, standard_days, by=by)
        result.replaced = _delete_keys(municipality, keys)
        result.created = result.rows - result.replaced
        _insert(municipality, checked.rows, keys, days, procedures)
        CaseImport.objects.create(
            municipality=municipality,
            imported_by=by,
            rows=result.rows,
            created=result.created,
            replaced=result.replaced,
            procedures_created=len(to_create),
        )
    logger.info(
        "cases imported for %s: %s rows (%s replaced)", municipality.code, result.rows, result.replaced
    )  # counts only: never a value of the file
    return result


def _resolve_procedures(municipality, rows: list[CheckedRow]):
    """({CODE: Procedure} of the codes used, {code: name} to create as the city's own, problems)."""
    usable = list(Procedure.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality), active=True))
    # A city's own code never hides a national one: the national procedures are put last, so they win.
    known = {p.code.upper(): p for p in sorted(usable, key=lambda p: p.municipality_id is None)}
    to_create: dict[str, str] = {}
    names: dict[str, tuple[str, int]] = {}
    problems = []
    for row in rows:
        code = row.code.upper()
        if code in known:
            continue
        if not row.name:
            problems.append(
                Problem(row.row, CODE, _("unknown procedure code; give 手続名 to add it as this municipality's own."))
            )
            continue
        first = names.setdefault(code, (row.name, row.row))
        if first[0] != row.name:
            problems.append(
                Problem(row.row, NAME, _("another name than in row %(row)s for the same new code.") % {"row": first[1]})
            )
        to_create.setdefault(row.code, row.name)
    return known, to_create, problems


def _standard_days(rows: list[CheckedRow]) -> dict[str, int]:
    """code → the 標準処理期間 the file gives for it (the last row's, when rows differ)."""
    return {row.code.upper(): row.standard_days for row in rows if row.standard_days is not None}


def _set_standard_days(municipality, procedures, standard_days: dict[str, int], *, by) -> None:
    for code, days in standard_days.items():
        procedure = procedures[code]
        setting, _created = MunicipalProcedure.objects.get_or_create(municipality=municipality, procedure=procedure)
        if setting.standard_days != days:
            setting.standard_days = days
            setting.full_clean()
            setting._history_user = by
            setting.save()


def _import_lock(municipality) -> None:
    """One import per municipality at a time (PostgreSQL; SQLite serialises writes by itself)."""
    if connection.vendor != "postgresql":
        return
    name = f"outcomes-import:{municipality.code}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _existing(municipality, keys: list[str]) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {Case._meta.db_table} WHERE municipality_id = %s AND case_key = ANY(%s)",  # noqa: S608 — our table name
                [municipality.pk, keys],
            )
            return cursor.fetchone()[0]
    return sum(
        Case.objects.filter(municipality=municipality, case_key__in=keys[i : i + DELETE_BATCH]).count()
        for i in range(0, len(keys), DELETE_BATCH)
    )


def _delete_keys(municipality, keys: list[str]) -> int:
    """Delete the cases these keys replace; their number."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Case._meta.db_table} WHERE municipality_id = %s AND case_key = ANY(%s)",  # noqa: S608 — our table name
                [municipality.pk, keys],
            )
            return cursor.rowcount
    deleted = 0
    for i in range(0, len(keys), DELETE_BATCH):
        deleted += Case.objects.filter(municipality=municipality, case_key__in=keys[i : i + DELETE_BATCH]).delete()[0]
    return deleted


COLUMNS = (
    "municipality_id",
    "procedure_id",
    "case_key",
    "received_on",
    "decided_on",
    "correction_requested_on",
    "correction_done_on",
    "channel",
    "satisfaction",
    "processing_days",
    "calendar_days",
    "imported_at",
)


def _insert(municipality, rows: list[CheckedRow], keys, days, procedures) -> None:
    now = timezone.now()
    m = municipality.pk
    values = (
        (
            m,
            procedures[row.code.upper()].pk,
            key,
            row.received,
            row.decided,
            row.requested,
            row.done,
            row.channel,
            row.satisfaction,
            processing,
            calendar,
            now,
        )
        for row, key, (processing, calendar) in zip(rows, keys, days, strict=True)
    )
    if copy_supported():
        copy_rows(Case, COLUMNS, values)
        return
    Case.objects.bulk_create((Case(**dict(zip(COLUMNS, value, strict=True))) for value in values), batch_size=2_000)


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
