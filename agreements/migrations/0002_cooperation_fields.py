from django.db import migrations


def load(apps, schema_editor):
    from agreements.vocabulary import COOPERATION_FIELDS

    CooperationField = apps.get_model("agreements", "CooperationField")
    for order, (code, name, name_en) in enumerate(COOPERATION_FIELDS, start=1):
        CooperationField.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
