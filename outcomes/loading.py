"""The bulk write path of the case import (``services.cases_import`` calls ``load_cases``): one pass over
the file, memory that does not grow with it, all rows or none.

How (PostgreSQL): the rows are checked as they are read (``casefile.CaseChecker``) and streamed with COPY
into a temporary table of this transaction — the row's number, its key (never the 案件ID), the
procedure, the dates as ISO text and the days computed. Nothing of the file is held in Python. Then,
only when every row is good: one ``DELETE … USING`` removes the cases the file replaces (same
municipality, same key), one ``INSERT … SELECT`` writes the new ones. A 案件ID given twice is found
where the rows are (a window over the temporary table: the row and the row it repeats), when a row
or a procedure has a problem, on a dry run, or when the INSERT meets the unique key; so the usual file
pays nothing for it. A refused file rolls back the transaction: the temporary table goes with it.

Other databases (SQLite in development) keep the rows in a list and write them with ``bulk_create``:
the same checks, the same results, without the bounded memory.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.copy import copy_supported

from .calendar import BusinessCalendar
from .casefile import MAX_PROBLEMS, CaseChecker, CaseFileRefused, Problem, open_case_table
from .choices import ProcedureGroup
from .models import Case, CaseImport, ClosedDay, MunicipalProcedure, Procedure

logger = logging.getLogger("outcomes.services")

CASE_COLUMNS = (
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
LOAD_TABLE = "outcomes_case_load"  # temporary: this connection, this transaction
BATCH = 2_000  # COPY lines sent at once
DELETE_BATCH = 5_000  # keys per DELETE without COPY (SQLite)
_N = "\\N"
_KEY_ONLY = "\t\\N" * 10 + "\n"  # a row with a problem: its key only (for the duplicate search)


@dataclass
class CaseImportResult:
    rows: int
    created: int
    replaced: int
    procedures_created: list[str] = field(default_factory=list)  # codes of the city's new procedures
    standard_days_set: dict[str, int] = field(default_factory=dict)  # code → 標準処理期間 from the file
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def standard_days_save(municipality, procedures, standard_days: dict[str, int], *, by) -> None:
    for code, days in standard_days.items():
        procedure = procedures[code]
        setting, _created = MunicipalProcedure.objects.get_or_create(municipality=municipality, procedure=procedure)
        if setting.standard_days != days:
            setting.standard_days = days
            setting.full_clean()
            setting._history_user = by
            setting.save()


def import_lock(municipality) -> None:
    """One import per municipality at a time (PostgreSQL; SQLite serialises writes by itself)."""
    if connection.vendor != "postgresql":
        return
    name = f"outcomes-import:{municipality.code}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def load_cases(*, municipality, name: str, source, by, dry_run: bool, today, after_write=None):
    """``services.cases_import`` after the role check: a ``CaseImportResult``, or ``CaseFileRefused``
    with nothing stored. ``after_write(procedure ids)``: called in the transaction once the cases are
    written, with the ids of the procedures the file's cases belong to (to recompute their figures)."""
    usable = list(Procedure.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality), active=True))
    # A city's own code never hides a national one: the national procedures are put last, so they win.
    procedures = {p.code.upper(): p for p in sorted(usable, key=lambda p: p.municipality_id is None)}
    calendar = BusinessCalendar(ClosedDay.objects.filter(municipality=municipality).values_list("date", flat=True))

    def checker_of(headers) -> CaseChecker:
        known = {code: p.pk for code, p in procedures.items()}
        return CaseChecker(headers, today=today, known=known, calendar=calendar, municipality_code=municipality.code)

    sink = _CopySink(municipality) if copy_supported() else _ListSink(municipality)
    now = timezone.now()
    with transaction.atomic():
        if not dry_run:
            import_lock(municipality)
        checker = None
        if copy_supported() and not dry_run and not Case.objects.filter(municipality=municipality).exists():
            checker = _load_direct(municipality, name, source, checker_of, now)
            sink = None if checker is not None else sink
        if checker is None:
            headers, rows = open_case_table(name, source)
            checker = checker_of(headers)
            sink.open()
            sink.write(checker.checked(rows))
            _refuse_if_wrong(checker, sink, dry_run)
        result = CaseImportResult(
            rows=checker.rows,
            created=0,
            replaced=0,
            procedures_created=sorted(checker.to_create),
            standard_days_set=checker.standard_days,
            ignored_columns=checker.ignored_columns,
            dry_run=dry_run,
        )
        if dry_run:
            result.replaced = sink.existing()
            result.created = result.rows - result.replaced
            transaction.set_rollback(True)
            return result
        new_ids = {}
        for code, name_ in checker.to_create.items():
            procedure = Procedure(code=code, name=name_, municipality=municipality, group=ProcedureGroup.OWN)
            procedure.full_clean()
            procedure._history_user = by
            procedure.save()
            procedures[code.upper()] = procedure
            new_ids[code.upper()] = procedure.pk
        standard_days_save(municipality, procedures, checker.standard_days, by=by)
        if sink is not None:  # else written already, straight into the case table
            try:
                with transaction.atomic():
                    result.replaced = sink.replace(new_ids, now)
            except IntegrityError:
                _refuse_duplicates(checker, sink)  # a 案件ID twice: the unique key said so
                raise
            sink.close()
        result.created = result.rows - result.replaced
        CaseImport.objects.create(
            municipality=municipality,
            imported_by=by,
            rows=result.rows,
            created=result.created,
            replaced=result.replaced,
            procedures_created=len(checker.to_create),
        )
        if after_write is not None:
            after_write({procedures[code].pk for code in checker.used})
    logger.info(
        "cases imported for %s: %s rows (%s replaced)", municipality.code, result.rows, result.replaced
    )  # counts only: never a value of the file
    return result


class _Fallback(Exception):  # noqa: N818 — not an error: the direct path gives way to the general one
    """A row the direct path cannot write (a problem, or a procedure still to create)."""


def _load_direct(municipality, name, source, checker_of, now) -> CaseChecker | None:
    """The first import of a municipality (no case of it yet): every row COPYed straight into the case
    table as it is checked, so that the database indexes the rows while Python reads the next ones.
    The checker when every row was good and written; None — nothing written, the savepoint rolled
    back — at the first row it cannot write, or when the unique key finds a 案件ID twice: the general
    path then reads the file again and reports every problem with its row."""
    headers, rows = open_case_table(name, source)
    checker = checker_of(headers)
    try:
        with transaction.atomic():
            _write_cases(municipality, checker.checked(rows), now)
            if checker.personal or checker.header or checker.problems or checker.procedures or not checker.rows:
                raise _Fallback
    except (_Fallback, IntegrityError, psycopg.errors.IntegrityError):
        return None
    return checker


def _write_cases(municipality, rows, now) -> None:
    """COPY checked rows into the case table; ``_Fallback`` at a row that cannot be written."""
    table = connection.ops.quote_name(Case._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in CASE_COLUMNS)
    m, at = municipality.pk, now.isoformat()
    buffer = []
    append = buffer.append
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for _n, k, p, _c, r, d, q, o, h, s, x, y in rows:
            if r is None or p is None:
                raise _Fallback
            append(f"{m}\t{p}\t{k}\t{r}\t{d}\t{q or _N}\t{o or _N}\t{h}\t{s or _N}\t{x}\t{y}\t{at}\n")
            if len(buffer) == BATCH:
                copy.write("".join(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))


def _refuse_if_wrong(checker: CaseChecker, sink, dry_run: bool) -> None:
    """Raise ``CaseFileRefused`` as ``check_personal`` then ``check_rows`` then the procedures would."""
    if checker.personal:
        raise CaseFileRefused(checker.personal.items, total=checker.personal.total, personal=True)
    if checker.header:
        raise CaseFileRefused(checker.header.items, total=checker.header.total)
    if not checker.rows:
        raise CaseFileRefused([Problem(2, "", _("the file has no case rows."))])
    if checker.problems or checker.procedures or dry_run:
        _refuse_duplicates(checker, sink)
    if checker.procedures:
        raise CaseFileRefused(checker.procedures.items, total=checker.procedures.total)


def _refuse_duplicates(checker: CaseChecker, sink) -> None:
    """Raise the row problems with every 案件ID given twice among them, in the order of the rows (a
    repeated 案件ID first in its row, where ``check_rows`` reports it); return when there is none."""
    duplicates, total = sink.duplicates(MAX_PROBLEMS)
    if not checker.problems and not total:
        return
    column = checker.get["案件ID"]
    found = [
        (row, 0, 0, Problem(row, column, _("the same case ID as row %(row)s: each case once.") % {"row": first}))
        for row, first in duplicates
    ]
    found += [(p.row, 1, i, p) for i, p in enumerate(checker.problems.items)]
    found.sort(key=lambda item: item[:3])
    raise CaseFileRefused([item[3] for item in found[:MAX_PROBLEMS]], total=checker.problems.total + total)


class _CopySink:
    """The rows in a temporary table, by COPY; written to the case table in two statements."""

    def __init__(self, municipality):
        self.municipality = municipality
        self.table = connection.ops.quote_name(LOAD_TABLE)
        self.case = connection.ops.quote_name(Case._meta.db_table)

    def open(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.table} (row integer, case_key text, procedure_id bigint, "
                "new_code text, received_on date, decided_on date, correction_requested_on date, "
                "correction_done_on date, channel text, satisfaction smallint, processing_days integer, "
                "calendar_days integer) ON COMMIT DROP"
            )

    def write(self, rows) -> None:
        buffer = []
        append = buffer.append
        with connection.cursor() as cursor, cursor.copy(f"COPY {self.table} FROM STDIN") as copy:  # noqa: S608
            for n, k, p, c, r, d, q, o, h, s, x, y in rows:
                if r is None:
                    append(f"{n}\t{k}{_KEY_ONLY}")
                else:
                    append(
                        f"{n}\t{k}\t{p or _N}\t{c or _N}\t{r}\t{d}\t{q or _N}\t{o or _N}\t{h}\t{s or _N}\t{x}\t{y}\n"
                    )
                if len(buffer) == BATCH:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))

    def duplicates(self, limit: int) -> tuple[list[tuple[int, int]], int]:
        """([(row, the first row with its key)] of the first ``limit`` repeated keys, how many in all)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT row, first, count(*) OVER () FROM (SELECT row, min(row) OVER (PARTITION BY case_key) AS first "  # noqa: S608
                f"FROM {self.table} WHERE case_key IS NOT NULL) AS keyed WHERE row > first ORDER BY row LIMIT %s",
                [limit],
            )
            found = cursor.fetchall()
        return [(row, first) for row, first, _count in found], found[0][2] if found else 0

    def existing(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {self.case} c JOIN {self.table} t ON c.case_key = t.case_key "  # noqa: S608
                "WHERE c.municipality_id = %s",
                [self.municipality.pk],
            )
            return cursor.fetchone()[0]

    def replace(self, new_ids: dict[str, int], now) -> int:
        """Delete the cases the rows replace, insert the rows: the number replaced."""
        m = self.municipality.pk
        with connection.cursor() as cursor:
            for code, pk in new_ids.items():
                cursor.execute(f"UPDATE {self.table} SET procedure_id = %s WHERE new_code = %s", [pk, code])  # noqa: S608
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.case} WHERE municipality_id = %s)", [m])  # noqa: S608
            replaced = 0
            if cursor.fetchone()[0]:
                cursor.execute(f"ANALYZE {self.table}")
                cursor.execute(
                    f"DELETE FROM {self.case} c USING {self.table} t "  # noqa: S608
                    "WHERE c.municipality_id = %s AND c.case_key = t.case_key",
                    [m],
                )
                replaced = cursor.rowcount
            columns = ", ".join(connection.ops.quote_name(c) for c in CASE_COLUMNS)
            cursor.execute(
                f"INSERT INTO {self.case} ({columns}) SELECT %s, procedure_id, case_key, received_on, decided_on, "  # noqa: S608
                "correction_requested_on, correction_done_on, channel, satisfaction, processing_days, "
                f"calendar_days, %s FROM {self.table}",
                [m, now],
            )
        return replaced

    def close(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {self.table}")


class _ListSink:
    """The rows in a list (databases without COPY)."""

    def __init__(self, municipality):
        self.municipality = municipality
        self.rows: list[tuple] = []

    def open(self):
        self.rows = []

    def write(self, rows) -> None:
        self.rows.extend(rows)

    def duplicates(self, limit: int) -> tuple[list[tuple[int, int]], int]:
        seen: dict[str, int] = {}
        found = []
        for row in self.rows:
            first = seen.setdefault(row[1], row[0])
            if first != row[0]:
                found.append((row[0], first))
        return found[:limit], len(found)

    def _keys(self):
        return [row[1] for row in self.rows]

    def existing(self) -> int:
        keys = self._keys()
        cases = Case.objects.filter(municipality=self.municipality)
        return sum(
            cases.filter(case_key__in=keys[i : i + DELETE_BATCH]).count() for i in range(0, len(keys), DELETE_BATCH)
        )

    def replace(self, new_ids: dict[str, int], now) -> int:
        if len(set(self._keys())) != len(self.rows):
            raise IntegrityError("a case key twice")
        keys = self._keys()
        cases = Case.objects.filter(municipality=self.municipality)
        replaced = sum(
            cases.filter(case_key__in=keys[i : i + DELETE_BATCH]).delete()[0] for i in range(0, len(keys), DELETE_BATCH)
        )
        date = _date
        Case.objects.bulk_create(
            (
                Case(
                    municipality=self.municipality,
                    procedure_id=p or new_ids[c],
                    case_key=k,
                    received_on=date(r),
                    decided_on=date(d),
                    correction_requested_on=date(q),
                    correction_done_on=date(o),
                    channel=h,
                    satisfaction=s,
                    processing_days=x,
                    calendar_days=y,
                    imported_at=now,
                )
                for _n, k, p, c, r, d, q, o, h, s, x, y in self.rows
            ),
            batch_size=2_000,
        )
        return replaced

    def close(self):
        self.rows = []


def _date(text):
    import datetime

    return datetime.date.fromisoformat(text) if text else None
