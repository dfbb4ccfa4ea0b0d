from django.core.management.base import BaseCommand

from agreements.services import agreement_summaries_refresh_all
from opendata.services import releases_record_all


class Command(BaseCommand):
    help = (
        "Record an OCDS release of every published agreement whose content changed since its latest "
        "release: after the first install, or after a change of the mapping. Safe to run again. "
        "--summaries also rebuilds every agreement's statistics summary (after seeding or restoring a "
        "database by other means than the services)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--summaries", action="store_true", help="also rebuild the statistics summaries")

    def handle(self, *args, **options):
        count = releases_record_all()
        self.stdout.write(f"{count} new release(s)")
        if options["summaries"]:
            self.stdout.write(f"{agreement_summaries_refresh_all()} summaries")
