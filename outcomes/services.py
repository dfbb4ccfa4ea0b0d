"""Every write to service outcomes goes through these functions (keyword-only, atomic, role-checked as
``agreements.services`` does, with ``partnerships.access``): the commands, the task and — later — the
pages and the API call them.

``cases_import`` stores all rows of a case file or none, then recomputes the figures of the procedures it
touched (``figures_recompute``) and the linked KPIs' values, in the same transaction. ``cases_import``
stores all rows of a case file or none: a file with personal data, or with any row in
error, is refused whole and leaves nothing behind (no row, no file, no 案件ID — only the problems'
rows and columns are reported).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.services import measurements_computed_save
from core.copy import copy_rows, copy_supported
from partnerships.access import require_officer
from partnerships.models import Role

from .casefile import (
    CODE,
    NAME,
    CheckedRow,
    Problem,
)
from .catalogue import DATA_FILE, load_catalogue, read_catalogue
from .choices import PeriodKind, StandardIndicator
from .disclosure import shown, threshold_for
from .figures import figures_of
from .models import Case, IndicatorLink, MunicipalProcedure, OutcomeFigure, Procedure

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
    from .loading import load_cases  # the bulk write path (one pass over the file, bounded memory)

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
    link = IndicatorLink.objects.filter(indicator=indicator).first() or IndicatorLink(indicator=indicator)
    link.procedure, link.kind, link.period = procedure, kind, period
    link.full_clean()
    link._history_user = by
    link.save()
    linked_measurements_update(municipality=municipality, procedures=[procedure.pk])
    return link


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
