import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_public_bodies_and_municipal_history")]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalmunicipality",
            name="updated_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name="updated at"),
            preserve_default=False,
        ),
    ]
