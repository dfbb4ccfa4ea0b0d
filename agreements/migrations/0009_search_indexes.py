"""Search at national scale (issue 14, item 7): GIN indexes of the 2-character pieces
(``kyoso_bigrams``, partnerships 0004) of an agreement's own text and of a party's branch, the
documents agreements.filters.AGREEMENT_DOCUMENT and BRANCH_DOCUMENT name. PostgreSQL only; nothing on
SQLite (LIKE alone there)."""

from django.db import migrations

INDEXES = {
    "agreement_search_bigrams": (
        "CREATE INDEX IF NOT EXISTS agreement_search_bigrams ON agreements_agreement "
        "USING gin (kyoso_bigrams(LOWER(title || ' ' || summary || ' ' || title_en || ' ' || public_id)))"
    ),
    "party_branch_search_bigrams": (
        "CREATE INDEX IF NOT EXISTS party_branch_search_bigrams ON agreements_party "
        "USING gin (kyoso_bigrams(LOWER(branch))) WHERE branch <> ''"
    ),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXES.values():
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0008_municipality_on_deliverables_and_measurements"),
        ("partnerships", "0004_search_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
