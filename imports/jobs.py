"""Importing a municipality's list of agreements: every row checked with the model's rules, errors
reported by row and column, and then all rows written — or none.

A city's list is read as published (``reading.read_table``): ``recognition.detect`` finds the header
(caption rows, two-row headers, no header at all) and maps each column to a field or keeps it as a source
column, heading rows are skipped, and ``rows.RowReader`` turns each row into an agreement and its partners
(existing organizations, public bodies of the national list, or organizations to create). What is wrong
stops the import with row and column; what is only unusual is kept and reported in ``job.result["notes"]``.

Two phases. Checking reads the whole file, resolves references with a few set-based queries and runs
each agreement's ``full_clean()``, updating the job's progress as it goes. Writing happens only when no
row has an error, in one transaction, with COPY on PostgreSQL (bulk inserts elsewhere; history included) —
departments, organizations, agreements (a row whose 協定ID or 番号 is already in Kyoso updates that
agreement), fields and parties — so a 10,000-row file takes two seconds. A dry run stops after checking.
Published rows are recorded in the same transaction (``agreements.publicity``): their releases follow.

Bounds: a file of more than ``KYOSO_IMPORT_MAX_ROWS`` rows (20,000) is refused with one error, before the
rest of it is read (``reading.py``); a job lists its first ``MAX_ERRORS`` errors and counts the others.
"""

import logging
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.choices import AgreementKind, AgreementStatus, PartyRole, SelectionMethod
from agreements.models import Agreement, CooperationField, Party
from agreements.publicity import record_public_changes
from agreements.services import (
    agreement_next_public_ids,
    agreement_publication_fields,
)
from core.copy import copy_create_with_history, copy_rows, copy_supported
from notifications.models import NoticeKind
from notifications.services import notice_create
from partnerships.access import officer_has_role, require_officer
from partnerships.models import Department, Municipality, Organization, Role
from partnerships.names import MunicipalityIndex, loose_cores, normalize_name, suggest_similar
from partnerships.services import (
    departments_create,
    organization_for_public_body,
    organizations_check,
    organizations_register,
)

from . import rows as rows_module
from .models import ImportJob, ImportStatus
from .reading import FileFormatError, TooManyRowsError, read_table
from .recognition import detect, is_heading_row

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between two looks at the clock
PROGRESS_SECONDS = 0.5  # and at most two progress writes a second: each is a commit (an fsync)
# Errors listed on a job; the rest are only counted. A file with this many has a systematic problem,
# and 100,000 stored errors made a 24 MB job.
MAX_ERRORS = 200

NOTE_CAP = 200  # entries listed per kind of note (the rest are counted)


@dataclass
class Report:
    rows: int = 0
    errors: list = field(default_factory=list)  # the first MAX_ERRORS
    error_count: int = 0  # all of them
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    notes: dict = field(default_factory=lambda: defaultdict(list))
    note_counts: dict = field(default_factory=lambda: defaultdict(int))

    def error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def note(self, kind, entry):
        self.note_counts[kind] += 1
        if len(self.notes[kind]) < NOTE_CAP:
            self.notes[kind].append(entry)


class _Context:
    """Everything the rows may refer to, read once for the whole file."""

    def __init__(self, municipality, rows, layout):
        index = {f: i for i, f in reversed(list(enumerate(layout.columns))) if f}

        def column(name):
            i = index.get(name)
            return {cells[i].strip() for _n, cells in rows if i is not None and i < len(cells) and cells[i].strip()}

        self.municipality = municipality
        numbers = {n.strip() for text in column("partner_numbers") for n in re.split(r"[;；、,\s]+", text) if n.strip()}
        found = Organization.objects.filter(corporate_number__in=numbers).values_list("corporate_number", "pk", "name")
        self.by_number = {number: pk for number, pk, _name in found}
        self.org_names = {pk: name for _number, pk, name in found}
        self._names = None  # {key: [id]} of every organization, read when a row names a partner
        self._all_names = None
        self.new_orgs = {}  # key → {"name", "kind", "corporate_number", "rows", "organization"}
        self.fields = {}
        for f in CooperationField.objects.all():
            self.fields[f.name] = self.fields[f.code] = f
        self.departments = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        self.new_departments = {}
        ids = column("public_id") | column("parent")
        self.existing = {a.public_id: a for a in Agreement.objects.filter(municipality=municipality, public_id__in=ids)}
        refs = column("source_ref")
        self.by_source_ref = (
            {a.source_ref: a for a in Agreement.objects.filter(municipality=municipality, source_ref__in=refs)}
            if refs
            else {}
        )
        self.kinds = rows_module.choices_table(AgreementKind)
        self.statuses = rows_module.choices_table(AgreementStatus)
        self.methods = rows_module.choices_table(SelectionMethod)
        self.resolved_codes = {}
        self._municipalities = None
        self._public_bodies = {}

    # --- organizations ----------------------------------------------------------------------

    def _load_names(self):
        if self._names is None:
            self._names = defaultdict(list)
            self._all_names = {}
            for pk, name in Organization.objects.values_list("pk", "name"):
                self._names[normalize_name(name)].append(pk)
                self._all_names[pk] = name

    def organizations_named(self, key):
        self._load_names()
        return self._names.get(key, [])

    def new_organization(self, parsed, *, kind, corporate_number, row):
        key = parsed.key
        entry = self.new_orgs.get(key)
        if entry is None:
            self.new_orgs[key] = {
                "name": rows_module.organization_name(parsed.name)[:200],
                "kind": kind,
                "corporate_number": corporate_number or None,
                "rows": [row],
            }
        else:
            if corporate_number and not entry["corporate_number"]:
                entry["corporate_number"] = corporate_number
            if len(entry["rows"]) < 20:
                entry["rows"].append(row)
        return key

    def near_matches(self):
        """Existing organizations whose names look like those about to be created: proposals only."""
        if not self.new_orgs:
            return []  # nothing to propose: do not read and normalise every organization's name (0.2 s)
        self._load_names()
        proposals = []
        cores = loose_cores(self._all_names)
        for entry in list(self.new_orgs.values())[:500]:
            found = suggest_similar(entry["name"], existing=self._all_names, limit=3, cores=cores)
            if found:
                proposals.append(
                    {
                        "name": entry["name"],
                        "rows": entry["rows"],
                        "proposals": [{"id": i, "name": n, "score": score} for i, n, score in found],
                    }
                )
        return proposals

    # --- public bodies ----------------------------------------------------------------------

    def code_exists(self, code):
        self._load_municipalities()
        return code in self._codes

    def _load_municipalities(self):
        if self._municipalities is None:
            rows = list(
                Municipality.objects.select_related("prefecture").only(
                    "pk", "code", "name", "kind", "valid_until", "prefecture__name", "prefecture__code"
                )
            )
            for m in rows:
                m.prefecture_name = m.prefecture.name if m.prefecture_id else ""
            self._codes = {m.code for m in rows}
            self._municipalities = MunicipalityIndex(rows)
            home = self.municipality
            self._hint = (
                home.name if home.kind == "prefecture" else (home.prefecture.name if home.prefecture_id else None)
            )

    def public_body(self, name, signed_on):
        """The one Municipality a name means, a list of the candidates when it is ambiguous, or None.
        An abolished ward or town matches only agreements signed before it ended."""
        cache_key = (name, signed_on)
        if cache_key in self._public_bodies:
            return self._public_bodies[cache_key]
        self._load_municipalities()
        found = self._municipalities.match(name, prefecture_hint=self._hint).choices
        on = signed_on or timezone.localdate()
        found = [m for m in found if m.valid_until is None or on < m.valid_until]  # not yet abolished then
        result = None if not found else found[0] if len(found) == 1 else found
        self._public_bodies[cache_key] = result
        return result


def _check(job, table, report, can_publish):
    try:
        layout, data = detect(table, overrides=job.mapping or None)
    except ValueError as error:
        report.error(0, "", error)
        return None, [], None
    context = _Context(job.municipality, data, layout)
    reader = rows_module.RowReader(
        layout=layout,
        municipality=job.municipality,
        context=context,
        report=report,
        can_publish=can_publish,
        default_kind=job.default_kind,
    )
    checked = []
    for n in layout.header_rows[1:]:
        report.note("header_rows", {"row": n})
    for row in layout.caption_rows:
        report.note("captions", row)
    agreements_seen = 0
    shown = time.monotonic()
    for index, (number, cells) in enumerate(data, start=1):
        if is_heading_row(cells, layout):
            report.note("headings", {"row": number, "text": next(c for c in cells if c)})
        else:
            agreements_seen += 1
            item = reader.read(number, cells)
            if item is not None and not report.error_count:  # once a row has failed, nothing will be written
                checked.append(item)
        if index % PROGRESS_EVERY == 0 and time.monotonic() - shown >= PROGRESS_SECONDS:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=index)
            shown = time.monotonic()
    report.rows = agreements_seen
    if not report.error_count:
        _check_new_organizations(context, report, column=reader.label("partners"))
    return layout, checked, context


def _check_new_organizations(context, report, *, column):
    """The organizations the rows create, checked as ``organizations_register`` will check them when
    writing: a dry run reports what it would refuse, on the first row naming it."""
    entries = list(context.new_orgs.values())
    for entry in entries:
        entry["organization"] = Organization(
            name=entry["name"], kind=entry["kind"], corporate_number=entry["corporate_number"] or None
        )
    refused = organizations_check(organizations=[e["organization"] for e in entries])
    for index, error in sorted(refused.items()):
        entry = entries[index]
        for message in error.messages:
            text = _("%(name)s: %(message)s") % {"name": entry["name"], "message": message}
            report.error(entry["rows"][0], column, text)


def _assign_public_ids(municipality, checked):
    """Fresh ids <code>-<year>-<nnn> for rows without one, by the service's numbering
    (``agreement_next_public_ids``: under agreement_create's per-city, per-year lock, continuing after the
    ids stored and those the file gives); the year is the year signed, else the current year."""
    today = timezone.localdate()
    wanting = defaultdict(list)
    for item in checked:
        if not item.agreement.public_id:
            wanting[(item.agreement.signed_on or today).year].append(item)
    given = [c.agreement.public_id for c in checked if c.agreement.public_id]
    for year in sorted(wanting):  # always in the same order: two writers never wait for each other
        items = wanting[year]
        ids = agreement_next_public_ids(municipality=municipality, year=year, count=len(items), taken=given)
        for item, public_id in zip(items, ids, strict=True):
            item.agreement.public_id = public_id


# Model fields a re-import updates, by the Kyoso field whose column gives them; the others are always set.
UPDATED_BY = {
    "title": ["title", "title_generated"],
    "title_en": ["title_en"],
    "title_generated": ["title_generated"],
    "signed_on_precision": ["signed_on_precision"],
    "fields_text": ["fields_text"],
    "summary": ["summary"],
    "kind": ["kind"],
    "signed_on": ["signed_on", "signed_on_precision"],
    "starts_on": ["starts_on"],
    "ends_on": ["ends_on"],
    "period": ["period_text", "starts_on", "ends_on", "auto_renewal", "renewal_term_months"],
    "auto_renewal": ["auto_renewal"],
    "renewal_term_months": ["renewal_term_months"],
    "selection_method": ["selection_method"],
    "municipal_cost": ["municipal_cost_jpy"],
    "partner_contribution": ["partner_contribution_jpy"],
    "data_sharing_terms": ["data_sharing_terms"],
    "department": ["department"],
    "fields": ["fields_text"],
    "source_ref": ["source_ref"],
    "parent": ["parent"],
}
ALWAYS_UPDATED = ["status", "source_columns", "kind"]


@transaction.atomic
def _write(municipality, layout, checked, context, *, by):
    """Write the checked rows in one transaction; on PostgreSQL the new agreements, their fields and
    parties and the organizations created on the way go by COPY (``core.copy``: 10,000 rows in about a
    second, against 3.5 s for ``bulk_create_with_history``), with the same rows and history rows.
    Re-imported agreements (updates) and departments stay on the ORM: there are few of them. Departments
    and organizations are created by their services (partnerships.services), with their rules."""
    fast = copy_supported()
    now = timezone.now()
    _assign_public_ids(municipality, checked)

    # departments named in the list, created in the municipality
    if context.new_departments:
        created = departments_create(
            municipality=municipality, names=[name[:200] for name in context.new_departments], by=by
        )
        departments = {d.name: d for d in created}
        for item in checked:
            if item.department_name:
                item.agreement.department = departments[item.department_name[:200]]

    # organizations created on the way (checked in _check, checked again by the service), and the public bodies
    new_orgs = [e["organization"] for e in context.new_orgs.values()]
    keys = list(context.new_orgs)
    if new_orgs:
        organizations_register(organizations=new_orgs, by=by)
    org_by_key = dict(zip(keys, [o.pk for o in new_orgs], strict=True))
    if any(o.pk is None for o in new_orgs):  # a backend that does not return ids
        saved = dict(Organization.objects.filter(name__in=[o.name for o in new_orgs]).values_list("name", "pk"))
        org_by_key = {k: saved[e["name"]] for k, e in context.new_orgs.items()}
    bodies = {}
    for item in checked:
        for ref in item.partners:
            if ref.municipality is not None and ref.municipality.pk not in bodies:
                bodies[ref.municipality.pk] = organization_for_public_body(municipality=ref.municipality).pk

    new = [c for c in checked if c.existing is None]
    updates = [c for c in checked if c.existing is not None]
    published = agreement_publication_fields(at=now)
    for item in new:
        item.agreement.created_by = by
        if item.publish:
            for name, value in published.items():
                setattr(item.agreement, name, value)
    _create_with_history(Agreement, [c.agreement for c in new], by=by, fast=fast)
    if updates:
        provided = set(layout.columns)
        names = list(dict.fromkeys(ALWAYS_UPDATED + [f for k, fs in UPDATED_BY.items() if k in provided for f in fs]))
        if "title" not in provided:
            names += ["title", "title_generated"]  # a generated title follows the partners
        names = list(dict.fromkeys(names))
        for item in updates:  # the stored agreement, with what the file says written over it
            for name in names:
                setattr(item.existing, name, getattr(item.agreement, name))
            item.agreement = item.existing
        bulk_update_with_history([c.agreement for c in updates], Agreement, names, batch_size=1000, default_user=by)
    if any(c.agreement.pk is None for c in new):  # a backend that does not return ids
        saved = dict(
            Agreement.objects.filter(public_id__in=[c.agreement.public_id for c in new]).values_list("public_id", "pk")
        )
        for item in new:
            item.agreement.pk = saved[item.agreement.public_id]
    children = []
    by_public_id = {c.agreement.public_id: c.agreement for c in checked}
    for item in checked:
        if item.parent_id_in_file:
            item.agreement.parent_id = by_public_id[item.parent_id_in_file].pk
            children.append(item.agreement)
    if children:
        Agreement.objects.bulk_update(children, ["parent"], batch_size=1000)

    through = Agreement.fields.through
    replaced_fields = [c.agreement.pk for c in updates if "fields" in layout.columns]
    if replaced_fields:
        through.objects.filter(agreement_id__in=replaced_fields).delete()
    field_rows = [(c.agreement.pk, f.pk) for c in checked for f in c.fields]  # each field once per row (map_fields)
    if fast:
        copy_rows(through, ("agreement_id", "cooperationfield_id"), field_rows)
    else:
        through.objects.bulk_create(
            [through(agreement_id=a, cooperationfield_id=f) for a, f in field_rows],
            batch_size=2000,
            ignore_conflicts=True,
        )
    replaced_parties = [c.agreement.pk for c in updates if c.partners_given]
    if replaced_parties:
        Party.objects.filter(agreement_id__in=replaced_parties).delete()
    parties = []
    for item in checked:
        if item.existing is not None and not item.partners_given:
            continue
        seen = set()
        for ref in item.partners:
            if ref.municipality is not None:
                org_id = bodies[ref.municipality.pk]
            elif ref.org_id is not None:
                org_id = ref.org_id
            else:
                org_id = org_by_key[ref.new_key]
            if org_id in seen:
                continue
            seen.add(org_id)
            # No invented lead partner: the list names partners, not which of them leads.
            parties.append(
                Party(agreement_id=item.agreement.pk, organization_id=org_id, role=PartyRole.PARTNER, branch=ref.branch)
            )
    _create_with_history(Party, parties, by=by, fast=fast)
    # Released in the same transaction: published rows are open data at once (the OCDS release and the
    # statistics are built from the outbox after the commit; COPY sends no signals).
    record_public_changes([c.agreement.pk for c in checked if c.agreement.published], kind="changed")
    return [c.agreement.public_id for c in new], [c.agreement.public_id for c in updates]


def _create_with_history(model, objs, *, by, fast):
    """Insert new rows and their "+" history rows: COPY on PostgreSQL, bulk inserts elsewhere."""
    if not objs:
        return
    if fast:
        copy_create_with_history(model, objs, by=by)
    else:
        bulk_create_with_history(objs, model, batch_size=1000, default_user=by)


def import_run(job: ImportJob) -> ImportJob:
    """Check the file of ``job`` and, unless it is a dry run or a row has an error, import every row."""
    by = job.created_by
    # Who may import is who may create agreements (agreement_create); who may publish rows is who may
    # publish an agreement (agreement_publish): the services' own rule, not a copy of it.
    require_officer(by, job.municipality_id, Role.EDITOR)
    can_publish = officer_has_role(by, job.municipality_id, Role.APPROVER)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    report = Report()
    try:
        with job.file.open("rb") as handle:
            table = read_table(job.original_name, handle)
    except TooManyRowsError as error:
        report.error(error.row, "", error)
        return _finish(job, report, rows_total=0)
    except FileFormatError as error:
        report.error(0, "", error)
        return _finish(job, report, rows_total=0)
    ImportJob.objects.filter(pk=job.pk).update(rows_total=len(table))
    layout, checked, context = _check(job, table, report, can_publish)
    if layout is None:
        return _finish(job, report, rows_total=len(table))
    if not report.rows and not report.error_count:
        report.error(0, "", _("The file has no rows to import."))
    if not report.error_count:
        for entry in context.new_orgs.values():
            report.note("new_organizations", {"name": entry["name"], "kind": entry["kind"], "rows": entry["rows"]})
        for proposal in context.near_matches():
            report.note("near_matches", proposal)
        for name, row in context.new_departments.items():
            report.note("new_departments", {"name": name, "row": row})
        if not job.dry_run:
            report.created, report.updated = _write(job.municipality, layout, checked, context, by=by)
    return _finish(job, report, rows_total=report.rows, layout=layout)


def _finish(job, report, *, rows_total, layout=None):
    job.refresh_from_db()
    job.rows_total, job.rows_done = rows_total, rows_total
    job.errors = sorted(report.errors, key=lambda e: (e["row"], e["column"]))
    more = report.error_count - len(report.errors)
    if more:
        job.errors.append({"row": 0, "column": "", "message": _more_errors(more, report.error_count)})
    job.status = ImportStatus.FAILED if report.error_count else ImportStatus.SUCCEEDED
    job.result = {
        "rows": rows_total,
        "errors": report.error_count,
        "created": len(report.created),
        "updated": len(report.updated),
        "dry_run": job.dry_run,
        "public_ids": report.created[:1000],
        "updated_ids": report.updated[:1000],
        "mapping": layout.mapping() if layout else [],
        "header_inferred": bool(layout and layout.inferred),
        "header_rows": layout.header_rows if layout else [],
        "notes": {kind: list(entries) for kind, entries in report.notes.items()},
        "note_counts": dict(report.note_counts),
    }
    job.finished_at = timezone.now()
    job.save(update_fields=["rows_total", "rows_done", "errors", "status", "result", "finished_at"])
    if job.created_by is not None:
        if report.error_count:
            outcome = ngettext(
                "%(count)s error; nothing was imported", "%(count)s errors; nothing was imported", report.error_count
            ) % {"count": report.error_count}
        elif job.dry_run:
            outcome = ngettext(
                "the %(count)s row is valid (dry run: nothing imported)",
                "all %(count)s rows are valid (dry run: nothing imported)",
                rows_total,
            ) % {"count": rows_total}
        else:
            outcome = ngettext("%(count)s agreement imported", "%(count)s agreements imported", len(report.created)) % {
                "count": len(report.created)
            }
            if report.updated:
                outcome += " " + ngettext("(%(count)s updated)", "(%(count)s updated)", len(report.updated)) % {
                    "count": len(report.updated)
                }
        notice_create(
            recipients=[job.created_by],
            kind=NoticeKind.IMPORT_FINISHED,
            key=f"import:{job.pk}",
            subject=job,
            params={"file": job.original_name, "result": str(outcome)},
        )
    logger.info(
        "import %s finished: %s rows, %s errors, %s created",
        job.pk,
        rows_total,
        report.error_count,
        len(report.created),
    )
    return job


def _more_errors(more, total):
    """The closing line of a job's error list when only the first MAX_ERRORS are listed."""
    return ngettext(
        "…and %(more)s more error (%(total)s in all). Fix these first: errors often share a cause.",
        "…and %(more)s more errors (%(total)s in all). Fix these first: errors often share a cause.",
        more,
    ) % {"more": f"{more:,}", "total": f"{total:,}"}
