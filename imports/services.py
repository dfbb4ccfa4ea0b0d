"""Importing a municipality's list of agreements: every row checked with the model's rules, errors
reported by row and column, and then all rows written — or none.

Two phases. Checking reads the whole file, resolves references with a few set-based queries and runs
each agreement's ``full_clean()``, updating the job's progress as it goes. Writing happens only when no
row has an error, in one transaction, with bulk inserts (history included), so a 10,000-row file takes
seconds. A dry run stops after checking.

Bounds: a file of more than ``KYOSO_IMPORT_MAX_ROWS`` rows (20,000) is refused with one error, before the
rest of it is read (``reading.py``); a job lists its first ``MAX_ERRORS`` errors and counts the others.
"""

import datetime
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from agreements.choices import AgreementKind, AgreementStatus, PartyRole, SelectionMethod
from agreements.models import Agreement, CooperationField, Party
from agreements.models.agreement import PUBLIC_ID_PATTERN
from agreements.services import agreement_public_ids_lock
from notifications.models import NoticeKind
from notifications.services import notice_create
from partnerships.access import access_for
from partnerships.models import Department, Organization, Role

from .columns import HEADERS, REQUIRED
from .models import ImportJob, ImportStatus
from .reading import FileFormatError, TooManyRowsError, read_rows

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 500
# Errors listed on a job; the rest are only counted. A file with this many has a systematic problem,
# and 100,000 stored errors made a 24 MB job.
MAX_ERRORS = 200

# Model field → column, to name the column of a model validation error.
FIELD_COLUMNS = {
    "public_id": "協定ID",
    "title": "協定名",
    "kind": "協定種別",
    "summary": "概要",
    "parent": "親協定ID",
    "signed_on": "締結日",
    "starts_on": "開始日",
    "ends_on": "終了日",
    "auto_renewal": "自動更新",
    "renewal_term_months": "更新期間_月",
    "status": "状態",
    "selection_method": "選定方法",
    "municipal_cost_jpy": "市の費用_円",
    "partner_contribution_jpy": "連携先の貢献見込額_円",
    "department": "担当課",
}
YES = {"はい", "有", "あり", "○", "true", "yes", "1", "y"}
NO = {"いいえ", "無", "なし", "×", "false", "no", "0", "n", ""}


@dataclass
class Checked:
    agreement: Agreement
    fields: list
    partners: list
    publish: bool
    parent_id_in_file: str = ""


@dataclass
class Report:
    rows: int = 0
    errors: list = field(default_factory=list)  # the first MAX_ERRORS
    error_count: int = 0  # all of them
    created: list = field(default_factory=list)

    def error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})


def _choices(choices_class):
    """Accept the Japanese label, the English label or the code."""
    table = {}
    for value, label in choices_class.choices:
        table[value] = value
        with translation.override("ja"):
            table[str(label)] = value
        with translation.override("en"):
            table[str(label)] = value
    return table


SHORT_LABELS = {
    "包括連携協定": "comprehensive",
    "包括協定": "comprehensive",
    "個別協定": "individual",
    "覚書": "memorandum",
    "その他": "other",
    "下書き": "draft",
    "協議中": "negotiating",
    "締結中": "active",
    "有効": "active",
    "期間満了": "expired",
    "満了": "expired",
    "解除": "terminated",
    "終了": "terminated",
    "公募": "open_call",
    "提案": "proposal",
    "協議": "consultation",
}


def _parse_date(text):
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError(_("Write the date as 2024-07-01 or 2024/7/1."))
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(_("%(text)s is not a date in the calendar.") % {"text": text}) from None


def _parse_yen(text):
    text = text.replace(",", "").replace("円", "").replace("¥", "").replace("￥", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(_("Write whole yen as digits, e.g. 1200000."))
    value = int(text)
    if value < 0:
        raise ValueError(_("An amount in yen cannot be negative."))
    return value


def _parse_bool(text):
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(_("Write はい or いいえ."))


def _split(text):
    return [part.strip() for part in re.split(r"[;；、]", text) if part.strip()]


class _Context:
    """Everything a row may refer to, read once for the whole file."""

    def __init__(self, municipality, rows):
        all_numbers = {n for _number, r in rows for n in _split(r.get("連携先法人番号", ""))}
        all_names = {n for _number, r in rows for n in _split(r.get("連携先名称", ""))}
        self.by_number = {o.corporate_number: o for o in Organization.objects.filter(corporate_number__in=all_numbers)}
        by_name = defaultdict(list)
        for o in Organization.objects.filter(name__in=all_names):
            by_name[o.name].append(o)
        self.by_name = by_name
        self.fields = {}
        for f in CooperationField.objects.all():
            self.fields[f.name] = self.fields[f.code] = f
        self.departments = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        ids = {r.get("協定ID", "").strip() for _n, r in rows} | {r.get("親協定ID", "").strip() for _n, r in rows}
        self.existing = {a.public_id: a for a in Agreement.objects.filter(public_id__in=ids - {""})}
        self.kinds = _choices(AgreementKind) | {k: v for k, v in SHORT_LABELS.items() if v in AgreementKind.values}
        self.statuses = _choices(AgreementStatus) | {
            k: v for k, v in SHORT_LABELS.items() if v in AgreementStatus.values
        }
        self.methods = _choices(SelectionMethod) | {
            k: v for k, v in SHORT_LABELS.items() if v in SelectionMethod.values
        }


def _check_row(number, row, *, municipality, context, report, seen_ids, can_publish):
    errors_before = report.error_count

    def value(column):
        return (row.get(column) or "").strip()

    def parse(column, parser):
        try:
            return parser(value(column))
        except ValueError as error:
            report.error(number, column, error)
            return None

    def choice(column, table, default=""):
        text = value(column)
        if not text:
            return default
        if text not in table:
            report.error(number, column, _("%(value)s is not one of the allowed values.") % {"value": text})
            return default
        return table[text]

    for column in REQUIRED:
        if not value(column):
            report.error(number, column, _("This column is required."))

    public_id = value("協定ID")
    if public_id:
        if not re.fullmatch(PUBLIC_ID_PATTERN, public_id):
            report.error(number, "協定ID", _("An id has the form 272299-2024-001."))
        elif not public_id.startswith(municipality.code + "-"):
            report.error(
                number,
                "協定ID",
                _("The id must start with this municipality's code %(code)s.") % {"code": municipality.code},
            )
        elif public_id in seen_ids:
            report.error(
                number,
                "協定ID",
                _("The id %(id)s appears twice in the file (first on row %(row)s).")
                % {"id": public_id, "row": seen_ids[public_id]},
            )
        elif public_id in context.existing:
            report.error(number, "協定ID", _("The agreement %(id)s is already in Kyoso.") % {"id": public_id})
        seen_ids.setdefault(public_id, number)

    agreement = Agreement(
        municipality=municipality,
        public_id=public_id,
        title=value("協定名"),
        summary=value("概要"),
        kind=choice("協定種別", context.kinds),
        signed_on=parse("締結日", _parse_date),
        starts_on=parse("開始日", _parse_date),
        ends_on=parse("終了日", _parse_date),
        auto_renewal=bool(parse("自動更新", _parse_bool)),
        selection_method=choice("選定方法", context.methods),
        municipal_cost_jpy=parse("市の費用_円", _parse_yen) or 0,
        partner_contribution_jpy=parse("連携先の貢献見込額_円", _parse_yen),
    )
    term = value("更新期間_月")
    if term:
        if term.isdigit() and int(term) > 0:
            agreement.renewal_term_months = int(term)
        else:
            report.error(number, "更新期間_月", _("Write a whole number of months, e.g. 12."))
    agreement.status = choice("状態", context.statuses, default=AgreementStatus.DRAFT)

    department = value("担当課")
    if department:
        if department in context.departments:
            agreement.department = context.departments[department]
        else:
            report.error(
                number,
                "担当課",
                _("No department %(name)s is registered for this municipality.") % {"name": department},
            )

    parent_id, parent_in_file = value("親協定ID"), ""
    if parent_id:
        parent = context.existing.get(parent_id)
        if parent is not None:
            agreement.parent = parent
        elif parent_id in seen_ids and parent_id != public_id:
            parent_in_file = parent_id  # an earlier row of the file; linked after insertion
        else:
            report.error(
                number, "親協定ID", _("No agreement %(id)s in Kyoso or earlier in the file.") % {"id": parent_id}
            )

    fields = []
    for name in _split(value("連携分野")):
        if name in context.fields:
            fields.append(context.fields[name])
        else:
            report.error(number, "連携分野", _("%(value)s is not a cooperation field.") % {"value": name})

    partners = []
    for corporate_number in _split(value("連携先法人番号")):
        organization = context.by_number.get(corporate_number)
        if organization is None:
            report.error(
                number,
                "連携先法人番号",
                _("No organization with 法人番号 %(number)s is registered; register it first.")
                % {"number": corporate_number},
            )
        else:
            partners.append(organization)
    for name in _split(value("連携先名称")):
        matches = context.by_name.get(name, [])
        if len(matches) == 1:
            partners.append(matches[0])
        elif not matches:
            report.error(
                number,
                "連携先名称",
                _("No organization named %(name)s is registered; register it first.") % {"name": name},
            )
        else:
            report.error(
                number, "連携先名称", _("Several organizations are named %(name)s; give the 法人番号.") % {"name": name}
            )

    publish = bool(parse("公開", _parse_bool))
    if publish and not can_publish:
        report.error(number, "公開", _("Only an approver can publish; leave it いいえ."))

    if report.error_count == errors_before:
        try:
            agreement.full_clean(
                # the municipality comes from the job and the department and parent from the file's
                # pre-read context: validating their foreign keys again would cost a query per row
                exclude=["parent", "municipality", "department"] + ([] if public_id else ["public_id"]),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    report.error(number, FIELD_COLUMNS.get(name, ""), message)
        if agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.EXPIRED) and not agreement.signed_on:
            report.error(number, "締結日", _("An agreement that is or was in force needs the date it was signed."))
    if report.error_count > errors_before:
        return None
    return Checked(agreement, fields, list(dict.fromkeys(partners)), publish, parent_in_file)


def _assign_public_ids(municipality, checked):
    """Fresh ids <code>-<year>-<nnn> for rows without one, continuing each year's numbering."""
    used = defaultdict(int)
    prefix = municipality.code + "-"
    # The same per-city, per-year lock as agreement_create: an officer logging an agreement while the
    # import writes waits for it instead of taking a number the import is about to use.
    years = {str((c.agreement.signed_on or timezone.localdate()).year) for c in checked if not c.agreement.public_id}
    for year in sorted(years):  # always in the same order: two writers never wait for each other
        agreement_public_ids_lock(municipality=municipality, year=int(year))
    for public_id in Agreement.objects.filter(public_id__startswith=prefix).values_list("public_id", flat=True):
        _code, year, serial = public_id.split("-")
        used[year] = max(used[year], int(serial))
    for item in checked:
        if item.agreement.public_id:
            _code, year, serial = item.agreement.public_id.split("-")
            used[year] = max(used[year], int(serial))
    for item in checked:
        if not item.agreement.public_id:
            year = str((item.agreement.signed_on or timezone.localdate()).year)
            used[year] += 1
            item.agreement.public_id = f"{prefix}{year}-{used[year]:03d}"


@transaction.atomic
def _write(municipality, checked, *, by):
    now = timezone.now()
    _assign_public_ids(municipality, checked)
    for item in checked:
        item.agreement.created_by = by
        if item.publish:
            item.agreement.published, item.agreement.published_at = True, now
    bulk_create_with_history([c.agreement for c in checked], Agreement, batch_size=1000, default_user=by)
    saved = {a.public_id: a for a in Agreement.objects.filter(public_id__in=[c.agreement.public_id for c in checked])}
    children = []
    for item in checked:
        item.agreement.pk = saved[item.agreement.public_id].pk
        if item.parent_id_in_file:
            item.agreement.parent_id = saved[item.parent_id_in_file].pk
            children.append(item.agreement)
    if children:
        Agreement.objects.bulk_update(children, ["parent"], batch_size=1000)
    through = Agreement.fields.through
    through.objects.bulk_create(
        [through(agreement_id=c.agreement.pk, cooperationfield_id=f.pk) for c in checked for f in c.fields],
        batch_size=2000,
    )
    parties = [
        Party(agreement_id=c.agreement.pk, organization=o, role=PartyRole.LEAD_PARTNER if i == 0 else PartyRole.PARTNER)
        for c in checked
        for i, o in enumerate(c.partners)
    ]
    bulk_create_with_history(parties, Party, batch_size=2000, default_user=by)
    return [c.agreement.public_id for c in checked]


def import_run(job: ImportJob) -> ImportJob:
    """Check the file of ``job`` and, unless it is a dry run or a row has an error, import every row."""
    by = job.created_by
    access = access_for(by)
    if by is not None and not access.is_officer(job.municipality_id, Role.EDITOR):
        raise PermissionDenied(_("Only editors of the municipality can import its agreements."))
    can_publish = by is None or access.is_officer(job.municipality_id, Role.APPROVER)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    report = Report()
    try:
        with job.file.open("rb") as handle:
            headers, rows = read_rows(job.original_name, handle)
    except TooManyRowsError as error:
        report.error(error.row, "", error)
        return _finish(job, report, rows_total=0)
    except FileFormatError as error:
        report.error(0, "", error)
        return _finish(job, report, rows_total=0)
    missing = [h for h in HEADERS if h in REQUIRED and h not in headers]
    unknown = [h for h in headers if h and h not in HEADERS]
    for header in missing:
        report.error(1, header, _("The column %(column)s is missing; use the template.") % {"column": header})
    for header in unknown:
        report.error(1, header, _("Unknown column %(column)s; use the template's column names.") % {"column": header})
    if missing or unknown:
        return _finish(job, report, rows_total=len(rows))
    ImportJob.objects.filter(pk=job.pk).update(rows_total=len(rows))

    context = _Context(job.municipality, rows)
    checked, seen_ids = [], {}
    for index, (number, row) in enumerate(rows, start=1):
        item = _check_row(
            number,
            row,
            municipality=job.municipality,
            context=context,
            report=report,
            seen_ids=seen_ids,
            can_publish=can_publish,
        )
        if item is not None and not report.error_count:  # once a row has failed, nothing will be written
            checked.append(item)
        if index % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=index)
    if not rows:
        report.error(0, "", _("The file has no rows to import."))
    if not report.error_count and not job.dry_run:
        report.created = _write(job.municipality, checked, by=by)
        _record_releases(report.created)
    return _finish(job, report, rows_total=len(rows))


def _record_releases(public_ids):
    """Published imports are open data at once: record their OCDS releases (bulk inserts skip signals)."""
    try:
        from opendata.services import release_record_for
    except ImportError:  # the open-data app is optional for imports
        return
    for agreement_id in Agreement.objects.filter(public_id__in=public_ids, published=True).values_list("pk", flat=True):
        release_record_for(agreement_id=agreement_id)


def _finish(job, report, *, rows_total):
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
        "dry_run": job.dry_run,
        "public_ids": report.created[:1000],
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


def import_job_create(*, municipality, uploaded, by, dry_run: bool = True) -> ImportJob:
    """Store the upload and queue the import job (after the commit)."""
    if by is not None and not access_for(by).is_officer(municipality.pk, Role.EDITOR):
        raise PermissionDenied(_("Only editors of the municipality can import its agreements."))
    job = ImportJob(
        municipality=municipality, file=uploaded, original_name=uploaded.name[:255], dry_run=dry_run, created_by=by
    )
    job.full_clean()
    job.save()
    from .tasks import import_agreements

    transaction.on_commit(lambda: _enqueue(import_agreements, job.pk))
    return job


def _enqueue(task, job_id):
    try:
        task.delay(job_id)
    except Exception as error:  # noqa: BLE001 — the job stays queued; `import_agreements` can run it later
        logger.warning("could not enqueue import %s (%s)", job_id, type(error).__name__)
