"""Hostile and oversized files: a file of too many rows is refused whole, quickly and in bounded memory,
after reading no further than the first row past the limit; a job keeps its first 200 errors and the
count of the others; an XLSX that would unpack to too much is refused before it is opened, and a row
too large before it is parsed; and the list of imports is paginated and small whatever the jobs hold."""

import csv
import io
import json
import re
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports.columns import HEADERS
from imports.jobs import MAX_ERRORS, import_run
from imports.models import ImportJob
from imports.reading import FileFormatError, TooManyRowsError, read_rows, xlsx_max_unpacked_bytes
from tests.api.conftest import client_for

from .test_imports import csv_bytes, row, run

pytestmark = pytest.mark.django_db

ATTACK_ROWS = 100_000
# Three errors a row, as in the audit's file: not a kind, not a date in the calendar, a negative amount.
BAD = {"協定名": "x", "協定種別": "条約", "締結日": "2024-02-30", "市の費用_円": "-5"}
BAD_ROW = [BAD.get(h) for h in HEADERS]  # None: no cell at all in the XLSX, an empty field in the CSV


def attack_xlsx(rows=ATTACK_ROWS) -> bytes:
    """Like the audit's file (16 KB), a small XLSX (74 KB) of many bad rows. openpyxl writes the workbook
    with one row, whose XML is then repeated (without cell references, which are optional): openpyxl's
    write-only mode would take 10 to 30 s to write the same 100,000 rows, into a file 25 times bigger."""
    one_row = template_like_xlsx(BAD_ROW)

    def repeat(name, data):
        if not name.endswith("sheet1.xml"):
            return data
        start, end = data.index(b'<row r="2"'), data.index(b"</row>", data.index(b'<row r="2"')) + len(b"</row>")
        bare = re.sub(rb' r="[A-Z]*\d+"', b"", data[start:end])
        return data[:start] + bare * rows + data[end:]

    return rewrite(one_row, repeat)


@pytest.fixture(scope="module")
def attack_file():
    return attack_xlsx()


def new_job(city, editor, name, content):
    job = ImportJob(municipality=city, original_name=name, dry_run=True, created_by=editor)
    job.file.save(name, SimpleUploadedFile(name, content), save=False)
    job.save()
    return job


def measured(function):
    """(result, seconds, peak traced bytes) of ``function()``: timed on its own, then run once more
    under tracemalloc (which slows it several times) for its memory."""
    start = time.perf_counter()
    function()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        result = function()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def test_a_100000_row_xlsx_is_refused_quickly_in_bounded_memory_with_one_error(city, editor, attack_file):
    """Before the limit such a file took 14 s and 290 MB and stored 300,000 errors (24.5 MB)."""
    assert len(attack_file) < 100_000  # 74 KB on the wire

    def attack():
        return import_run(new_job(city, editor, "attack.xlsx", attack_file))

    job, seconds, peak = measured(attack)

    assert seconds < 5, seconds
    assert peak < 50_000_000, peak
    assert job.status == "failed" and job.error_count == 1
    assert job.errors == [
        {
            "row": 20_002,  # the header, 20,000 rows, and the first row past the limit
            "column": "",
            "message": "The file has more than 20,000 rows; split it into files of at most 20,000 rows.",
        }
    ]
    assert job.rows_total == 0 and job.result["created"] == 0
    assert len(json.dumps(job.errors)) < 1000


def test_a_100000_row_csv_is_refused_quickly_in_bounded_memory(city, editor):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([BAD_ROW] * ATTACK_ROWS)
    content = out.getvalue().encode("utf-8")

    job, seconds, peak = measured(lambda: import_run(new_job(city, editor, "attack.csv", content)))

    assert seconds < 5, seconds
    assert peak < 50_000_000, peak
    assert [(e["row"], e["column"]) for e in job.errors] == [(20_002, "")]
    assert "more than 20,000 rows" in job.errors[0]["message"]


def test_reading_stops_at_the_first_row_past_the_limit(settings):
    """Bytes that are neither UTF-8 nor CP932 well after the limit (the file is decoded 64 KB at a
    time) are never read: the file is refused for its rows, not for its encoding."""
    settings.KYOSO_IMPORT_MAX_ROWS = 3
    content = csv_bytes([row(協定名=f"協定{i}") for i in range(2000)]) + b"\xff\xfe\xfa" * 100_000
    assert len(content) > 300_000

    with pytest.raises(TooManyRowsError) as refused:
        read_rows("list.csv", content)

    assert refused.value.row == 5
    assert "more than 3 rows" in str(refused.value)
    with pytest.raises(FileFormatError, match="neither UTF-8 nor Shift_JIS"):
        read_rows("list.csv", content, limit=5000)  # read to the end, the bytes are met


def test_reading_an_xlsx_stops_at_the_first_row_past_the_limit(settings):
    """Broken XML well after the limit is never parsed: the sheet is streamed, not read whole."""
    settings.KYOSO_IMPORT_MAX_ROWS = 3
    broken = attack_xlsx(5000)
    broken = rewrite(broken, lambda name, data: data.replace(b"</sheetData>", b"<row><c><<</sheetData>"))

    with pytest.raises(TooManyRowsError) as refused:
        read_rows("list.xlsx", broken)

    assert refused.value.row == 5
    with pytest.raises(FileFormatError, match=r"The Excel file cannot be read \(ParseError\)"):
        read_rows("list.xlsx", broken, limit=10_000)


def test_the_limit_comes_from_the_setting_and_counts_rows_not_blank_lines(city, editor, settings):
    settings.KYOSO_IMPORT_MAX_ROWS = 2
    rows = [row(協定名="一"), [""] * len(HEADERS), [""] * len(HEADERS), row(協定名="二")]

    headers, read = read_rows("list.csv", csv_bytes(rows))

    assert [number for number, _values in read] == [2, 5]
    job = run(city, "list.csv", csv_bytes([*rows, row(協定名="三")]), by=editor, dry_run=True)
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (6, "The file has more than 2 rows; split it into files of at most 2 rows.")
    ]


def test_a_job_lists_its_first_200_errors_and_counts_the_others(city, editor, settings):
    """Rows under the limit with three errors each: 1,500 rows, 4,500 errors, 200 listed."""
    rows = [BAD_ROW] * 1500

    job = run(city, "bad.csv", csv_bytes(rows), by=editor, dry_run=True)

    assert job.status == "failed"
    assert job.error_count == job.result["errors"] == 4500
    assert len(job.errors) == MAX_ERRORS + 1
    listed, closing = job.errors[:-1], job.errors[-1]
    assert [e["row"] for e in listed] == sorted(e["row"] for e in listed)
    assert listed[0]["row"] == 2 and listed[-1]["row"] < 100  # the first ones, in the file's order
    assert closing == {
        "row": 0,
        "column": "",
        "message": "…and 4,300 more errors (4,500 in all). Fix these first: errors often share a cause.",
    }
    assert len(json.dumps(job.errors, ensure_ascii=False)) < 40_000


def test_a_job_with_200_errors_or_fewer_lists_them_all(city, editor):
    rows = [[{"協定名": "x", "協定種別": "条約"}.get(h, "") for h in HEADERS]] * MAX_ERRORS

    job = run(city, "bad.csv", csv_bytes(rows), by=editor, dry_run=True)

    assert job.error_count == len(job.errors) == MAX_ERRORS
    assert all(e["row"] for e in job.errors)


def test_the_command_prints_the_listed_errors_and_the_total(city, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([[{"協定名": "x", "協定種別": "条約"}.get(h, "") for h in HEADERS]] * 300))
    err = StringIO()
    with pytest.raises(CommandError, match="^300 error"):
        call_command("import_agreements", str(path), municipality="272299", dry_run=True, stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == MAX_ERRORS + 1
    assert lines[0].startswith("row 2, 協定種別:") and lines[-1].startswith("…and 100 more errors (300 in all)")


# --- XLSX that would unpack to too much --------------------------------------------------------------


def template_like_xlsx(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(xlsx: bytes, replace) -> bytes:
    """The archive with each part's bytes passed through replace(name, data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace(info.filename, source.read(info.filename)))
    return out.getvalue()


def claim_size(archive: bytes, member: str, size: int) -> bytes:
    """The archive with the uncompressed size of ``member`` forged in its central-directory entry."""
    entry = archive.rindex(b"PK\x01\x02", 0, archive.rindex(member.encode()))
    return archive[: entry + 24] + size.to_bytes(4, "little") + archive[entry + 28 :]


def test_an_xlsx_whose_part_claims_a_huge_size_is_refused_before_it_is_opened(city, editor, monkeypatch):
    forged = claim_size(template_like_xlsx(row()), "xl/worksheets/sheet1.xml", 3_000_000_000)
    assert len(forged) < 20_000
    monkeypatch.setattr(
        "openpyxl.reader.excel.ExcelReader.read", lambda self: pytest.fail("openpyxl was asked to open it")
    )

    tracemalloc.start()
    job = import_run(new_job(city, editor, "bomb.xlsx", forged))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert peak < 5_000_000
    assert [(e["row"], e["column"]) for e in job.errors] == [(0, "")]
    assert job.errors[0]["message"] == (
        "The Excel file is too large once unpacked (more than 63 MB); split it into smaller files."
    )


def test_a_real_highly_compressible_sheet_is_refused(city, editor, settings):
    """A genuine sheet, padded with blank rows: hundreds of times smaller packed than unpacked."""
    settings.KYOSO_IMPORT_MAX_ROWS = 100  # so the limit is 2.4 MB unpacked
    limit = xlsx_max_unpacked_bytes(100)
    padding = b"<row/>" * 500_000

    def pad(name, data):
        return data.replace(b"</sheetData>", padding + b"</sheetData>") if name.endswith("sheet1.xml") else data

    bomb = rewrite(template_like_xlsx(row()), pad)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > limit > 100 * len(bomb)

    job = import_run(new_job(city, editor, "padded.xlsx", bomb))

    assert job.status == "failed"
    assert job.errors[0]["message"].startswith("The Excel file is too large once unpacked (more than 2 MB)")


def test_an_archive_of_too_many_parts_is_refused_before_its_directory_is_read(city, editor):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(1500):
            archive.writestr(f"x/{n}", b"")

    job = import_run(new_job(city, editor, "parts.xlsx", out.getvalue()))

    assert "too large once unpacked" in job.errors[0]["message"]


def test_a_truncated_or_forged_part_is_an_unreadable_file_not_a_crash(city, editor):
    """Python's zipfile never unpacks more than a part declares: a part that lies about its size
    fails its CRC check."""
    archive = template_like_xlsx(row())
    small = claim_size(archive, "xl/worksheets/sheet1.xml", 100)

    for content in (small, archive[: len(archive) // 2], b"PK\x05\x06" + b"\0" * 18, b"not a zip"):
        job = import_run(new_job(city, editor, "odd.xlsx", content))
        assert job.status == "failed"
        assert re.fullmatch(r"The Excel file cannot be read \(\w+\)\.", job.errors[0]["message"]), job.errors


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_row_of_a_million_cells_is_refused_before_it_is_parsed(city, editor, kind):
    """Under every other limit (a 2.6 MB CSV, an XLSX of 13 KB that unpacks to 4 MB), one such row would
    take 110 MB as parsed cells (1.6 GB at the XLSX size limit): the reading stops once a row passes 2 MB."""
    if kind == "csv":
        content = csv_bytes([["a"] * 1_300_000])
    else:
        wide = b"<row>" + b"<c><v>1</v></c>" * 250_000 + b"</row>"
        content = rewrite(
            template_like_xlsx(row()),
            lambda name, data: data.replace(b"</sheetData>", wide + b"</sheetData>"),
        )

    tracemalloc.start()
    job = import_run(new_job(city, editor, f"wide.{kind}", content))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert peak < 50_000_000, peak
    assert [(e["row"], e["message"]) for e in job.errors] == [
        (0, "A row of the file is larger than 2 MB: no list of agreements has such rows.")
    ]


def test_a_forged_dimension_neither_widens_nor_lengthens_the_rows(city, editor):
    """<dimension ref="A1:XFD1048576"/> would make openpyxl pad each row to 16,384 cells and add empty
    rows down to 1,048,576."""
    forged = rewrite(
        template_like_xlsx(row(協定名="一"), row(協定名="二")),
        lambda name, data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', data),
    )

    start = time.perf_counter()
    headers, rows = read_rows("list.xlsx", forged)

    assert time.perf_counter() - start < 1
    assert headers == HEADERS
    assert [(number, values["協定名"]) for number, values in rows] == [(2, "一"), (3, "二")]


def test_cells_right_of_the_last_header_are_not_read(city, editor):
    """A stray value in column XFD neither widens every row nor adds a column."""
    far = rewrite(
        template_like_xlsx(row()),
        lambda name, data: data.replace(b"</row></sheetData>", b'<c r="XFD2"><v>1</v></c></row></sheetData>'),
    )

    headers, rows = read_rows("list.xlsx", far)

    assert headers == HEADERS and len(rows) == 1 and set(rows[0][1]) == set(HEADERS)


# --- the list of imports -----------------------------------------------------------------------------


def test_the_list_of_imports_is_paginated_and_gives_counts_not_errors(city, editor):
    """Before: every job of the municipality with every error, 24.5 MB for the audit's file alone."""
    heavy = import_run(new_job(city, editor, "bad.csv", csv_bytes([BAD_ROW] * 3000)))
    assert heavy.error_count == 9000 and len(heavy.errors) == MAX_ERRORS + 1
    for n in range(60):
        ImportJob.objects.create(
            municipality=city,
            file=heavy.file.name,
            original_name=f"{n}.csv",
            created_by=editor,
            errors=heavy.errors,
            result=heavy.result | {"public_ids": [f"272299-2024-{i:03d}" for i in range(1000)]},
        )
    client = client_for(editor)

    response = client.get("/api/v1/imports/")

    body = response.json()
    assert response.status_code == 200
    assert len(response.content) < 30_000
    assert body["count"] == 61 and len(body["results"]) == 50 and body["next"]
    first = body["results"][0]
    assert "errors" not in first and "public_ids" not in first["result"]
    assert first["error_count"] == 9000
    assert first["result"] == {"rows": 3000, "errors": 9000, "created": 0, "updated": 0, "dry_run": True}
    assert len(client.get(body["next"]).json()["results"]) == 11

    detail = client.get(f"/api/v1/imports/{heavy.pk}/")
    assert detail.status_code == 200 and len(detail.content) < 60_000
    assert len(detail.json()["errors"]) == MAX_ERRORS + 1 and detail.json()["error_count"] == 9000


def test_the_list_query_count_is_flat(city, editor, django_assert_num_queries):
    client = client_for(editor)
    for n in range(3):
        ImportJob.objects.create(municipality=city, file="x.csv", original_name=f"{n}.csv", created_by=editor)
    client.get("/api/v1/imports/")  # warm-up: the token's last-used stamp
    with django_assert_num_queries(4):  # token, memberships, count, page (municipality joined)
        client.get("/api/v1/imports/")
    for n in range(10):
        ImportJob.objects.create(municipality=city, file="x.csv", original_name=f"{n}.csv", created_by=editor)
    with django_assert_num_queries(4):
        client.get("/api/v1/imports/")


def test_the_migration_caps_the_errors_stored_before_the_limit(city, editor):
    """Jobs of before the limit keep their first 200 errors, a closing line and the total; capped jobs
    and short lists are left alone, so running it twice changes nothing."""
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("imports.migrations.0002_cap_stored_errors")
    many = [{"row": n, "column": "協定種別", "message": "x"} for n in range(2, 3002)]
    old = ImportJob.objects.create(
        municipality=city, file="a.csv", original_name="a.csv", errors=many, result={"errors": 3000}
    )
    capped = ImportJob.objects.create(
        municipality=city, file="b.csv", original_name="b.csv", errors=many[:201], result={"errors": 3000}
    )
    short = ImportJob.objects.create(municipality=city, file="c.csv", original_name="c.csv", errors=many[:5])

    for _ in range(2):
        migration.cap_errors(django_apps, None)

    old.refresh_from_db()
    assert old.errors[:MAX_ERRORS] == many[:MAX_ERRORS] and len(old.errors) == MAX_ERRORS + 1
    assert old.errors[-1]["row"] == 0 and "2,800" in old.errors[-1]["message"] and old.error_count == 3000
    assert ImportJob.objects.get(pk=capped.pk).errors == many[:201]
    assert ImportJob.objects.get(pk=short.pk).errors == many[:5]
