"""The two forms of the one CSV writer (core.tables.write_csv), for tests that compare them."""

from core.tables import write_csv


def python_csv(table, queryset, *, bom: bool = False) -> str:
    """The CSV as Python writes it (every database)."""
    return b"".join(write_csv(table, queryset, bom=bom, use_copy=False)).decode()


def copy_csv(table, queryset, *, bom: bool = False) -> bytes:
    """The CSV as the writer writes it: by COPY on PostgreSQL."""
    return b"".join(write_csv(table, queryset, bom=bom))
