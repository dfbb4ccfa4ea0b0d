"""The officer's outcome pages: 「手続と処理期間」 (standard processing periods, publication, own procedures,
closed days) and 「案件記録の取り込み」 (試し読み, import, refusals). Who may read and change what, that a
refused or checked file stores nothing, and the pages' query counts."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from outcomes.models import Case, CaseImport, ClosedDay, MunicipalProcedure, OutcomeFigure, Procedure
from outcomes.services import cases_import
from partnerships.models import Role
from tests.factories import MembershipFactory
from tests.outcomes.conftest import GOOD_ROWS, HEADER, csv_bytes, texts_in_database

pytestmark = pytest.mark.django_db
D = datetime.date


def url(name, *args):
    return reverse(f"workspace:{name}", args=args)


def upload(data: bytes, name="cases.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def c12(db):
    return Procedure.objects.get(code="C12", municipality__isnull=True)


@pytest.fixture
def cases(city):
    """The three hand-worked cases of tests/outcomes (C11 15 business days, L01 3, M01 1)."""
    cases_import(municipality=city, name="cases.csv", source=csv_bytes(GOOD_ROWS), by=None, today=D(2026, 3, 31))


def page(client, name, *args):
    response = client.get(url(name, *args))
    assert response.status_code == 200
    return response.content.decode()


# --- who may see and do what ----------------------------------------------------------------------------


def test_the_nav_links_to_the_outcome_pages_and_one_municipality_goes_straight_to_its_page(login, viewer, city):
    client = login(viewer)
    assert url("outcomes") in page(client, "home")
    response = client.get(url("outcomes"))
    assert response.status_code == 302 and response["Location"] == url("outcome-procedures", city.code)


def test_an_officer_of_two_municipalities_chooses_one(login, viewer, city, other_city):
    MembershipFactory(user=viewer, municipality=other_city, organization=None, role=Role.VIEWER)
    html = page(login(viewer), "outcomes")
    assert url("outcome-procedures", city.code) in html and url("outcome-procedures", other_city.code) in html


def test_another_citys_own_procedures_are_not_listed(login, viewer, city, other_city):
    Procedure.objects.create(code="X9", name="よその独自手続", municipality=other_city)
    Procedure.objects.create(code="X1", name="うちの独自手続", municipality=city)
    html = page(login(viewer), "outcome-procedures", city.code)
    assert "うちの独自手続" in html and "よその独自手続" not in html


def test_a_viewer_reads_the_procedures_but_is_offered_no_change(login, viewer, city, c12):
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, standard_days=20, publish_figures=True)
    html = page(login(viewer), "outcome-procedures", city.code)
    assert "保育施設等の利用申込" in html and "20 business days" in html and "Published" in html
    assert "30 calendar days" in html  # C11 and L01: their statutory limit
    assert url("outcome-procedure", city.code, c12.pk) not in html
    assert url("outcome-import", city.code) not in html
    assert 'name="date"' not in html


def test_the_procedures_the_city_works_with_come_first(login, viewer, city, cases, c12):
    """Cases (C11, L01, M01) or a setting (C12: a standard period) put a procedure at the top; the rest
    of the catalogue follows in its order (C01 …)."""
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, standard_days=20)
    rows = page(login(viewer), "outcome-procedures", city.code).split("<tbody>", 1)[1]
    positions = {code: rows.index(f">{code}<") for code in ("C01", "C11", "C12", "L01", "M01")}
    assert max(positions[code] for code in ("C11", "C12", "L01", "M01")) < positions["C01"]


def test_a_viewer_cannot_change_anything(login, viewer, city, c12):
    day = ClosedDay.objects.create(municipality=city, date=D(2025, 10, 1), name="市の休日")
    client = login(viewer)
    for response in (
        client.get(url("outcome-procedure", city.code, c12.pk)),
        client.post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "5"}),
        client.post(url("outcome-procedure-create", city.code), {"code": "X1", "name": "独自"}),
        client.post(url("outcome-procedures", city.code), {"date": "2025-11-04", "name": "休日"}),
        client.post(url("outcome-day-delete", city.code, day.pk)),
        client.get(url("outcome-import", city.code)),
        client.post(url("outcome-import", city.code), {"file": upload(csv_bytes(GOOD_ROWS)), "action": "import"}),
    ):
        assert response.status_code == 403
    assert not MunicipalProcedure.objects.exists() and not Procedure.objects.filter(municipality=city).exists()
    assert list(ClosedDay.objects.values_list("pk", flat=True)) == [day.pk]
    assert not Case.objects.exists()


def test_another_citys_officer_gets_404_and_nothing_changes(login, other_editor, city, c12):
    day = ClosedDay.objects.create(municipality=city, date=D(2025, 10, 1), name="市の休日")
    client = login(other_editor)
    for response in (
        client.get(url("outcome-procedures", city.code)),
        client.post(url("outcome-procedures", city.code), {"date": "2025-11-04", "name": "休日"}),
        client.post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "5", "publish_figures": "on"}),
        client.post(url("outcome-procedure-create", city.code), {"code": "X1", "name": "独自"}),
        client.post(url("outcome-day-delete", city.code, day.pk)),
        client.post(url("outcome-import", city.code), {"file": upload(csv_bytes(GOOD_ROWS)), "action": "import"}),
    ):
        assert response.status_code == 404
    assert not MunicipalProcedure.objects.exists() and not Case.objects.exists()
    assert ClosedDay.objects.count() == 1 and not Procedure.objects.filter(municipality__isnull=False).exists()


def test_a_closed_day_of_another_city_is_not_found_under_ones_own(login, other_editor, other_city, city):
    day = ClosedDay.objects.create(municipality=city, date=D(2025, 10, 1), name="市の休日")
    response = login(other_editor).post(url("outcome-day-delete", other_city.code, day.pk))
    assert response.status_code == 404 and ClosedDay.objects.filter(pk=day.pk).exists()


def test_another_citys_procedure_is_not_found(login, editor, city, other_city):
    theirs = Procedure.objects.create(code="X9", name="よその手続", municipality=other_city)
    response = login(editor).post(url("outcome-procedure", city.code, theirs.pk), {"standard_days": "3"})
    assert response.status_code == 404 and not MunicipalProcedure.objects.exists()


def test_a_partner_is_refused(login, partner, city):
    client = login(partner)
    assert client.get(url("outcomes")).status_code == 403
    assert client.get(url("outcome-procedures", city.code)).status_code == 403
    assert client.get(url("outcome-import", city.code)).status_code == 403


def test_anonymous_is_sent_to_log_in(client, city):
    response = client.get(url("outcome-procedures", city.code))
    assert response.status_code == 302 and "login" in response["Location"]


# --- standard days, publication, own procedures, closed days -----------------------------------------------


def test_an_editor_sets_the_standard_days_but_is_not_offered_publication(login, editor, city, c12):
    client = login(editor)
    html = page(client, "outcome-procedure", city.code, c12.pk)
    assert 'name="standard_days"' in html and 'name="publish_figures"' not in html

    response = client.post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "20"})

    assert response.status_code == 302 and response["Location"] == url("outcome-procedures", city.code)
    setting = MunicipalProcedure.objects.get(municipality=city, procedure=c12)
    assert (setting.standard_days, setting.publish_figures) == (20, False)
    assert setting.history.latest().history_user == editor


def test_an_editor_cannot_publish_even_by_posting_the_field(login, editor, city, c12):
    login(editor).post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "20", "publish_figures": "on"})
    assert MunicipalProcedure.objects.get(procedure=c12).publish_figures is False


def test_an_approver_publishes_and_unpublishes(login, approver, city, c12):
    client = login(approver)
    assert 'name="publish_figures"' in page(client, "outcome-procedure", city.code, c12.pk)

    client.post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "9", "publish_figures": "on"})
    setting = MunicipalProcedure.objects.get(municipality=city, procedure=c12)
    assert (setting.standard_days, setting.publish_figures) == (9, True)

    client.post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "9"})
    setting.refresh_from_db()
    assert setting.publish_figures is False


def test_a_wrong_standard_period_is_shown_in_the_error_summary(login, editor, city, c12):
    response = login(editor).post(url("outcome-procedure", city.code, c12.pk), {"standard_days": "0"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in html and 'href="#id_standard_days"' in html
    assert not MunicipalProcedure.objects.exists()


def test_an_editor_adds_a_procedure_of_the_citys_own(login, editor, city):
    client = login(editor)
    response = client.post(
        url("outcome-procedure-create", city.code), {"code": "X-101", "name": "放置自転車の返還", "standard_days": "3"}
    )
    assert response.status_code == 302
    own = Procedure.objects.get(municipality=city)
    assert (own.code, own.name, own.group) == ("X-101", "放置自転車の返還", "own")
    assert MunicipalProcedure.objects.get(procedure=own).standard_days == 3
    assert "放置自転車の返還" in page(client, "outcome-procedures", city.code)


def test_a_national_code_cannot_be_taken_as_ones_own(login, editor, city):
    response = login(editor).post(url("outcome-procedure-create", city.code), {"code": "c12", "name": "保育"})
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert not Procedure.objects.filter(municipality=city).exists()


def test_an_editor_adds_and_deletes_a_closed_day_and_the_cases_are_recounted(login, editor, city, cases):
    """C11 was received 2025-04-01 and decided 04-30, 15 business days; a closed day on 04-08 (a Tuesday,
    outside its correction) takes one away, and deleting it gives it back."""
    client = login(editor)
    response = client.post(url("outcome-procedures", city.code), {"date": "2025-04-08", "name": "市の休日"})
    assert response.status_code == 302
    assert Case.objects.get(procedure__code="C11").processing_days == 14
    day = ClosedDay.objects.get(municipality=city)
    assert (day.date, day.name) == (D(2025, 4, 8), "市の休日")
    assert "2025-04-08" in page(client, "outcome-procedures", city.code)

    client.post(url("outcome-day-delete", city.code, day.pk))

    assert not ClosedDay.objects.exists()
    assert Case.objects.get(procedure__code="C11").processing_days == 15


def test_a_new_standard_period_or_closed_day_recomputes_the_figures(login, editor, city, cases):
    """C11's case (15 business days) is within a standard period of 15, not of 14; with a closed day on
    2025-04-08 it takes 14 and is within 14 again."""
    client = login(editor)
    c11 = Procedure.objects.get(code="C11", municipality__isnull=True)
    client.post(url("outcome-procedure", city.code, c11.pk), {"standard_days": "14"})
    month = OutcomeFigure.objects.get(municipality=city, procedure=c11, period="month")
    assert (month.standard_days, month.within_standard_share, month.median_days) == (14, 0, 15)

    client.post(url("outcome-procedures", city.code), {"date": "2025-04-08", "name": "市の休日"})

    month = OutcomeFigure.objects.get(municipality=city, procedure=c11, period="month")
    assert (month.within_standard_share, month.median_days) == (1, 14)


def test_a_closed_day_twice_is_an_error_on_the_page(login, editor, city):
    ClosedDay.objects.create(municipality=city, date=D(2025, 10, 1), name="市の休日")
    response = login(editor).post(url("outcome-procedures", city.code), {"date": "2025-10-01", "name": "もう一度"})
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert ClosedDay.objects.count() == 1


# --- importing case records -----------------------------------------------------------------------------


def post_file(client, city, data, action, name="cases.csv"):
    return client.post(url("outcome-import", city.code), {"file": upload(data, name), "action": action})


def test_a_dry_run_reports_the_counts_and_stores_nothing(login, editor, city):
    response = post_file(login(editor), city, csv_bytes(GOOD_ROWS), "check")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 cases can be imported: 3 new, 0 replacing" in html
    assert not Case.objects.exists() and not CaseImport.objects.exists()


def test_a_real_import_stores_the_cases_and_reports_added_and_replaced(login, editor, city):
    client = login(editor)
    response = post_file(client, city, csv_bytes(GOOD_ROWS), "import")
    assert response.status_code == 302 and response["Location"] == url("outcome-import", city.code)
    assert Case.objects.filter(municipality=city).count() == 3
    html = client.get(response["Location"]).content.decode()
    assert "3 cases were imported: 3 added, 0 replaced." in html
    assert CaseImport.objects.get().imported_by == editor

    response = post_file(client, city, csv_bytes(GOOD_ROWS), "import")
    assert "3 cases were imported: 0 added, 3 replaced." in client.get(response["Location"]).content.decode()
    assert Case.objects.count() == 3


def test_an_excel_file_is_imported(login, editor, city):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = post_file(login(editor), city, buffer.getvalue(), "import", name="cases.xlsx")
    assert response.status_code == 302 and Case.objects.filter(municipality=city).count() == 3


def test_without_an_action_the_file_is_only_checked(login, editor, city):
    login(editor).post(url("outcome-import", city.code), {"file": upload(csv_bytes(GOOD_ROWS))})
    assert not Case.objects.exists()


def test_personal_data_is_refused_with_row_and_column_and_never_echoed(login, editor, city):
    header = [*HEADER, "氏名"]
    rows = [[*row, "山田太郎"] for row in GOOD_ROWS]
    response = post_file(login(editor), city, csv_bytes(rows, header=header), "import")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in html
    assert "The file contains personal data, so none of it was imported (row 1, column 「氏名」)" in html
    assert "山田太郎" not in html
    assert not Case.objects.exists() and not CaseImport.objects.exists()


def test_an_email_in_a_cell_is_refused_and_not_shown(login, editor, city):
    header = [*HEADER, "備考"]
    rows = [[*GOOD_ROWS[0], ""], [*GOOD_ROWS[1], "taro@example.jp"], [*GOOD_ROWS[2], ""]]
    html = post_file(login(editor), city, csv_bytes(rows, header=header), "check").content.decode()
    assert "(row 3, column 「備考」)" in html and "taro@example.jp" not in html
    assert not Case.objects.exists()


def test_a_header_that_is_itself_personal_data_is_not_repeated(login, editor, city):
    """A file without a header row: its first row is read as the header, and a cell there is a value."""
    rows = [[*GOOD_ROWS[1], "hanako@example.jp"]]
    data = csv_bytes(rows, header=[*GOOD_ROWS[0], "taro@example.jp"])
    html = post_file(login(editor), city, data, "check").content.decode()
    assert "taro@example.jp" not in html and "hanako@example.jp" not in html
    assert not Case.objects.exists()


def test_rows_in_error_are_listed_by_row_and_nothing_is_stored(login, editor, city):
    bad = [GOOD_ROWS[0], ["KS-2", "C11", "2025-05-10", "2025-05-01", "", "", "", ""], GOOD_ROWS[2]]
    html = post_file(login(editor), city, csv_bytes(bad), "import").content.decode()
    assert "The file was not imported: 1 problem(s) were found. Nothing was stored." in html
    assert 'id="case-problems"' in html and "the decision date is before the date of receipt." in html
    assert not Case.objects.exists() and not CaseImport.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused(login, editor, city):
    response = post_file(login(editor), city, b"%PDF-1.4", "import", name="cases.pdf")
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.postgres
def test_a_large_upload_leaves_no_file_behind(login, editor, city, tmp_path, settings, postgres_only):
    """An upload above FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file: gone after the request; nothing
    in MEDIA; the 案件ID nowhere in the database."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    media = sorted(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []
    client = login(editor)
    post_file(client, city, csv_bytes(GOOD_ROWS), "import")
    assert list(tmp_path.iterdir()) == []
    assert (sorted(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []) == media
    assert Case.objects.count() == 3
    for row in GOOD_ROWS:
        assert texts_in_database(row[0]) == []


# --- query counts ---------------------------------------------------------------------------------------


@override_settings(LANGUAGE_CODE="en")
def test_the_procedures_page_reads_a_fixed_number_of_queries(
    login, editor, city, c12, cases, django_assert_num_queries
):
    """Session, user, memberships, the municipality, its settings, case counts, the procedures, closed days,
    the header's unread notices: flat however many procedures, cases and closed days."""
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, standard_days=20)
    Procedure.objects.create(code="X1", name="独自", municipality=city)
    for day in (D(2025, 10, 1), D(2025, 11, 4)):
        ClosedDay.objects.create(municipality=city, date=day, name="休日")
    client = login(editor)
    client.get(url("outcome-procedures", city.code))  # warm the session
    with django_assert_num_queries(9):
        client.get(url("outcome-procedures", city.code))


@override_settings(LANGUAGE_CODE="en")
def test_the_import_page_reads_a_fixed_number_of_queries(login, editor, city, cases, django_assert_num_queries):
    """Session, user, memberships, the municipality, the recent imports with who imported, the recent
    background jobs, the header's unread notices."""
    cases_import(municipality=city, name="cases.csv", source=csv_bytes(GOOD_ROWS), by=editor, today=D(2026, 3, 31))
    client = login(editor)
    with django_assert_num_queries(7):
        client.get(url("outcome-import", city.code))
