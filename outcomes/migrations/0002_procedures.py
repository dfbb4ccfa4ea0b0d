"""The national procedure catalogue (outcomes/data/procedures.csv), so that every database has it;
``manage.py load_procedures`` brings it up to date after the data file changes."""

from django.db import migrations


def load(apps, schema_editor):
    from outcomes.catalogue import load_catalogue, read_catalogue

    load_catalogue(apps.get_model("outcomes", "Procedure"), read_catalogue())


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
