"""The import template's columns, generated from the agreements' read schema (agreements.tables):
each is (header, required, help, example), in the files' order."""

from agreements.tables import AGREEMENTS

COLUMNS = [
    (header, column.importing.required, column.importing.help, column.importing.example)
    for header, column in AGREEMENTS.import_columns
]
HEADERS = [c[0] for c in COLUMNS]
REQUIRED = {c[0] for c in COLUMNS if c[1]}
