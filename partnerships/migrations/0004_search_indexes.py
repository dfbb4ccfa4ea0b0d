"""Search at national scale (issue 14, item 7): ``kyoso_bigrams(text)``, the set of 2-character pieces
of a text, and a GIN index of it over the organizations' names (partnerships.filters.SearchDocument,
agreements.filters.ORGANIZATION_DOCUMENT). PostgreSQL only; nothing on SQLite (LIKE alone there)."""

from django.db import migrations

# Immutable: it depends on its argument alone (the callers pass text already lowered). Pieces with a
# space are left out: a query word has none.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION kyoso_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT piece), '{}'::text[])
    FROM (SELECT substr($1, i, 2) AS piece FROM generate_series(1, length($1) - 1) AS i) AS pieces
    WHERE position(' ' IN piece) = 0
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS organization_search_bigrams ON partnerships_organization "
    "USING gin (kyoso_bigrams(LOWER(name || ' ' || kana || ' ' || name_en)))"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS organization_search_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS kyoso_bigrams(text) CASCADE")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_municipality_updated_at")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
