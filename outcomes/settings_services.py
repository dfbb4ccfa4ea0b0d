"""The writes of a municipality's own outcome settings (keyword-only, atomic, role-checked as
``outcomes.services`` and ``agreements.services`` are, with ``partnerships.access``): its 標準処理期間 per
procedure (editors), whether a procedure's figures are published (approvers, as publishing an agreement
is), its own procedures and its own closed days (editors).

A closed day changes which days are business days for the city, so adding or deleting one recomputes
the stored 処理日数 of the city's cases that span it (``Case.processing_days`` is computed at import) and
then the figures of their procedures; a new 標準処理期間 recomputes the procedure's figures (the share
within it). Publication changes no figure: the small-number rule applies when figures are read.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.access import require_officer
from partnerships.models import Role

from .cache import figures_changed
from .calendar import FIRST_DAY, LAST_DAY, BusinessCalendar
from .choices import ProcedureGroup
from .models import Case, ClosedDay, MunicipalProcedure, Procedure
from .services import figures_recompute

UNCHANGED = object()  # a keyword not given: the setting stays as it is


def _require_usable(municipality, procedure) -> None:
    """A national procedure, or one of this municipality's own: never another city's."""
    if procedure.municipality_id not in (None, municipality.pk):
        raise ValidationError(_("This procedure belongs to another municipality."))


@transaction.atomic
def procedure_settings_save(
    *, municipality, procedure, by, standard_days=UNCHANGED, publish_figures=UNCHANGED
) -> MunicipalProcedure:
    """Set the municipality's 標準処理期間 for the procedure (editors; None clears it) and/or whether its
    figures are published (approvers). A keyword not given is left as it is."""
    require_officer(by, municipality.pk, Role.EDITOR)
    _require_usable(municipality, procedure)
    setting, _created = MunicipalProcedure.objects.select_for_update().get_or_create(
        municipality=municipality, procedure=procedure
    )
    new_days = standard_days is not UNCHANGED and setting.standard_days != standard_days
    if new_days:
        setting.standard_days = standard_days
    new_publication = publish_figures is not UNCHANGED and setting.publish_figures != bool(publish_figures)
    if new_publication:
        require_officer(by, municipality.pk, Role.APPROVER)
        setting.publish_figures = bool(publish_figures)
    if new_days or new_publication:
        setting.full_clean()
        setting._history_user = by
        setting.save()
        # the cached comparisons and effects of this procedure
        transaction.on_commit(lambda: figures_changed(procedures=[procedure.pk]))
    if new_days:
        figures_recompute(municipality=municipality, procedures=[procedure])
    return setting


@transaction.atomic
def procedure_create_own(*, municipality, by, code: str, name: str, standard_days: int | None = None) -> Procedure:
    """Add a procedure of the municipality's own (editors). Its code may not be a national code nor one of
    the city's own codes, compared without case (as a case file's codes are)."""
    require_officer(by, municipality.pk, Role.EDITOR)
    code, name = code.strip(), name.strip()
    taken = Procedure.objects.filter(code__iexact=code).filter(municipality__isnull=True).exists() or (
        Procedure.objects.filter(code__iexact=code, municipality=municipality).exists()
    )
    if taken:
        raise ValidationError({"code": _("This code is already used by a procedure; choose another.")})
    procedure = Procedure(code=code, name=name, municipality=municipality, group=ProcedureGroup.OWN)
    procedure.full_clean()
    procedure._history_user = by
    procedure.save()
    if standard_days is not None:
        procedure_settings_save(municipality=municipality, procedure=procedure, by=by, standard_days=standard_days)
    return procedure


@transaction.atomic
def closed_day_add(*, municipality, by, date: datetime.date, name: str) -> ClosedDay:
    """Add a closed day of the municipality (editors) and recompute the 処理日数 of its cases spanning it."""
    require_officer(by, municipality.pk, Role.EDITOR)
    if not FIRST_DAY <= date <= LAST_DAY:
        raise ValidationError(
            {"date": _("Give a date from %(first)s to %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}}
        )
    day = ClosedDay(municipality=municipality, date=date, name=name.strip())
    day.full_clean()
    day._history_user = by
    day.save()
    _recount_and_recompute(municipality, date)
    return day


@transaction.atomic
def closed_day_delete(*, closed_day: ClosedDay, by) -> None:
    """Delete a closed day (editors) and recompute the 処理日数 of the municipality's cases spanning it."""
    municipality = closed_day.municipality
    require_officer(by, municipality.pk, Role.EDITOR)
    date = closed_day.date
    closed_day._history_user = by
    closed_day.delete()
    _recount_and_recompute(municipality, date)


def _recount_and_recompute(municipality, date) -> None:
    procedures = cases_recount(municipality=municipality, date=date)
    if procedures:
        figures_recompute(municipality=municipality, procedures=procedures)


def cases_recount(*, municipality, date: datetime.date) -> set[int]:
    """Recompute 処理日数 of the municipality's cases whose interval (受付日, 処分日] holds ``date``, with
    its closed days as they are now; the ids of the procedures whose cases changed. The caller holds the
    transaction."""
    calendar = BusinessCalendar(ClosedDay.objects.filter(municipality=municipality).values_list("date", flat=True))
    changed = []
    spanning = Case.objects.filter(municipality=municipality, received_on__lt=date, decided_on__gte=date).only(
        "pk",
        "procedure_id",
        "received_on",
        "decided_on",
        "correction_requested_on",
        "correction_done_on",
        "processing_days",
    )
    for case in spanning.iterator(chunk_size=2_000):
        days = calendar.processing_days(
            case.received_on, case.decided_on, case.correction_requested_on, case.correction_done_on
        )
        if days != case.processing_days:
            case.processing_days = days
            changed.append(case)
    Case.objects.bulk_update(changed, ["processing_days"], batch_size=2_000)
    return {case.procedure_id for case in changed}
