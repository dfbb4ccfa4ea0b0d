from django.core.management.base import BaseCommand

from opendata.services import releases_record_all


class Command(BaseCommand):
    help = (
        "Record an OCDS release of every published agreement whose content changed since its latest "
        "release: after the first install, or after a change of the mapping. Safe to run again."
    )

    def handle(self, *args, **options):
        count = releases_record_all()
        self.stdout.write(f"{count} new release(s)")
