from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.municipality_data import (
    AMENDMENTS_FILE,
    MunicipalityDataError,
    amendments_read,
    municipalities_load,
    rows_from_file,
    rows_from_japancode,
)


class Command(BaseCommand):
    help = (
        "Load all prefectures, municipalities and wards of designated cities. Idempotent. "
        "By default from the CC0 data of the japancode package; --file reads the official list of "
        "総務省 (XLSX or CSV). Either way the dated amendments of partnerships/data/"
        "municipality_amendments.csv are applied after the list (validity dates, successors, new codes). "
        "Rows with a wrong check digit are rejected and named."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="the official list (.xlsx or .csv, UTF-8 or CP932)")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="load the valid rows even when some are rejected (default: load nothing then)",
        )
        parser.add_argument(
            "--amendments",
            type=Path,
            default=AMENDMENTS_FILE,
            help="the amendments file (default: the one shipped in partnerships/data/)",
        )

    def handle(self, *args, file=None, skip_invalid=False, amendments=AMENDMENTS_FILE, **options):
        if file is not None and not file.is_file():
            raise CommandError(f"No such file: {file}")
        if not amendments.is_file():
            raise CommandError(f"No such file: {amendments}")
        try:
            rows = rows_from_file(file) if file else rows_from_japancode()
            if not rows:
                raise CommandError("No rows found: the file needs a header row with 団体コード and 市区町村名（漢字）.")
            report = municipalities_load(
                rows, skip_invalid=skip_invalid, amendments=amendments_read(amendments), official=file is not None
            )
        except MunicipalityDataError as error:
            for line in error.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(error.errors)} row(s) rejected; nothing was loaded.") from None
        for line in report.errors:
            self.stderr.write(f"skipped: {line}")
        for line in report.notes:
            self.stdout.write(f"note: {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Municipalities: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.errors)} rejected; "
                f"{report.amended} given validity dates or a successor by the amendments."
            )
        )
