"""The municipality of a deliverable's and a measurement's agreement, stored on the row (kept by
``save()``), with the officer dashboard's partial indexes. Existing rows are filled with one
UPDATE … FROM per table; reversing drops the columns."""

import django.db.models.deletion
from django.db import migrations, models

FILL = {
    "agreements_deliverable": """
        UPDATE agreements_deliverable SET municipality_id = agreements_agreement.municipality_id
        FROM agreements_initiative
        JOIN agreements_agreement ON agreements_agreement.id = agreements_initiative.agreement_id
        WHERE agreements_initiative.id = agreements_deliverable.initiative_id""",
    "agreements_measurement": """
        UPDATE agreements_measurement SET municipality_id = agreements_agreement.municipality_id
        FROM agreements_outcomeindicator
        JOIN agreements_agreement ON agreements_agreement.id = agreements_outcomeindicator.agreement_id
        WHERE agreements_outcomeindicator.id = agreements_measurement.indicator_id""",
}


def municipality(*, null, db_index=True):
    return models.ForeignKey(
        blank=True,
        db_index=db_index,
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="partnerships.municipality",
        verbose_name="municipality",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0007_public_changes_summaries"),
        ("partnerships", "0002_public_bodies_and_municipal_history"),
    ]

    operations = [
        migrations.AddField(model_name="deliverable", name="municipality", field=municipality(null=True)),
        migrations.AddField(
            model_name="measurement", name="municipality", field=municipality(null=True, db_index=False)
        ),
        *(migrations.RunSQL(sql, migrations.RunSQL.noop) for sql in FILL.values()),
        migrations.AlterField(model_name="deliverable", name="municipality", field=municipality(null=False)),
        migrations.AlterField(
            model_name="measurement", name="municipality", field=municipality(null=False, db_index=False)
        ),
        migrations.AddIndex(
            model_name="deliverable",
            index=models.Index(
                condition=models.Q(("status__in", ("scheduled", "in_progress"))),
                fields=["municipality", "due_on", "id"],
                name="deliverable_city_open_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="measurement",
            index=models.Index(
                condition=models.Q(("review_status", "pending")),
                fields=["municipality", "reported_at", "id"],
                name="measurement_city_pending_idx",
            ),
        ),
    ]
