"""Search at national scale (issue 14, item 7): the bigrams of an agreement's own text (``kyoso_bigrams``,
partnerships 0004) kept in a stored generated column, ``search_bigrams``, with a GIN index on it, in
place of 0009's expression index over the same text (agreements.filters.AGREEMENT_DOCUMENT).

Why stored: the search is now a condition on the agreement's own row (agreements.filters.word_condition)
that PostgreSQL answers with a bitmap scan of the index; whenever it instead checks the condition row by
row (after another filter's index, e.g. a municipality's), a stored array costs about a microsecond a row,
while the expression recomputed ``kyoso_bigrams`` (0.3–0.5 ms a row). The column is maintained by
PostgreSQL on every write, as the expression index was; the models do not name it (no Django field:
nothing reads it but the search). PostgreSQL only; nothing on SQLite (LIKE alone there)."""

from django.db import migrations

DOCUMENT = "kyoso_bigrams(LOWER(title || ' ' || summary || ' ' || title_en || ' ' || public_id))"
FORWARD = [
    f"ALTER TABLE agreements_agreement ADD COLUMN IF NOT EXISTS search_bigrams text[] "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS agreement_search_bigrams_column ON agreements_agreement USING gin (search_bigrams)",
    "DROP INDEX IF EXISTS agreement_search_bigrams",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS agreement_search_bigrams ON agreements_agreement USING gin ({DOCUMENT})",
    "DROP INDEX IF EXISTS agreement_search_bigrams_column",
    "ALTER TABLE agreements_agreement DROP COLUMN IF EXISTS search_bigrams",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0009_search_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
