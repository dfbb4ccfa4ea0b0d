from django.core.management.base import BaseCommand

from opendata.bulk import current_dir, opendata_export


class Command(BaseCommand):
    help = (
        "Write all open-data files (CSV of every table, the OCDS release package as gzip, datapackage.json, "
        "SHA256SUMS) and switch them in atomically. Published records only."
    )

    def handle(self, *args, **options):
        counts = opendata_export()
        for name, rows in counts.items():
            self.stdout.write(f"  {name}: {rows} rows" if name.endswith(".csv") else f"  {name}: {rows} releases")
        self.stdout.write(self.style.SUCCESS(f"Open-data files are in {current_dir()}"))
