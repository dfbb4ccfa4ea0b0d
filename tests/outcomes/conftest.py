import csv
import datetime
import io

import pytest
from django.db import connection

TODAY = datetime.date(2026, 3, 31)  # the imports' "today": the end of fiscal year 2025
HEADER = ["案件ID", "手続コード", "受付日", "処分日", "補正依頼日", "補正完了日", "申請方法", "満足度"]


def csv_bytes(rows, header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


# Real procedures of the catalogue: 支給認定の申請 (C11), 要介護・要支援認定の申請 (L01), 住民票の写し等の交付 (M01).
GOOD_ROWS = [
    ["KS-2025-000101", "C11", "2025-04-01", "2025-04-30", "2025-04-10", "2025-04-17", "オンライン", "4"],
    ["KS-2025-000102", "L01", "2025-04-30", "2025-05-07", "", "", "窓口", ""],
    ["KS-2025-000103", "M01", "2025/12/26", "令和8年1月5日", "", "", "郵送", "5"],
]


@pytest.fixture
def good_file():
    return csv_bytes(GOOD_ROWS)


def texts_in_database(needle: str) -> list[str]:
    """The tables of the whole database whose rows, read as text, contain ``needle`` (PostgreSQL: a row
    cast to text holds every column)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            name = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {name} t WHERE t::text LIKE %s", [f"%{needle}%"])  # noqa: S608
            if cursor.fetchone()[0]:
                found.append(table)
    return found
