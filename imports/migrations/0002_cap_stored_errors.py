"""Jobs imported before errors were capped could store hundreds of thousands of them (24 MB for one
file): keep the first 200 and a closing line, as new jobs do. ``result["errors"]`` keeps the total."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import ngettext

MAX_ERRORS = 200


def cap_errors(apps, schema_editor):
    ImportJob = apps.get_model("imports", "ImportJob")
    # errors__201 exists only on a list longer than a capped one (MAX_ERRORS and the closing line): a
    # JSON path on SQLite, -> on PostgreSQL. Running this again changes nothing.
    long_lists = ImportJob.objects.filter(**{f"errors__{MAX_ERRORS + 1}__isnull": False}).only("errors", "result")
    with translation.override(settings.LANGUAGE_CODE):
        for job in long_lists.iterator(chunk_size=20):
            total = max(len(job.errors), (job.result or {}).get("errors", 0))
            more = total - MAX_ERRORS
            message = ngettext(
                "…and %(more)s more error (%(total)s in all). Fix these first: errors often share a cause.",
                "…and %(more)s more errors (%(total)s in all). Fix these first: errors often share a cause.",
                more,
            ) % {"more": f"{more:,}", "total": f"{total:,}"}
            job.errors = job.errors[:MAX_ERRORS] + [{"row": 0, "column": "", "message": message}]
            job.result = {**(job.result or {}), "errors": total}
            job.save(update_fields=["errors", "result"])


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_initial")]

    operations = [migrations.RunPython(cap_errors, migrations.RunPython.noop, elidable=True)]
