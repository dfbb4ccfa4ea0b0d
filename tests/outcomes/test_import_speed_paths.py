"""The bulk path of the case import (outcomes/loading.py, casefile.CaseChecker): one streamed pass,
memory that does not grow with the file, and the same guarantees as before — re-imports replace,
a 案件ID twice is a row error, a refused file leaves nothing (not even the temporary table). The
list path (databases without COPY) is run here too, on PostgreSQL, by turning COPY off."""

import csv
import datetime
import io
import tracemalloc

import pytest
from django.db import connection

from outcomes import loading
from outcomes.casefile import MAX_PROBLEMS, CaseFileRefused, case_key_hasher
from outcomes.models import Case, CaseImport, Procedure
from outcomes.services import cases_import

from .conftest import GOOD_ROWS, HEADER, TODAY, csv_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(params=["copy", "list"])
def sink(request, monkeypatch):
    """Both write paths: COPY into a temporary table (PostgreSQL), and the list (other databases)."""
    if request.param == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY needs PostgreSQL")
    if request.param == "list":
        monkeypatch.setattr(loading, "copy_supported", lambda: False)
    return request.param


def run(city, data, name="cases.csv", **kwargs):
    return cases_import(municipality=city, name=name, source=data, by=None, today=TODAY, **kwargs)


def refused(city, data, **kwargs) -> CaseFileRefused:
    with pytest.raises(CaseFileRefused) as error:
        run(city, data, **kwargs)
    return error.value


def many_rows(n: int, *, start: int = 0, code: str = "C11"):
    """n good rows: received over a year, decided 1–30 days later, every fifth with a correction."""
    first = D(2025, 4, 1)
    channels = ["窓口", "オンライン", "郵送"]
    for i in range(start, start + n):
        received = first + datetime.timedelta(days=i % 330)
        decided = received + datetime.timedelta(days=1 + i % 30)
        corrected = i % 5 == 0 and decided - received > datetime.timedelta(days=2)
        yield [
            f"KS-{i:07d}",
            code,
            received.isoformat(),
            decided.isoformat(),
            (received + datetime.timedelta(days=1)).isoformat() if corrected else "",
            (received + datetime.timedelta(days=2)).isoformat() if corrected else "",
            channels[i % 3],
            str(1 + i % 5) if i % 3 == 0 else "",
        ]


def load_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [loading.LOAD_TABLE])
        return cursor.fetchone()[0] is not None


def test_a_reimport_replaces_and_updates_values(city, sink):
    rows = list(many_rows(300))
    first = run(city, csv_bytes(rows))
    assert (first.rows, first.created, first.replaced) == (300, 300, 0)
    before = {c.case_key: c for c in Case.objects.all()}

    changed = [[*row[:3], "2026-03-02", "", "", "オンライン", "5"] if i % 2 else row for i, row in enumerate(rows)]
    again = run(city, csv_bytes(changed))

    assert (again.rows, again.created, again.replaced) == (300, 0, 300)
    assert Case.objects.count() == 300
    after = {c.case_key: c for c in Case.objects.all()}
    assert after.keys() == before.keys()
    key = case_key_hasher(city.code)(rows[1][0])
    assert (after[key].decided_on, after[key].channel, after[key].satisfaction) == (D(2026, 3, 2), "online", 5)
    assert after[key].calendar_days == (D(2026, 3, 2) - D.fromisoformat(rows[1][2])).days
    unchanged = case_key_hasher(city.code)(rows[0][0])
    assert after[unchanged].decided_on == before[unchanged].decided_on
    assert CaseImport.objects.count() == 2


def test_a_reimport_adds_new_cases_beside_replaced_ones(city, sink):
    run(city, csv_bytes(list(many_rows(100))))
    result = run(city, csv_bytes(list(many_rows(100, start=50))))
    assert (result.created, result.replaced) == (50, 50)
    assert Case.objects.count() == 150


def test_a_case_moved_to_another_procedure_on_reimport(city, sink):
    run(city, csv_bytes(GOOD_ROWS))
    moved = [[GOOD_ROWS[0][0], "L01", *GOOD_ROWS[0][2:]], *GOOD_ROWS[1:]]

    result = run(city, csv_bytes(moved))

    assert (result.created, result.replaced) == (0, 3)
    codes = sorted(Case.objects.values_list("procedure__code", flat=True))
    assert codes == ["L01", "L01", "M01"]
    assert not Case.objects.filter(procedure__code="C11").exists()


def test_keys_are_the_hmac_of_the_case_id(city, sink):
    """The streamed path keys a case as case_key_hasher does (a re-import of a file imported before the
    bulk path still replaces its cases)."""
    run(city, csv_bytes(GOOD_ROWS))
    key = case_key_hasher(city.code)
    assert set(Case.objects.values_list("case_key", flat=True)) == {key(row[0]) for row in GOOD_ROWS}


def test_days_are_computed_as_the_calendar_does(city, sink):
    """処理日数 from the running business-day counts equals BusinessCalendar.processing_days."""
    from outcomes.calendar import BusinessCalendar

    rows = list(many_rows(400))
    run(city, csv_bytes(rows))
    calendar = BusinessCalendar()
    key = case_key_hasher(city.code)
    cases = {c.case_key: c for c in Case.objects.all()}
    for row in rows:
        received, decided = D.fromisoformat(row[2]), D.fromisoformat(row[3])
        requested = D.fromisoformat(row[4]) if row[4] else None
        done = D.fromisoformat(row[5]) if row[5] else None
        case = cases[key(row[0])]
        assert case.processing_days == calendar.processing_days(received, decided, requested, done), row
        assert case.calendar_days == (decided - received).days


@pytest.mark.postgres
def test_fifty_thousand_rows_in_bounded_memory(city, postgres_only, settings):
    """The rows are streamed to the database, never held: Python's peak allocation while importing a
    50,000-row file (3 MB) stays under 8 MB — 4 MB measured, the decoding of a 1 MB chunk — where a list
    of 50,000 checked rows alone would take ~40 MB."""
    data = csv_bytes(list(many_rows(50_000)))
    tracemalloc.start()
    try:
        result = run(city, data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.created == 50_000
    assert Case.objects.count() == 50_000
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1024 / 1024:.1f} MB"
    assert not load_table_exists()


def test_personal_data_in_the_last_row_refuses_everything(city, sink):
    rows = [[*row, ""] for row in many_rows(2_000)]
    rows[-1][-1] = "090-1234-5678"

    error = refused(city, csv_bytes(rows, [*HEADER, "備考"]))

    assert error.personal
    assert [(p.row, p.column) for p in error.problems] == [(2_001, "備考")]
    assert Case.objects.count() == 0 and CaseImport.objects.count() == 0
    if connection.vendor == "postgresql":
        assert not load_table_exists()


def test_personal_data_is_found_in_full_width_japanese_rows(city, sink):
    """A row with Japanese text takes the normalised path: a phone number in full-width digits is found."""
    rows = [[*row, "備考なし"] for row in GOOD_ROWS]
    rows[2][-1] = "連絡先　０９０－１２３４－５６７８"
    error = refused(city, csv_bytes(rows, [*HEADER, "備考"]))
    assert error.personal and [(p.row, p.column) for p in error.problems] == [(4, "備考")]


def test_a_refused_reimport_keeps_the_cases_before_it(city, sink):
    run(city, csv_bytes(list(many_rows(100))))
    bad = list(many_rows(100))
    bad[60][2] = "2025-02-30"
    error = refused(city, csv_bytes(bad))
    assert [(p.row, p.column) for p in error.problems] == [(62, "受付日")]
    assert Case.objects.count() == 100 and CaseImport.objects.count() == 1


@pytest.mark.parametrize("existing", [False, True], ids=["first import", "re-import"])
def test_a_case_id_twice_is_a_row_error(city, sink, existing):
    """Found by the unique key when every row is good (a first import and a re-import alike), named by
    its row and the row it repeats; nothing stored."""
    rows = list(many_rows(500))
    if existing:
        run(city, csv_bytes(rows))
    twice = [*rows, rows[10]]

    error = refused(city, csv_bytes(twice))

    assert [(p.row, p.column) for p in error.problems] == [(502, "案件ID")]
    assert "row 12" in error.problems[0].message
    assert Case.objects.count() == (500 if existing else 0)
    assert CaseImport.objects.count() == (1 if existing else 0)


def test_a_case_id_twice_is_listed_in_row_order_with_other_problems(city, sink):
    rows = list(many_rows(10))
    rows[1][2] = "2025-02-30"  # row 3
    rows[4][0] = rows[0][0]  # row 6 repeats row 2
    rows[4][7] = "9"  # and has a satisfaction out of range
    rows[7][6] = "FAX"  # row 9

    error = refused(city, csv_bytes(rows))

    assert [(p.row, p.column) for p in error.problems] == [(3, "受付日"), (6, "案件ID"), (6, "満足度"), (9, "申請方法")]
    assert error.total == 4


def test_a_dry_run_finds_a_case_id_twice_and_counts_replacements(city, sink):
    rows = list(many_rows(100))
    run(city, csv_bytes(rows[:40]))

    result = run(city, csv_bytes(rows), dry_run=True)
    assert (result.rows, result.created, result.replaced, result.dry_run) == (100, 60, 40, True)
    assert Case.objects.count() == 40

    error = refused(city, csv_bytes([*rows, rows[0]]), dry_run=True)
    assert [(p.row, p.column) for p in error.problems] == [(102, "案件ID")]


def test_problems_are_capped_and_counted(city, sink):
    rows = list(many_rows(MAX_PROBLEMS + 100))
    for row in rows:
        row[6] = "FAX"
    error = refused(city, csv_bytes(rows))
    assert len(error.problems) == MAX_PROBLEMS and error.total == MAX_PROBLEMS + 100
    assert error.problems[-1].row == MAX_PROBLEMS + 1


def test_a_cp932_file_whose_first_non_ascii_byte_comes_late(city, sink):
    """The encoding is decided on the whole file, not on its start."""
    rows = [[*row[:6], "", row[7]] for row in many_rows(3_000)]
    rows[-1][6] = "窓口"
    run(city, csv_bytes(rows, encoding="cp932"))
    assert Case.objects.filter(channel="counter").count() == 1


def test_new_procedures_of_the_city_on_the_bulk_path(city, sink):
    header = [*HEADER, "手続名", "標準処理期間（日）"]
    rows = [[*row, "市独自の給付金の申請", "10"] for row in many_rows(50, code="SHIJO-02")]
    rows += [[*row, "", ""] for row in many_rows(50, start=50)]

    result = run(city, csv_bytes(rows, header))

    own = Procedure.objects.get(code="SHIJO-02", municipality=city)
    assert result.procedures_created == ["SHIJO-02"]
    assert Case.objects.filter(procedure=own).count() == 50
    assert Case.objects.filter(procedure__code="C11").count() == 50


def test_odd_cells_never_crash(city, sink):
    """Control characters (the row separator of the personal-data search among them), zero-width and
    full-width text, emoji: normalised and stored — never an exception, never a shifted column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*HEADER, "備考"])
    odd = ["\u200bKS-9\x07", "Ｃ１１\u00a0", "\u3000２０２５－０４－０１", "2025/4/30\x1f"]
    odd += ["", "", "窓口\t", "", "🙂\x0b𠮷"]
    writer.writerow(odd)
    writer.writerow(["KS-10", "C11", "2025-04-01", "2025-04-30", "", "", "\u202eonline", "", "\x1f\x1f"])
    run(city, out.getvalue().encode())
    assert Case.objects.count() == 2
    assert set(Case.objects.values_list("channel", flat=True)) == {"counter", "online"}


@pytest.mark.postgres
def test_a_first_import_is_copied_straight_into_the_case_table(city, postgres_only, monkeypatch):
    """No case of the city yet: the rows go straight to the case table (no temporary table); a row the
    direct path cannot write makes it give way to the general path, which reads the file again."""
    opened = []
    open_table = loading._CopySink.open
    monkeypatch.setattr(loading._CopySink, "open", lambda sink: opened.append(1) or open_table(sink))
    rows = list(many_rows(1_000))

    assert run(city, csv_bytes(rows)).created == 1_000
    assert opened == []

    assert run(city, csv_bytes(rows)).replaced == 1_000  # a re-import: the temporary table
    assert opened == [1]

    Case.objects.all().delete()
    bad = [*rows[:500], [*rows[500][:6], "FAX", ""], *rows[501:]]
    error = refused(city, csv_bytes(bad))
    assert [(p.row, p.column) for p in error.problems] == [(502, "申請方法")]
    assert opened == [1, 1] and Case.objects.count() == 0
