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
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.services import measurements_computed_save
from partnerships.access import require_officer
from partnerships.models import Role

from .catalogue import DATA_FILE, load_catalogue, read_catalogue
from .choices import PeriodKind, StandardIndicator
from .disclosure import shown, threshold_for
from .figures import figures_of
from .loading import CaseImportResult, load_cases  # the bulk write path (one pass over the file, bounded memory)
from .models import Case, IndicatorLink, OutcomeFigure, Procedure

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
