"""Every write to agreements goes through these functions: views, admin, API, tasks and commands.

Each validates with the model's rules (full_clean), checks the actor's role, records the actor in
the history, and runs in one transaction.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import NoticeKind
from notifications.services import notice_create
from partnerships.access import access_for, require_officer
from partnerships.models import Role
from partnerships.selectors import officers_of, partner_users_of

from .choices import AGREEMENT_TRANSITIONS, AgreementStatus, AmendmentKind, DeliverableStatus, MeasuredBy, ReviewStatus
from .models import (
    Agreement,
    AgreementSummary,
    Amendment,
    Deliverable,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
    PublicChangeKind,
    agreement_id_of,
)
from .publicity import record_public_changes
from .selectors import VERDICTS, kpi_verdict, latest_accepted_value


def _save(instance, *, by, exclude=None, **save_kwargs):
    """Validate and save, recording who made the change in the history."""
    instance.full_clean(exclude=exclude)
    instance._history_user = by
    instance.save(**save_kwargs)
    return instance


def _public_change(agreement, *, was_published=False, kind=PublicChangeKind.CHANGED, children=False) -> None:
    """Record the change if the public sees it (the agreement is published, or was until now): the
    last step of every service, see ``agreements.publicity``. ``children``: the change shows in the
    published individual agreements made under this one too (their releases name the parent)."""
    if not (agreement.published or was_published):
        return
    ids = [agreement.pk]
    if children:
        ids += list(agreement.children.filter(published=True).values_list("pk", flat=True))
    record_public_changes(ids, kind=kind)


# --- agreements --------------------------------------------------------------------------------


def agreement_next_public_ids(*, municipality, year: int, count: int, taken=()) -> list[str]:
    """The next ``count`` free public ids of a municipality for a year: 272299-2024-001, -002, …

    The one numbering rule, for one agreement (agreement_create) and for an import's thousands (one read
    per year, not one per agreement): continue after the highest number stored, or in ``taken`` (ids the
    caller is about to write, such as those an import's file gives). Takes ``agreement_public_ids_lock``,
    so the ids stay the caller's until its transaction ends: call it inside the transaction that writes
    them, and for several years in ascending order (two writers then never wait for each other)."""
    agreement_public_ids_lock(municipality=municipality, year=year)
    prefix = f"{municipality.code}-{year}-"
    own = re.compile(re.escape(prefix) + r"(\d+)")
    stored = Agreement.objects.filter(public_id__startswith=prefix).values_list("public_id", flat=True)
    last = max((int(m.group(1)) for pid in (*stored, *taken) if (m := own.fullmatch(pid))), default=0)
    return [f"{prefix}{number:03d}" for number in range(last + 1, last + 1 + count)]


def agreement_next_public_id(*, municipality, year: int) -> str:
    """The next free public id of a municipality for a year (``agreement_next_public_ids``' rule)."""
    return agreement_next_public_ids(municipality=municipality, year=year, count=1)[0]


def agreement_public_ids_lock(*, municipality, year: int) -> None:
    """Hold the allocation of a municipality's public ids for a year until the transaction ends.

    PostgreSQL: a transaction advisory lock, so concurrent creators read the highest number one after
    the other and never compete for the same one. SQLite serialises writes by itself."""
    if connection.vendor != "postgresql":
        return
    name = f"agreement-public-id:{municipality.code}-{year}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def agreement_create(
    *, municipality, by, fields=(), public_id: str | None = None, agreement: Agreement | None = None, **data
) -> Agreement:
    """Log a new agreement as a draft, with a fresh public id unless one is given (imports).

    ``agreement``: an unsaved agreement a form has filled in (the admin), instead of ``data``;
    ``fields`` None leaves its cooperation fields to the form."""
    require_officer(by, municipality.pk, Role.EDITOR)
    if agreement is None:
        agreement = Agreement(**data)
    agreement.municipality = municipality
    agreement.created_by = by
    agreement.status, agreement.published, agreement.published_at = AgreementStatus.DRAFT, False, None
    year = (agreement.signed_on or timezone.localdate()).year
    for _attempt in range(5):
        agreement.public_id = public_id or agreement_next_public_id(municipality=municipality, year=year)
        try:
            with transaction.atomic():
                # An id we allocate is unique by construction: full_clean's uniqueness check would only
                # turn a lost race into a 400 before the retry below could take the next number.
                _save(agreement, by=by, exclude=None if public_id else ["public_id"])
                if fields is not None:
                    agreement.fields.set(fields)
            return agreement
        except IntegrityError:
            # Another officer took the same number at the same moment (without the lock: SQLite, imports).
            if public_id:
                raise
            agreement.pk = None
            agreement._state.adding = True
    raise ValidationError(_("Could not assign a public id; please try again."))


@transaction.atomic
def agreement_update(*, agreement, by, fields=None, **data) -> Agreement:
    """Change an agreement's editable fields (not its status or publication)."""
    require_officer(by, agreement.municipality_id, Role.EDITOR)
    for name in ("status", "published", "published_at", "public_id", "municipality"):
        if name in data:
            raise ValidationError({name: _("This field is changed by its own action, not by editing.")})
    for name, value in data.items():
        setattr(agreement, name, value)
    _save(agreement, by=by)
    if fields is not None:
        agreement.fields.set(fields)
    _public_change(agreement, children=True)
    return agreement


def agreement_move_refusal(*, agreement, to) -> str | None:
    """Why the agreement cannot move from its status to ``to``, or None: the transition rule of the
    status actions, for an import re-writing a stored agreement's status to ask first."""
    current, to = AgreementStatus(agreement.status), AgreementStatus(to)
    if to not in AGREEMENT_TRANSITIONS[current]:
        return _("An agreement cannot move from %(old)s to %(new)s.") % {"old": current.label, "new": to.label}
    return None


def agreement_status_on(*, signed_on, ends_on, auto_renewal: bool, today) -> AgreementStatus:
    """The status an agreement's dates give it on ``today``: a draft until it is signed; expired once its
    end date has passed (on ``ends_on`` itself it is still in force) unless it renews automatically;
    otherwise active. The rule of the nightly expiry (``agreements.jobs.agreements_expire_due``) and of an
    import inferring the status of a list's rows, so that an imported row is what the job would make it."""
    if signed_on is None:
        return AgreementStatus.DRAFT
    if ends_on is not None and ends_on < today and not auto_renewal:
        return AgreementStatus.EXPIRED
    return AgreementStatus.ACTIVE


# --- what publishing needs ----------------------------------------------------------------------
# One rule for every path that publishes (pages, API, admin, import): the required items of the
# checklist the confirmation page shows. An agreement is published once it has been signed (in force,
# or ended: the public record of an agreement stays honest after it ends), with the date it was
# signed, at least one partner, a summary and its cooperation fields; initiatives with deliverables and
# KPIs are recommended (the page says so) but not required — many cities publish the agreement first.
PUBLISHABLE_STATUSES = frozenset({AgreementStatus.ACTIVE, AgreementStatus.EXPIRED, AgreementStatus.TERMINATED})


@dataclass(frozen=True)
class PublicationCheck:
    field: str  # the API field the problem is reported under
    label: str
    required: bool
    done: bool


def publication_checklist(
    *, status, signed_on, parties: int, summary: str, fields: int, deliverables: int = 0, indicators: int = 0
) -> list[PublicationCheck]:
    """The checklist of publishing, from plain values (an import row checks before anything is saved)."""
    return [
        PublicationCheck("status", _("Signed: the status is in force, expired or terminated"), True,
                         status in PUBLISHABLE_STATUSES),
        PublicationCheck("signed_on", _("The date signed is given"), True, signed_on is not None),
        PublicationCheck("parties", _("At least one partner"), True, parties > 0),
        PublicationCheck("summary", _("A summary for residents"), True, bool((summary or "").strip())),
        PublicationCheck("fields", _("At least one cooperation field"), True, fields > 0),
        PublicationCheck("deliverables", _("Deliverables (recommended)"), False, deliverables > 0),
        PublicationCheck("indicators", _("KPIs with a baseline and a target (recommended)"), False, indicators > 0),
    ]  # fmt: skip


def agreement_publication_checklist(agreement) -> list[PublicationCheck]:
    """The checklist of a stored agreement (four counting queries)."""
    return publication_checklist(
        status=agreement.status,
        signed_on=agreement.signed_on,
        parties=agreement.parties.count(),
        summary=agreement.summary,
        fields=agreement.fields.count(),
        deliverables=Deliverable.objects.filter(initiative__agreement=agreement).count(),
        indicators=agreement.indicators.count(),
    )


def publication_refusal(checklist: list[PublicationCheck]) -> dict[str, list[str]]:
    """{field: [message]} of the required items missing: empty when the agreement may be published."""
    return {
        check.field: [_("Needed before publishing: %(item)s.") % {"item": check.label}]
        for check in checklist
        if check.required and not check.done
    }


def agreement_publication_fields(*, at=None) -> dict:
    """What publishing sets on an agreement (published, since when): agreement_publish's fields, for an
    import whose rows are published as they are written."""
    return {"published": True, "published_at": at or timezone.now()}


def _agreement_move(agreement, *, to, by, role=Role.EDITOR, **changes) -> Agreement:
    require_officer(by, agreement.municipality_id, role)
    refusal = agreement_move_refusal(agreement=agreement, to=to)
    if refusal:
        raise ValidationError({"status": refusal})
    for name, value in changes.items():
        setattr(agreement, name, value)
    agreement.status = to
    _save(agreement, by=by)
    _public_change(agreement)
    return agreement


@transaction.atomic
def agreement_start_negotiation(*, agreement, by) -> Agreement:
    """draft → negotiating."""
    return _agreement_move(agreement, to=AgreementStatus.NEGOTIATING, by=by)


@transaction.atomic
def agreement_activate(*, agreement, by, signed_on=None) -> Agreement:
    """draft / negotiating → active: the agreement has been signed."""
    changes = {"signed_on": signed_on} if signed_on else {}
    return _agreement_move(agreement, to=AgreementStatus.ACTIVE, by=by, **changes)


@transaction.atomic
def agreement_expire(*, agreement, by=None) -> Agreement:
    """active → expired: the end date has passed without renewal."""
    return _agreement_move(agreement, to=AgreementStatus.EXPIRED, by=by)


@transaction.atomic
def agreement_renew(*, agreement, ends_on, by=None) -> Agreement:
    """An automatically renewing agreement gets its next period; the renewal is kept as an amendment."""
    if agreement.status != AgreementStatus.ACTIVE or not agreement.auto_renewal:
        raise ValidationError(_("Only an active agreement that renews automatically can be renewed."))
    previous = agreement.ends_on
    agreement.ends_on = ends_on
    _save(agreement, by=by)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the data's language, not the job's
        description = _("Renewed automatically: the end date moved from %(old)s to %(new)s.") % {
            "old": previous.isoformat() if previous else "—",
            "new": ends_on.isoformat(),
        }
    Amendment.objects.create(
        agreement=agreement,
        amended_on=timezone.localdate(),
        kind=AmendmentKind.DURATION,
        description=description,
    )
    _public_change(agreement)
    return agreement


@transaction.atomic
def agreement_terminate(*, agreement, by) -> Agreement:
    """negotiating / active → terminated: talks or the agreement ended early."""
    return _agreement_move(agreement, to=AgreementStatus.TERMINATED, by=by)


@transaction.atomic
def agreement_publish(*, agreement, by) -> Agreement:
    """Make the agreement and its records public. Approvers only; the required items of the checklist
    (``publication_checklist``) must be there, or nothing changes and the missing ones are named."""
    require_officer(by, agreement.municipality_id, Role.APPROVER)
    if not agreement.published:
        if refusal := publication_refusal(agreement_publication_checklist(agreement)):
            raise ValidationError(refusal)
        for name, value in agreement_publication_fields().items():
            setattr(agreement, name, value)
        _save(agreement, by=by)
        _public_change(agreement, children=True)
    return agreement


@transaction.atomic
def agreement_unpublish(*, agreement, by) -> Agreement:
    """Withdraw the agreement from the public. Approvers only."""
    require_officer(by, agreement.municipality_id, Role.APPROVER)
    if agreement.published:
        agreement.published = False
        agreement.published_at = None
        _save(agreement, by=by)
        record_public_changes([agreement.pk], kind=PublicChangeKind.WITHDRAWN)
        # its children stay published, but no longer name a parent the public cannot see
        record_public_changes(agreement.children.filter(published=True).values_list("pk", flat=True))
    return agreement


# --- partners' reports -------------------------------------------------------------------------


def is_partner_editor(user, organization_id) -> bool:
    """Whether the user may report for the organization (progress, values): an editor of it. The rule
    of progress_update_submit and measurement_record, for pages to ask before offering the form."""
    return organization_id is not None and access_for(user).is_partner(organization_id, at_least=Role.EDITOR)


def require_partner_editor(user, organization_id) -> None:
    """Refuse (PermissionDenied) unless ``is_partner_editor``."""
    if not is_partner_editor(user, organization_id):
        raise PermissionDenied(_("Only an editor of the responsible organization can report on this."))


@transaction.atomic
def progress_update_submit(*, deliverable: Deliverable, by, progress, status, note="", evidence=None, met_on=None):
    """A partner reports progress on a deliverable its organization is responsible for."""
    require_partner_editor(by, deliverable.responsible_id)
    # One report at a time waits for review (constraint progress_update_one_pending): the deliverable's
    # row is locked so that a double submit checks for the first report only once it is stored.
    list(Deliverable.objects.select_for_update().filter(pk=deliverable.pk).values_list("pk"))
    if status == DeliverableStatus.MET and met_on is None:
        met_on = timezone.localdate()  # reported as met today unless the partner says when
    update = ProgressUpdate(
        deliverable=deliverable, progress=progress, status=status, note=note, met_on=met_on, submitted_by=by
    )
    if evidence:
        update.evidence = evidence
    _save(update, by=by)
    agreement = deliverable.initiative.agreement
    notice_create(
        recipients=officers_of(agreement.municipality_id, at_least=Role.EDITOR),
        kind=NoticeKind.REPORT_SUBMITTED,
        key=f"progress-update:{update.pk}",
        subject=update,
        url=reverse("workspace:review-progress", kwargs={"pk": update.pk}),
        params={
            "title": deliverable.title,
            "agreement": agreement.public_id,
            "progress": update.progress,
            "organization": deliverable.responsible.name,
        },
    )
    return update


def _tell_reporter(report, *, kind, organization_id, title, agreement, comment):
    """Tell the partner's users that their report was accepted or returned."""
    if organization_id is None:
        return
    notice_create(
        recipients=partner_users_of(organization_id),
        kind=kind,
        key=f"{kind}:{report._meta.model_name}:{report.pk}",
        subject=report,
        url=agreement.get_absolute_url(),
        params={"title": title, "agreement": agreement.public_id, "comment": comment},
    )


def _require_reviewable(report):
    if report.review_status != ReviewStatus.PENDING:
        raise ValidationError(_("This report has already been reviewed."))


def _review_progress_update(update, *, by, status, comment) -> ProgressUpdate:
    """Lock the report, check the approver, and record the verdict (the caller's transaction)."""
    update = (
        ProgressUpdate.objects.select_for_update()
        .select_related("deliverable__initiative__agreement")
        .get(pk=update.pk)
    )
    require_officer(by, update.deliverable.initiative.agreement.municipality_id, Role.APPROVER)
    _require_reviewable(update)
    update.review_status, update.review_comment = status, comment
    update.reviewed_by, update.reviewed_at = by, timezone.now()
    return update


@transaction.atomic
def progress_update_accept(*, update: ProgressUpdate, by, comment: str = "") -> ProgressUpdate:
    """Accept a report: it becomes the deliverable's progress and status. Approvers only."""
    update = _review_progress_update(update, by=by, status=ReviewStatus.ACCEPTED, comment=comment)
    deliverable = update.deliverable
    deliverable.progress = update.progress
    deliverable.status = update.status
    if update.status == DeliverableStatus.MET:
        deliverable.met_on = update.met_on or timezone.localdate()
    _save(deliverable, by=by)
    _save(update, by=by)
    _tell_reporter(
        update,
        kind=NoticeKind.REPORT_ACCEPTED,
        organization_id=deliverable.responsible_id,
        title=deliverable.title,
        agreement=deliverable.initiative.agreement,
        comment=comment,
    )
    _public_change(deliverable.initiative.agreement)
    return update


@transaction.atomic
def progress_update_return(*, update: ProgressUpdate, by, comment: str) -> ProgressUpdate:
    """Return a report to the partner with a comment saying what to fix. Approvers only."""
    update = _review_progress_update(update, by=by, status=ReviewStatus.RETURNED, comment=comment)
    _save(update, by=by)
    deliverable = update.deliverable
    _tell_reporter(
        update,
        kind=NoticeKind.REPORT_RETURNED,
        organization_id=deliverable.responsible_id,
        title=deliverable.title,
        agreement=deliverable.initiative.agreement,
        comment=comment,
    )
    return update


# --- measurements ------------------------------------------------------------------------------


PARTNER_MEASURED_BY = (MeasuredBy.PARTNER, MeasuredBy.INDEPENDENT)


def _check_partner_measurement(measurement) -> None:
    """A partner's value is its own or an independent party's, never the city's, and never verified."""
    errors = {}
    if measurement.measured_by and measurement.measured_by not in PARTNER_MEASURED_BY:
        errors["measured_by"] = _(
            "A partner's value is measured by the partner or by an independent party, not by the municipality."
        )
    if measurement.verified:
        errors["verified"] = _("Only the municipality can verify a value; a partner's value is self-reported.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measurement_record(*, indicator: OutcomeIndicator, by, measurement: Measurement | None = None, **data):
    """Record a value. An officer's (editor) value is accepted; a partner's waits for review.

    ``measurement``: an unsaved value a form has filled in (the admin), instead of ``data``."""
    if measurement is None:
        measurement = Measurement(**data)
    measurement.indicator, measurement.reported_by = indicator, by
    access = access_for(by)
    municipality_id = indicator.agreement.municipality_id
    if access.is_officer(municipality_id, at_least=Role.EDITOR):
        measurement.review_status = ReviewStatus.ACCEPTED
    else:
        require_partner_editor(by, indicator.reporter_id)
        _check_partner_measurement(measurement)
        measurement.review_status = ReviewStatus.PENDING
    _save(measurement, by=by)
    if measurement.review_status == ReviewStatus.PENDING:
        notice_create(
            recipients=officers_of(municipality_id, at_least=Role.EDITOR),
            kind=NoticeKind.MEASUREMENT_SUBMITTED,
            key=f"measurement:{measurement.pk}",
            subject=measurement,
            url=reverse("workspace:review-measurement", kwargs={"pk": measurement.pk}),
            params={
                "title": indicator.name,
                "agreement": indicator.agreement.public_id,
                "organization": indicator.reporter.name,
            },
        )
    else:
        _public_change(indicator.agreement)
    return measurement


def _check_measurement_change(measurement, *, by) -> None:
    """Whether a stored value is verified is the approvers' call (accepting verifies), on every path."""
    stored = Measurement.objects.filter(pk=measurement.pk).values_list("verified", flat=True).first()
    if stored is None or stored == measurement.verified:
        return
    municipality_id = measurement.indicator.agreement.municipality_id
    if by is not None and not access_for(by).is_officer(municipality_id, at_least=Role.APPROVER):
        raise ValidationError({"verified": _("Only approvers of the municipality verify a value.")})


def _review_measurement(measurement, *, by, status, comment, verified=None):
    measurement = Measurement.objects.select_for_update().select_related("indicator__agreement").get(pk=measurement.pk)
    require_officer(by, measurement.indicator.agreement.municipality_id, Role.APPROVER)
    _require_reviewable(measurement)
    measurement.review_status, measurement.review_comment = status, comment
    if verified is not None:
        measurement.verified = verified
    measurement.reviewed_by, measurement.reviewed_at = by, timezone.now()
    _save(measurement, by=by)
    indicator = measurement.indicator
    _tell_reporter(
        measurement,
        kind=NoticeKind.MEASUREMENT_ACCEPTED if status == ReviewStatus.ACCEPTED else NoticeKind.MEASUREMENT_RETURNED,
        organization_id=indicator.reporter_id,
        title=indicator.name,
        agreement=indicator.agreement,
        comment=comment,
    )
    if status == ReviewStatus.ACCEPTED:
        _public_change(indicator.agreement)
    return measurement


@transaction.atomic
def measurement_accept(*, measurement: Measurement, by, comment: str = "") -> Measurement:
    """Accept a partner's measurement; it becomes public with the agreement. Approvers only."""
    # Accepting is the municipality's check: the value is then verified, no longer self-reported.
    return _review_measurement(measurement, by=by, status=ReviewStatus.ACCEPTED, comment=comment, verified=True)


@transaction.atomic
def measurement_return(*, measurement: Measurement, by, comment: str) -> Measurement:
    """Return a partner's measurement with a comment. Approvers only."""
    return _review_measurement(measurement, by=by, status=ReviewStatus.RETURNED, comment=comment)


@transaction.atomic
def measurements_computed_save(*, indicator: OutcomeIndicator, source: str, values: list[dict], by=None) -> int:
    """The values Kyoso computes for a KPI linked to a standard indicator (outcomes, issue 15): each of
    ``values`` (period_start, period_end, value, sample_size, method) becomes the KPI's accepted value for
    that period, measured by the municipality, not verified, its ``source`` saying it was computed — no
    partner reports it, so nobody reviews it. The values saved earlier with the same ``source`` for
    other periods are deleted (a withheld figure gives no value). A value typed in for one of these
    periods is replaced; its history keeps it. An unchanged value is not written again. ``by``: an
    editor of the municipality, or None (the system, after an import). The number of values written or
    deleted."""
    agreement = indicator.agreement
    require_officer(by, agreement.municipality_id, Role.EDITOR)
    existing = {
        (m.period_start, m.period_end): m for m in Measurement.objects.select_for_update().filter(indicator=indicator)
    }
    written, deleted, periods = 0, 0, set()
    for item in values:
        key = (item["period_start"], item["period_end"])
        periods.add(key)
        measurement = existing.get(key) or Measurement(indicator=indicator, period_start=key[0], period_end=key[1])
        fields = {
            "value": item["value"],
            "sample_size": item["sample_size"],
            "method": item["method"],
            "source": source,
            "measured_by": MeasuredBy.CITY,
            "verified": False,
            "review_status": ReviewStatus.ACCEPTED,
            "review_comment": "",
        }
        if measurement.pk and all(getattr(measurement, name) == value for name, value in fields.items()):
            continue
        for name, value in fields.items():
            setattr(measurement, name, value)
        measurement.reported_by, measurement.reviewed_by, measurement.reviewed_at = by, None, None
        _save(measurement, by=by)
        written += 1
    for key, measurement in existing.items():
        if key not in periods and measurement.source == source:
            measurement._history_user = by
            measurement.delete()
            deleted += 1
    if deleted:
        _public_change(agreement, kind=PublicChangeKind.WITHDRAWN)
    elif written:
        _public_change(agreement)
    return written + deleted


# --- records under an agreement (parties, initiatives, deliverables, KPIs, documents, amendments) ----


def agreement_of(instance) -> Agreement:
    """The agreement a record belongs to, whatever the record (the path is ``agreement_id_of``'s)."""
    if isinstance(instance, Agreement):
        return instance
    if getattr(instance, "agreement_id", None) is not None and "agreement" in instance._state.fields_cache:
        return instance.agreement  # already loaded with the record
    agreement_id = agreement_id_of(instance)
    if agreement_id is None:
        raise TypeError(f"{type(instance).__name__} does not belong to an agreement")
    return Agreement.objects.get(pk=agreement_id)


@transaction.atomic
def agreement_record_save(*, instance, by):
    """Create or change a record under an agreement. Editors of the agreement's municipality only.

    A new measurement is recorded by measurement_record (an officer's or a partner's value)."""
    if isinstance(instance, Measurement) and instance.pk is None:
        return measurement_record(indicator=instance.indicator, by=by, measurement=instance)
    agreement = agreement_of(instance)
    require_officer(by, agreement.municipality_id, Role.EDITOR)
    if isinstance(instance, Measurement):
        _check_measurement_change(instance, by=by)
    _save(instance, by=by)
    _public_change(agreement)
    return instance


@transaction.atomic
def agreement_record_delete(*, instance, by) -> None:
    """Delete a record under an agreement (its history is kept). Editors of the municipality only."""
    agreement = agreement_of(instance)
    require_officer(by, agreement.municipality_id, Role.EDITOR)
    if isinstance(instance, Party):
        _require_party_unused(instance)
    instance._history_user = by
    instance.delete()
    if _is_public_record(instance):
        _public_change(agreement, kind=PublicChangeKind.WITHDRAWN)


def _is_public_record(instance) -> bool:
    """Whether the public saw the record (with its published agreement): a private document, a value
    not accepted, a progress report never are."""
    if isinstance(instance, ProgressUpdate):
        return False
    if isinstance(instance, Measurement):
        return instance.review_status == ReviewStatus.ACCEPTED
    return getattr(instance, "public", True)


def _require_party_unused(party) -> None:
    """A party still responsible for deliverables or reporting KPIs of the agreement stays."""
    agreement_id, organization_id = party.agreement_id, party.organization_id
    if Deliverable.objects.filter(initiative__agreement_id=agreement_id, responsible_id=organization_id).exists():
        raise ValidationError(
            _("This organization is responsible for deliverables of the agreement; reassign them first.")
        )
    if OutcomeIndicator.objects.filter(agreement_id=agreement_id, reporter_id=organization_id).exists():
        raise ValidationError(_("This organization reports KPIs of the agreement; change their reporter first."))


def agreement_delete_refusal(*, agreement) -> str | None:
    """Why agreement_delete would refuse this agreement, or None: the rule, for pages to ask first."""
    if agreement.status != AgreementStatus.DRAFT or agreement.published:
        return _("Only an unpublished draft can be deleted; terminate or unpublish the agreement instead.")
    if agreement.children.exists():
        return _("Individual agreements are made under this agreement; delete them first.")
    return None


@transaction.atomic
def agreement_delete(*, agreement, by) -> None:
    """Delete an agreement that never left the draft stage and was never published."""
    require_officer(by, agreement.municipality_id, Role.EDITOR)
    refusal = agreement_delete_refusal(agreement=agreement)
    if refusal:
        raise ValidationError(refusal)
    # Never published by the rule above; recorded anyway should the rule ever allow it (before the
    # row goes: the outbox keeps its public id).
    _public_change(agreement, kind=PublicChangeKind.WITHDRAWN)
    agreement._history_user = by
    agreement.delete()


# --- the statistics summary (derived data, written by the outbox task) ---------------------------


def agreement_summaries_refresh(*, agreement_ids) -> int:
    """Recompute the KPI verdict counts of these agreements (one query for the verdicts, one upsert).

    Derived data, not a user's change: no actor, no history. The rows of agreements that no longer
    exist go with them (CASCADE). Returns the number of summaries written."""
    ids = set(Agreement.objects.filter(pk__in=set(agreement_ids)).values_list("pk", flat=True))
    if not ids:
        return 0
    counts = {pk: dict.fromkeys(VERDICTS, 0) for pk in ids}
    rows = (
        OutcomeIndicator.objects.filter(agreement_id__in=ids)
        .order_by()
        .annotate(latest_value=latest_accepted_value())
        .values_list("agreement_id", "direction", "baseline_value", "target_value", "latest_value")
    )
    for agreement_id, direction, baseline, target, value in rows.iterator(chunk_size=5000):
        counts[agreement_id][kpi_verdict(direction, baseline, target, value)] += 1
    now = timezone.now()
    summaries = [
        AgreementSummary(agreement_id=pk, indicators=sum(c.values()), updated_at=now, **c) for pk, c in counts.items()
    ]
    AgreementSummary.objects.bulk_create(
        summaries,
        update_conflicts=True,
        unique_fields=["agreement"],
        update_fields=["indicators", *VERDICTS, "updated_at"],
    )
    return len(summaries)


def agreement_summaries_refresh_all(*, chunk: int = 5000) -> int:
    """Recompute every agreement's summary (first install, a seeded database, a change of the verdict
    rule). Returns the number of summaries written."""
    ids = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
    return sum(agreement_summaries_refresh(agreement_ids=ids[i : i + chunk]) for i in range(0, len(ids), chunk))
