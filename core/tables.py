"""Read schemas: each public entity's columns, declared once, and the one writer of every output.

A ``Table`` is the ordered list of an entity's public ``Column``s. A column names where its value comes
from (an ORM path or expression), what *kind* of value it is, and where it appears: its JSON key in the
API, its Japanese header in the CSV and XLSX files, its Table Schema type and constraints in
``datapackage.json``, and whether (and how) the import template takes it. Everything that reads public
data in bulk is generated from the table:

* ``Table.values()`` — the ``.values()`` projection of a query (the fast JSON path and every file);
* ``Table.json()`` — the API's JSON of ``.values()`` rows (the agreement list is written this way);
* ``Table.json_keys`` — the serializers' ``Meta.fields``;
* ``write_csv`` / ``write_xlsx`` — the one writer of CSV and XLSX, used by the API, the pages and the
  nightly files;
* ``Table.table_schema()`` — the Table Schema of ``datapackage.json``;
* ``Table.import_columns`` — the import template's columns.

How a value is written is a property of its *kind*, not of the column: a date is ISO 8601 in every file,
a label is the Japanese label of its code. Each kind has a Python form and, where PostgreSQL can write
the same bytes, an SQL form: on PostgreSQL the CSV is written by ``COPY (SELECT <cells>) TO STDOUT`` (4–5×
the rate of formatting in Python, docs/performance.md). Values that need arithmetic (rounding) are
computed by the database in the column's expression, for both forms, so the two never disagree.

Nothing here knows about agreements: the tables live with their models (agreements/tables.py,
partnerships/tables.py). docs/architecture.md ("One read schema per entity") shows how to add a column.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Expression, QuerySet
from django.utils import timezone, translation

# A cell beginning with one of these runs as a formula in Excel and LibreOffice (OWASP, "CSV
# Injection"): = + - @, a tab, a carriage return.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)
_TRIGGER_CODES = ", ".join(str(ord(c)) for c in FORMULA_TRIGGERS)


def csv_safe(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: one that begins with a formula trigger gets a
    leading apostrophe, which spreadsheets read as "this is text" (docs/open-data.md says how to strip
    it). ``sql_csv_safe`` is the same rule in SQL."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def sql_csv_safe(text: str) -> str:
    """``csv_safe`` over an SQL text expression. The first character is compared by its code (ascii();
    NULL and '' match nothing): on 40,000 agreements the COPY takes about a tenth longer, where comparing
    left(text, 1) with strings took half longer."""
    return f"CASE WHEN ascii({text}) IN ({_TRIGGER_CODES}) THEN chr(39) || {text} ELSE {text} END"


# --- kinds: how a value is written ---------------------------------------------------------------------


class Kind:
    """A kind of value. ``cell`` writes a CSV cell (Python), ``sql`` the same cell as SQL text over a
    column reference (None: no SQL form), ``json`` the API's value, ``xlsx`` a typed spreadsheet cell."""

    type = "string"  # Table Schema type
    format = ""  # Table Schema format ("uri"); "" = the type's default
    text = False  # a text cell: made formula-safe

    def cell(self, value):
        return "" if value is None else value

    def sql(self, ref: str) -> tuple[str, list] | None:
        return f"({ref})::text", []

    def json(self, value):
        return value

    def xlsx(self, value):
        return value

    def enum(self) -> tuple:
        return ()


class Text(Kind):
    text = True

    def cell(self, value):
        return "" if value is None else str(value)

    def sql(self, ref):
        return sql_csv_safe(f"NULLIF(({ref})::text, '')"), []

    def xlsx(self, value):
        return None if value in (None, "") else csv_safe(str(value))


# hiragana (ぁ…ゖ, ゝゞ) and the katakana of each, one code point apart (0x60)
HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097)) + "ゝゞ"
KATAKANA = "".join(chr(c + 0x60) for c in range(0x3041, 0x3097)) + "ヽヾ"
_TO_KATAKANA = str.maketrans(HIRAGANA, KATAKANA)


class Kana(Text):
    """A reading (``_カナ`` columns): written in katakana, as the 自治体標準 files hold it, whether the
    record stores it in hiragana or katakana. The SQL form is PostgreSQL's translate() of the same
    characters. The API writes the record as stored (it is writable)."""

    def cell(self, value):
        return "" if value is None else str(value).translate(_TO_KATAKANA)  # でもこうか → デモコウカ

    def sql(self, ref):
        sql = sql_csv_safe(f"translate(NULLIF(({ref})::text, ''), %s, %s)")
        return sql, [HIRAGANA, KATAKANA] * (sql.count("%s") // 2)

    def xlsx(self, value):
        return csv_safe(self.cell(value)) or None


class Url(Text):
    """An absolute URL (Table Schema format ``uri``)."""

    format = "uri"


class Integer(Kind):
    type = "integer"


class Number(Kind):
    """A decimal written without trailing zeros (12.50 → 12.5) — or, with ``places``, with exactly that
    many decimals; the column's expression rounds it in the database (Round), for both forms."""

    type = "number"

    def __init__(self, places: int | None = None):
        self.places = places

    def cell(self, value):
        if value is None:
            return ""
        if self.places is not None:
            return f"{value:.{self.places}f}"
        return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)

    def sql(self, ref):
        if self.places is not None:
            return f"to_char(({ref})::numeric, 'FM999999999990.{'0' * self.places}')", []
        return f"trim_scale({ref})::text", []

    def json(self, value):
        return None if value is None else float(value)

    def xlsx(self, value):
        return None if value is None else float(value)


class Date(Kind):
    type = "date"

    def cell(self, value):
        return value.isoformat() if value else ""

    def sql(self, ref):
        return f"to_char({ref}, 'YYYY-MM-DD')", []

    def json(self, value):
        return value.isoformat() if value else None


class DateTime(Kind):
    """ISO 8601 in Japan time to the second, with its offset (2024-04-01T10:02:03+09:00) in the files:
    fractions of a second are cut (truncated, as PostgreSQL's to_char does), since no reader needs them
    and spreadsheets show them as noise. In JSON as DRF writes it (the serializers' format)."""

    type = "datetime"

    def cell(self, value):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else ""

    def sql(self, ref):
        # isoformat(timespec="seconds") of the local time (TIME_ZONE), then the offset ±HH:MM of that moment
        local = f"({ref} AT TIME ZONE %s)"
        offset = f"({local} - ({ref} AT TIME ZONE 'UTC'))"
        sql = (
            f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
            f" || CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END"
            f" || to_char(CASE WHEN {offset} < interval '0' THEN -{offset} ELSE {offset} END, 'HH24:MI')"
        )
        return sql, [settings.TIME_ZONE] * sql.count("%s")

    def json(self, value):
        if not value:
            return None
        text = timezone.localtime(value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def xlsx(self, value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


class Boolean(Kind):
    type = "boolean"

    def cell(self, value):
        return "" if value is None else ("true" if value else "false")

    def sql(self, ref):
        return f"CASE WHEN {ref} IS NULL THEN NULL WHEN {ref} THEN 'true' ELSE 'false' END", []


class Code(Text):
    """The stored code of a choice (in_force); its allowed values are the choices' codes."""

    def __init__(self, choices):
        self.choices = choices

    def enum(self):
        return tuple(self.choices.values)


class Label(Text):
    """The Japanese label of a choice (締結中). Files are Japanese whatever the request's language; the
    API writes the code (a label column has no JSON key)."""

    def __init__(self, choices):
        self.choices = choices
        self._labels = None

    def labels(self) -> dict:
        """{code: Japanese label}, made once (a cell is written per row: millions in a file)."""
        if self._labels is None:
            with translation.override("ja"):
                self._labels = {value: str(label) for value, label in self.choices.choices}
        return self._labels

    def enum(self):
        return tuple(self.labels().values())

    def cell(self, value):
        return self.labels().get(value, value or "")

    def xlsx(self, value):
        # a label never starts a formula (tests/api/test_csv_injection.py); an unknown code is made safe
        return csv_safe(self.cell(value)) or None

    def sql(self, ref):
        labels = self.labels()
        # labels never start a formula (tests/api/test_csv_injection.py): only an unknown code can
        cases = " ".join("WHEN %s THEN %s" for _ in labels)
        params = [item for pair in labels.items() for item in pair]
        return f"CASE {ref} {cases} ELSE {sql_csv_safe(f"NULLIF({ref}, '')")} END", params


class Json(Kind):
    """A JSON value (a list of codes, nested rows) — API only: it has no cell. ``convert`` turns the
    database's JSON into the API's value."""

    type = "array"

    def __init__(self, convert: Callable[[Any], Any] = lambda value: value):
        self.convert = convert

    def json(self, value):
        if isinstance(value, str):  # read through a CASE, SQLite returns JSON as text
            value = json.loads(value)
        return self.convert(value)

    def sql(self, ref):
        return None


TEXT, INTEGER, NUMBER, DATE, DATETIME, BOOLEAN = Text(), Integer(), Number(), Date(), DateTime(), Boolean()
KANA, URL = Kana(), Url()


# --- columns and tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Importing:
    """How the import template takes a column: required or not, the help shown in the template's guide
    sheet, an example value; ``header`` when the template names it otherwise than the files (協定ID)."""

    required: bool = False
    help: str = ""
    example: str = ""
    header: str = ""


@dataclass(frozen=True)
class Column:
    """One public column. ``source`` is an ORM path ("department__name"), an expression, or a function
    of the reader (None: the public) returning an expression — for what depends on who reads (a
    parent agreement named only while published). ``name`` is its key in the ``.values()`` row
    (default: the source path, or the JSON key). ``key`` is its JSON key in the API (""= not in the API),
    ``header`` its Japanese header in CSV and XLSX ("" = not in the files)."""

    source: str | Expression | Callable
    kind: Kind = TEXT
    header: str = ""
    key: str = ""
    name: str = ""
    description: str = ""
    required: bool = False
    pattern: str = ""
    importing: Importing | None = None
    import_as: str = ""  # the import's field for this column's header (imports.recognition)

    @property
    def ref(self) -> str:
        """The column's key in the ``.values()`` row."""
        if self.name:
            return self.name
        if isinstance(self.source, str):
            return self.source
        return self.key or self.header

    def expression(self, reader=None):
        return self.source(reader) if callable(self.source) and not isinstance(self.source, Expression) else self.source


@dataclass(frozen=True)
class Table:
    """An entity's public columns in order: the files' column order, which readers may rely on. A new
    column goes at the end, except the Japanese label of a code (``Choice``), which stands right
    beside its code so that the two read as one (docs/open-data.md says which columns moved).
    ``name`` is the file stem (agreements → agreements.csv). ``foreign_keys`` are (header, table,
    header): each linking column of the files, checked by frictionless (tests/opendata)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    primary_key: str = "ID"
    foreign_keys: tuple = ()  # (header, table, header)
    prepare: Callable[[QuerySet], QuerySet] | None = None  # annotations the columns read (e.g. progress)

    @property
    def file_columns(self) -> list[Column]:
        return [c for c in self.columns if c.header]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.file_columns]

    @property
    def json_columns(self) -> list[Column]:
        return [c for c in self.columns if c.key]

    @property
    def json_keys(self) -> list[str]:
        return [c.key for c in self.json_columns]

    def values(self, queryset: QuerySet, columns: Iterable[Column] | None = None, *, reader=None) -> QuerySet:
        """``queryset.values()`` of the columns (default: those of the files), each read once."""
        if self.prepare is not None:
            queryset = self.prepare(queryset)
        paths, expressions = [], {}
        for column in self.file_columns if columns is None else columns:
            if isinstance(column.source, str):
                if column.source not in paths:
                    paths.append(column.source)
            else:
                expressions.setdefault(column.ref, column.expression(reader))
        return queryset.values(*paths, **expressions)

    # JSON --------------------------------------------------------------------------------------------

    def json_values(self, queryset: QuerySet, *, reader=None) -> QuerySet:
        return self.values(queryset, self.json_columns, reader=reader)

    def json(self, rows: Iterable[dict]) -> list[dict]:
        """The API's JSON objects of ``json_values()`` rows, key for key what the serializer writes."""
        columns = [(c.key, c.ref, c.kind.json) for c in self.json_columns]
        return [{key: convert(row[ref]) for key, ref, convert in columns} for row in rows]

    # files -------------------------------------------------------------------------------------------

    def rows(self, queryset: QuerySet, *, chunk_size: int = 2000) -> Iterator[list]:
        """The files' cells of each row, read with a server-side cursor (constant memory). Text cells
        are made formula-safe; numbers, dates and booleans never are text."""
        columns = self.file_columns
        writers = [(c.ref, c.kind.cell) for c in columns]
        texts = [index for index, c in enumerate(columns) if c.kind.text]
        for row in self.values(queryset).iterator(chunk_size=chunk_size):
            cells = [cell(row[ref]) for ref, cell in writers]
            for index in texts:  # csv_safe, inlined: this loop writes millions of cells
                value = cells[index]
                if value and value[0] in _TRIGGER_SET:
                    cells[index] = "'" + value
            yield cells

    def typed_rows(self, queryset: QuerySet, *, chunk_size: int = 2000) -> Iterator[list]:
        """The XLSX cells of each row: numbers as numbers, dates as dates, labels in Japanese."""
        columns = self.file_columns
        writers = [(c.ref, c.kind.xlsx) for c in columns]
        for row in self.values(queryset).iterator(chunk_size=chunk_size):
            yield [write(row[ref]) for ref, write in writers]

    # datapackage.json ------------------------------------------------------------------------------------

    def table_schema(self) -> dict:
        fields = []
        for column in self.file_columns:
            entry = {"name": column.header, "type": column.kind.type}
            if column.kind.format:
                entry["format"] = column.kind.format
            if column.description:
                entry["description"] = column.description
            constraints = {}
            if column.required:
                constraints["required"] = True
            if column.pattern:
                constraints["pattern"] = column.pattern.strip("^$")
            if column.kind.enum():
                constraints["enum"] = list(column.kind.enum())
            if constraints:
                entry["constraints"] = constraints
            if column.kind.type == "boolean":
                entry["trueValues"], entry["falseValues"] = ["true"], ["false"]
            fields.append(entry)
        schema = {"fields": fields, "primaryKey": [self.primary_key]}
        # a link to the table itself (親協定ID → ID) names no resource, as the Table Schema spec says
        keys = [
            {
                "fields": [column],
                "reference": {"resource": "" if resource == self.name else resource, "fields": [target]},
            }
            for column, resource, target in self.foreign_keys
        ]
        if keys:
            schema["foreignKeys"] = keys
        return schema

    # import --------------------------------------------------------------------------------------------

    @property
    def import_columns(self) -> list[tuple[str, Column]]:
        """(template header, column) of the columns the import takes, in the template's order."""
        return [(c.importing.header or c.header, c) for c in self.columns if c.importing is not None]

    def import_headers(self) -> dict[str, str]:
        """{header: import field} of every header the import recognises as one of its own: the files'
        headers (a downloaded file imports back) and the template's."""
        headers = {}
        for column in self.columns:
            if column.import_as:
                for header in (column.importing.header if column.importing else "", column.header):
                    if header:
                        headers.setdefault(header, column.import_as)
        return headers


# --- the one writer ------------------------------------------------------------------------------------

ROWS_PER_CHUNK = 500


class _Line:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


def write_csv(table: Table, queryset: QuerySet, *, bom: bool = False, use_copy: bool = True) -> Iterator[bytes]:
    """The table's CSV (UTF-8, CRLF, Japanese headers), in chunks of bytes, in constant memory: written
    by PostgreSQL's COPY where every column has an SQL form, by Python otherwise (other databases).
    The API, the pages and the nightly files all write with this function. ``use_copy=False`` writes
    with Python on PostgreSQL too (tests/api/test_csv_copy.py checks that both forms write the same
    bytes)."""
    queryset = queryset.prefetch_related(None)
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(table.headers)
    yield (("\ufeff" if bom else "") + header.getvalue()).encode()
    query = copy_sql(table, queryset) if use_copy else None
    if query is not None:
        yield from _copy_chunks(query)
        return
    writer = csv.writer(_Line(), lineterminator="\r\n")
    chunk = []
    for row in table.rows(queryset):
        chunk.append(writer.writerow(row))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def write_xlsx(table: Table, queryset: QuerySet) -> tempfile.SpooledTemporaryFile:
    """The table as an XLSX workbook (one sheet, Japanese headers, typed cells) in a temporary file,
    rewound: openpyxl's write-only mode keeps one row in memory at a time."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    bold = Font(bold=True)
    headers = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    for row in table.typed_rows(queryset.prefetch_related(None)):
        sheet.append(row)
    output = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - the caller streams and closes it
    workbook.save(output)
    output.seek(0)
    return output


# --- the SQL form (PostgreSQL COPY) -----------------------------------------------------------------------

COPY_ROWS_PER_CHUNK = 1000


def copy_sql(table: Table, queryset: QuerySet) -> tuple[str, list] | None:
    """SELECT of the table's cells over its query (PostgreSQL), or None where a kind has no SQL form.

    The table's query becomes the subquery ``t`` whose columns are renamed c0, c1, … in the order they
    are selected: a DISTINCT query also selects its ORDER BY columns, which may repeat a name such as
    "id"; renamed, they cannot be confused with the table's own."""
    if connection.vendor != "postgresql":
        return None
    compiler = table.values(queryset).query.get_compiler(connection=connection)
    inner, inner_params = compiler.as_sql()
    positions = {}
    for index, (_expression, _sql, alias) in enumerate(compiler.select):
        positions.setdefault(alias, index)
    cells, params = [], []
    for column in table.file_columns:
        cell = column.kind.sql(f"t.c{positions[column.ref]}")
        if cell is None:
            return None
        cells.append(cell[0])
        params += cell[1]
    names = ", ".join(f"c{index}" for index in range(max(positions.values()) + 1))
    # Identifiers are generated here and every value is a parameter.
    return f"SELECT {', '.join(cells)} FROM ({inner}) t({names})", [*params, *inner_params]  # noqa: S608


def _copy_chunks(query: tuple[str, list]) -> Iterator[bytes]:
    import psycopg

    with connection.cursor() as cursor:
        literal = psycopg.ClientCursor(cursor.connection).mogrify(*query)
        with cursor.copy(f"COPY ({literal}) TO STDOUT WITH (FORMAT csv)") as copy:
            # The server sends one row per message: its last byte is the row's line end, and a line end
            # inside a quoted cell is data, kept as it is.
            buffer = []
            for row in copy:
                buffer.append(bytes(row[:-1]))
                if len(buffer) >= COPY_ROWS_PER_CHUNK:
                    yield b"\r\n".join(buffer) + b"\r\n"
                    buffer = []
            if buffer:
                yield b"\r\n".join(buffer) + b"\r\n"


# --- helpers for declaring tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A choice field as two file columns — its Japanese label and its code — of which the code is also
    the JSON key: ``*Choice(...).columns()`` in a table."""

    header: str
    source: str
    choices: Any
    key: str = ""
    description: str = ""
    code_header: str = ""
    code_description: str = ""
    importing: Importing | None = None
    import_as: str = ""

    def columns(self) -> tuple[Column, Column]:
        label = Column(
            self.source,
            Label(self.choices),
            header=self.header,
            description=self.description,
            importing=self.importing,
            import_as=self.import_as,
        )
        code = Column(
            self.source,
            Code(self.choices),
            header=self.code_header or f"{self.header}コード",
            key=self.key,
            description=self.code_description,
            import_as=self.import_as,
        )
        return label, code
