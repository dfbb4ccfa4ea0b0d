"""The open-data CSV written by PostgreSQL: COPY (SELECT <cells>) TO STDOUT over a dataset's own query.

Each cell is the SQL form of its column's Python conversion in agreements.exports, so the bytes are
the ones api.csv.stream_csv writes (tests/api/test_csv_copy.py compares them): the same labels, ISO
dates with the local offset, normalized decimals, true/false, attainment rounded half to even with
Decimal's signed zero, text cells that would start a formula behind an apostrophe, empty cells
unquoted, CRLF line ends — at several times the rate, since no row passes through Python's
formatting. A dataset with a column that has no SQL form (the initiatives' weighted progress, a
float) is not copied; other databases are not either.
"""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from .exports import FORMULA_TRIGGERS, Column, Dataset, _decimal, _iso, _yes_no

COPY_ROWS_PER_CHUNK = 1000
_EMPTY = "''"
_TRIGGER_CODES = ", ".join(str(ord(c)) for c in FORMULA_TRIGGERS)


def sql_csv_safe(text: str) -> str:
    """exports.csv_safe in SQL, over a text expression: an apostrophe before a formula trigger. The
    first character is compared by its code (ascii(); NULL and '' match nothing): on 40,000 agreements
    the COPY takes about a tenth longer, where comparing left(text, 1) with strings took half longer."""
    return f"CASE WHEN ascii({text}) IN ({_TRIGGER_CODES}) THEN chr(39) || {text} ELSE {text} END"


def _sql_text(column: Column, ref) -> tuple[str, list] | None:
    """The SQL expression of a column's cell, as text (NULL for an empty cell), with its parameters;
    None when the column has no SQL form. Text cells are made safe as Dataset.rows makes them."""
    if column.key == "attainment":  # computed from the row, not read from it
        return _ATTAINMENT_SQL, []
    value = ref(column.key)
    convert = column.convert
    text = column.type == "string"
    if convert is None:
        cell = f"NULLIF(({value})::text, '')"
        return (sql_csv_safe(cell) if text else cell), []
    if hasattr(convert, "labels"):
        # labels never start a formula (tests/api/test_csv_injection.py): only an unknown code can
        cases = " ".join("WHEN %s THEN %s" for _ in convert.labels)
        params = [item for pair in convert.labels.items() for item in pair]
        return f"CASE {value} {cases} ELSE {sql_csv_safe(f'NULLIF({value}, {_EMPTY})')} END", params
    if convert is _iso and column.type == "date":
        return f"to_char({value}, 'YYYY-MM-DD')", []
    if convert is _iso and column.type == "datetime":
        # isoformat() of the local time (TIME_ZONE): microseconds only when there are some, then the
        # offset ±HH:MM of that moment.
        local = f"({value} AT TIME ZONE %s)"
        offset = f"({local} - ({value} AT TIME ZONE 'UTC'))"
        sql = (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN to_char({local}, 'US') = '000000' THEN '' ELSE to_char({local}, '.US') END"
            f" || CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END"
            f" || to_char(CASE WHEN {offset} < interval '0' THEN -{offset} ELSE {offset} END, 'HH24:MI')"
        )
        return sql, [settings.TIME_ZONE] * sql.count("%s")
    if convert is _yes_no:
        return f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} THEN 'true' ELSE 'false' END", []
    if convert is _decimal:
        return f"trim_scale({value})::text", []
    return None


# (value − baseline) / (target − baseline) with 4 decimals as Python's Decimal formats it: exact ties
# (q × 10⁴ = n + ½, i.e. d × 20000 / s an odd integer) go to the even n, and a zero keeps the quotient's
# sign ("-0.0000" when exactly one of d = v − b, s = t − b is negative). Computed once per row in two
# LATERAL steps: a.d and a.s, then r.r the rounded quotient.
_ATTAINMENT_FROM = """ CROSS JOIN LATERAL (SELECT {v} - {b} AS d, {t} - {b} AS s) a
 CROSS JOIN LATERAL (SELECT CASE WHEN mod(a.d * 20000, a.s) <> 0 THEN round(a.d / a.s, 4)
   WHEN mod(a.d * 20000 / a.s, 2) = 0 THEN round(a.d / a.s, 4)
   ELSE round((floor(a.d * 10000 / a.s) + abs(mod(floor(a.d * 10000 / a.s), 2))) / 10000, 4) END AS r) r"""
_ATTAINMENT_SQL = "CASE WHEN r.r = 0 AND (a.d < 0) <> (a.s < 0) THEN '-0.0000' ELSE r.r::text END"


def copy_sql(dataset: Dataset, queryset: QuerySet) -> tuple[str, list] | None:
    """SELECT of the dataset's cells over its query (PostgreSQL), or None when a column has no SQL form.

    The dataset's query becomes the subquery ``t`` whose columns are renamed c0, c1, … in the order
    they are selected: a DISTINCT query also selects its ORDER BY columns, which may repeat a name
    such as "id"; renamed, they cannot be confused with the dataset's own."""
    if connection.vendor != "postgresql":
        return None
    compiler = dataset.queryset(queryset).query.get_compiler(connection=connection)
    inner, inner_params = compiler.as_sql()
    positions = {}
    for index, (_expression, _sql, alias) in enumerate(compiler.select):
        positions.setdefault(alias, index)

    def ref(key):
        return f"t.c{positions[key]}"

    cells, params = [], []
    for column in dataset.columns:
        cell = _sql_text(column, ref)
        if cell is None:
            return None
        cells.append(cell[0])
        params += cell[1]
    lateral = ""
    if any(column.key == "attainment" for column in dataset.columns):
        lateral = _ATTAINMENT_FROM.format(
            v=ref("value"), b=ref("indicator__baseline_value"), t=ref("indicator__target_value")
        )
    names = ", ".join(f"c{index}" for index in range(max(positions.values()) + 1))
    # Identifiers are generated here and every value is a parameter.
    return f"SELECT {', '.join(cells)} FROM ({inner}) t({names}){lateral}", [*params, *inner_params]  # noqa: S608


def copy_csv(dataset: Dataset, queryset: QuerySet, *, bom: bool) -> Iterator[bytes] | None:
    """The dataset's CSV as written by PostgreSQL's COPY, in chunks of bytes, or None where it cannot be
    (another database, a column with no SQL form). Memory stays flat: rows pass through as they come."""
    import psycopg

    query = copy_sql(dataset, queryset)
    if query is None:
        return None
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(dataset.headers)

    def chunks():
        yield (("\ufeff" if bom else "") + header.getvalue()).encode()
        with connection.cursor() as cursor:
            literal = psycopg.ClientCursor(cursor.connection).mogrify(*query)
            with cursor.copy(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv)") as copy:
                # The server sends one row per message: its last byte is the row's line end, and a
                # line end inside a quoted cell is data, kept as it is.
                buffer = []
                for row in copy:
                    buffer.append(bytes(row[:-1]))
                    if len(buffer) >= COPY_ROWS_PER_CHUNK:
                        yield b"\r\n".join(buffer) + b"\r\n"
                        buffer = []
                if buffer:
                    yield b"\r\n".join(buffer) + b"\r\n"

    return chunks()
