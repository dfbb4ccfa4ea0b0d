"""Importing case records (outcomes.services.cases_import): what is stored, what is refused, and that a
refused file leaves nothing behind — no case, no procedure, no file in MEDIA, no 案件ID anywhere."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from outcomes.casefile import CaseFileRefused
from outcomes.models import Case, CaseImport, ClosedDay, MunicipalProcedure, Procedure
from outcomes.services import cases_import

from .conftest import GOOD_ROWS, HEADER, TODAY, csv_bytes, texts_in_database

pytestmark = pytest.mark.django_db
D = datetime.date


def run(city, data, name="cases.csv", **kwargs):
    return cases_import(municipality=city, name=name, source=data, by=kwargs.pop("by", None), today=TODAY, **kwargs)


def refused(city, data, name="cases.csv", **kwargs) -> CaseFileRefused:
    with pytest.raises(CaseFileRefused) as error:
        run(city, data, name, **kwargs)
    return error.value


def media_files():
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_catalogue_is_loaded_with_the_31_procedures_and_counter_services():
    national = Procedure.objects.filter(municipality__isnull=True)
    assert national.filter(group__in=["childcare", "long_term_care"]).count() == 26
    assert national.filter(group__in=["childcare", "long_term_care", "disaster", "vehicles"]).count() == 31
    assert national.get(code="L01").name == "要介護・要支援認定の申請"
    assert national.get(code="L01").statutory_limit_days == 30
    assert national.get(code="C11").statutory_limit_days == 30
    assert national.get(code="M01").name == "住民票の写し等の交付"
    assert all(p.sources or p.group == "counter" for p in national)


def test_load_procedures_is_idempotent(capsys):
    call_command("load_procedures")
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_a_file_is_imported_with_days_computed(city, good_file):
    """The hand-worked cases of test_calendar: C11 20 − 5 = 15 business days (29 calendar), L01 across
    Golden Week 3 (7), M01 across 年末年始 1 (10)."""
    result = run(city, good_file)

    assert (result.rows, result.created, result.replaced) == (3, 3, 0)
    cases = {c.procedure.code: c for c in Case.objects.select_related("procedure")}
    assert (cases["C11"].processing_days, cases["C11"].calendar_days) == (15, 29)
    assert (cases["C11"].correction_requested_on, cases["C11"].correction_done_on) == (D(2025, 4, 10), D(2025, 4, 17))
    assert (cases["C11"].channel, cases["C11"].satisfaction) == ("online", 4)
    assert (cases["L01"].processing_days, cases["L01"].calendar_days, cases["L01"].channel) == (3, 7, "counter")
    assert (cases["M01"].processing_days, cases["M01"].calendar_days, cases["M01"].channel) == (1, 10, "mail")
    assert all(len(c.case_key) == 64 for c in cases.values())
    assert CaseImport.objects.get().rows == 3


@pytest.mark.postgres
def test_no_case_id_is_stored_anywhere(city, good_file, postgres_only):
    run(city, good_file)
    for row in GOOD_ROWS:
        assert texts_in_database(row[0]) == []


def test_a_reimport_replaces_instead_of_adding(city, good_file):
    run(city, good_file)
    changed = csv_bytes([GOOD_ROWS[0][:3] + ["2025-05-01", "", "", "窓口", ""], *GOOD_ROWS[1:]])

    result = run(city, changed)

    assert (result.created, result.replaced) == (0, 3)
    assert Case.objects.count() == 3
    assert Case.objects.get(procedure__code="C11").decided_on == D(2025, 5, 1)


def test_the_same_case_id_in_another_city_is_another_case(city, other_city, good_file):
    run(city, good_file)
    run(other_city, good_file)
    assert Case.objects.count() == 6
    assert Case.objects.values("case_key").distinct().count() == 6


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings(city, encoding):
    assert run(city, csv_bytes(GOOD_ROWS, encoding=encoding)).rows == 3


def test_xlsx_with_date_cells(city):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["KS-1", "C11", datetime.datetime(2025, 4, 1), datetime.datetime(2025, 4, 30), None, None, "窓口", 3])
    out = io.BytesIO()
    book.save(out)

    run(city, out.getvalue(), name="cases.xlsx")

    assert Case.objects.get().processing_days == 20


def test_dry_run_stores_nothing(city, good_file):
    result = run(city, good_file, dry_run=True)
    assert (result.rows, result.created, result.dry_run) == (3, 3, True)
    assert not Case.objects.exists() and not CaseImport.objects.exists()


def test_the_city_closed_days_count(city, good_file):
    """6 May 2025 is already 振替休日; 2 May (金) closed by the city takes one more day off L01: 3 → 2."""
    ClosedDay.objects.create(municipality=city, date=D(2025, 5, 2), name="市の休日")
    run(city, good_file)
    assert Case.objects.get(procedure__code="L01").processing_days == 2


def test_a_code_of_the_citys_own_with_a_name_creates_its_procedure(city):
    header = [*HEADER, "手続名", "標準処理期間（日）"]
    data = csv_bytes(
        [["X-1", "SHIJO-01", "2025-06-02", "2025-06-09", "", "", "窓口", "", "市独自の給付金の申請", "10"]], header
    )

    result = run(city, data)

    procedure = Procedure.objects.get(code="SHIJO-01")
    assert (procedure.municipality, procedure.name, result.procedures_created) == (
        city,
        "市独自の給付金の申請",
        ["SHIJO-01"],
    )
    assert MunicipalProcedure.objects.get(municipality=city, procedure=procedure).standard_days == 10


# --- refusals: nothing stored ----------------------------------------------------------------------------


def assert_nothing_stored(before_media):
    assert Case.objects.count() == 0
    assert CaseImport.objects.count() == 0
    assert not Procedure.objects.filter(municipality__isnull=False).exists()
    assert media_files() == before_media


@pytest.mark.parametrize("header", ["氏名", "申請者住所", "生年月日", "電話番号", "メールアドレス", "個人番号"])
def test_a_personal_column_refuses_the_file(city, header):
    before = media_files()
    data = csv_bytes([[*row, "x"] for row in GOOD_ROWS], [*HEADER, header])

    error = refused(city, data)

    assert error.personal
    assert (error.problems[0].row, error.problems[0].column) == (1, header)
    assert_nothing_stored(before)


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("tanaka.misaki@example.jp", "e-mail"),
        ("090-1234-5678", "phone"),
        ("0743-12-3456", "phone"),
        ("1234 5678 9018", "My Number"),  # check digit 8: see test_my_number_check_digit
    ],
)
def test_personal_content_in_any_column_refuses_the_file(city, cell, kind):
    before = media_files()
    rows = [[*row, ""] for row in GOOD_ROWS]
    rows[1][-1] = cell

    error = refused(city, csv_bytes(rows, [*HEADER, "備考"]))

    assert error.personal
    assert [(p.row, p.column) for p in error.problems] == [(3, "備考")]
    assert kind in error.problems[0].message
    assert cell not in str(error.problems[0])  # the value is never repeated
    assert_nothing_stored(before)


def test_twelve_digits_without_a_valid_check_digit_are_not_personal(city):
    rows = [[*row, "123456789012"] for row in GOOD_ROWS]
    assert run(city, csv_bytes(rows, [*HEADER, "受付番号"])).ignored_columns == ["受付番号"]


def test_my_number_check_digit():
    """施行令第8条 for 12345678901: digits from the right P1..P11 = 1,0,9,8,7,6,5,4,3,2,1, weights Q =
    2,3,4,5,6,7,2,3,4,5,6: 2+0+36+40+42+42+10+12+12+10+6 = 212; 212 mod 11 = 3; 11 − 3 = 8."""
    from outcomes.personal import is_my_number, my_number_check_digit

    assert my_number_check_digit("12345678901") == 8
    assert is_my_number("123456789018") and not is_my_number("123456789012")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["A", "C11", "2025-05-01", "2025-04-30", "", "", "", ""], "処分日", "before the date of receipt"),
        (["A", "C11", "2025-04-01", "2025-04-30", "2025-04-20", "2025-04-10", "", ""], "補正完了日", "ends before"),
        (["A", "C11", "2025-04-01", "2025-04-30", "2025-04-20", "2025-05-02", "", ""], "補正依頼日", "between"),
        (["A", "C11", "2025-04-01", "2025-04-30", "2025-04-20", "", "", ""], "補正完了日", "both correction dates"),
        (["A", "C11", "2025-02-30", "2025-04-30", "", "", "", ""], "受付日", "not a date that exists"),
        (["A", "C11", "2025-04-01", "2026-04-01", "", "", "", ""], "処分日", "in the future"),
        (["A", "C11", "2025-04-01", "4月", "", "", "", ""], "処分日", "not a date"),
        (["A", "ZZZ", "2025-04-01", "2025-04-30", "", "", "", ""], "手続コード", "unknown procedure code"),
        (["A", "C11", "2025-04-01", "2025-04-30", "", "", "FAX", ""], "申請方法", "窓口"),
        (["A", "C11", "2025-04-01", "2025-04-30", "", "", "", "6"], "満足度", "1 to 5"),
        (["", "C11", "2025-04-01", "2025-04-30", "", "", "", ""], "案件ID", "empty"),
    ],
)
def test_a_wrong_row_refuses_all_rows(city, row, column, message):
    """Three good rows and one wrong one (row 5): nothing is stored, the problem names row 5 and its column."""
    before = media_files()
    error = refused(city, csv_bytes([*GOOD_ROWS, row]))

    assert not error.personal
    assert [(p.row, p.column) for p in error.problems] == [(5, column)]
    assert message in error.problems[0].message
    assert_nothing_stored(before)


def test_a_case_id_twice_is_an_error(city):
    error = refused(city, csv_bytes([*GOOD_ROWS, GOOD_ROWS[0]]))
    assert [(p.row, p.column) for p in error.problems] == [(5, "案件ID")]
    assert "row 2" in error.problems[0].message


def test_a_missing_required_column(city):
    error = refused(city, csv_bytes([row[:3] for row in GOOD_ROWS], HEADER[:3]))
    assert [(p.row, p.column) for p in error.problems] == [(1, "処分日")]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02" * 1000,  # binary
        "案件ID,手続コード,受付日,処分日\r\nA\x00,C11,2025-04-01,2025-04-30\r\n".encode(),  # a NUL byte
        b"",  # empty
        "案件ID,手続コード,受付日,処分日\r\n".encode("utf-16"),
    ],
)
def test_unreadable_files_are_refused_without_a_crash(city, data):
    error = refused(city, data)
    assert error.problems and Case.objects.count() == 0


def test_odd_unicode_is_read_not_crashed_on(city):
    """Full-width dates and codes, a zero-width space and a BOM inside the 案件ID, emoji elsewhere."""
    rows = [["KS\u200b-1\ufeff", "Ｃ１１", "２０２５－０４－０１", "２０２５／４／３０", "", "", "ｵﾝﾗｲﾝ", "４", "🙂𠮷"]]
    run(city, csv_bytes(rows, [*HEADER, "備考"]))
    case = Case.objects.get()
    assert (case.procedure.code, case.processing_days, case.channel, case.satisfaction) == ("C11", 20, "online", 4)


def test_too_many_rows_are_refused_before_reading_on(city, settings):
    settings.KYOSO_CASE_IMPORT_MAX_ROWS = 2
    error = refused(city, csv_bytes(GOOD_ROWS))
    assert "more than 2 rows" in error.problems[0].message


def test_the_command_imports_and_refuses(city, tmp_path, capsys):
    good = tmp_path / "cases.csv"
    good.write_bytes(csv_bytes(GOOD_ROWS))
    call_command("import_cases", str(good), "--municipality", "272299", "--dry-run")
    assert "would import 3 cases" in capsys.readouterr().out and Case.objects.count() == 0

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([[*row, "山田太郎"] for row in GOOD_ROWS], [*HEADER, "氏名"]))
    with pytest.raises(CommandError, match="personal data"):
        call_command("import_cases", str(bad), "--municipality", "272299")
    assert "山田太郎" not in capsys.readouterr().err
    assert Case.objects.count() == 0
