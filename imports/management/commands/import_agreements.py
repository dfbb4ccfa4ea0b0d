from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from imports.models import ImportJob
from imports.services import import_run
from partnerships.models import Municipality


class Command(BaseCommand):
    help = (
        "Import a municipality's list of agreements from CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX, "
        "all rows or none. --dry-run checks every row and imports nothing. Errors name their row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="6-digit local government code, e.g. 272299")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", help="username recorded as the importer (default: none — a system import)")

    def handle(self, *args, file, municipality, dry_run, user, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            place = Municipality.objects.get(code=municipality)
        except Municipality.DoesNotExist:
            raise CommandError(f"No municipality with code {municipality}; run load_municipalities first?") from None
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user named {user!r}.")
        job = ImportJob(municipality=place, original_name=file.name, dry_run=dry_run, created_by=by)
        job.file.save(file.name, SimpleUploadedFile(file.name, file.read_bytes()), save=False)
        job.save()
        job = import_run(job)
        for error in job.errors:
            where = [f"row {error['row']}"] if error["row"] else []  # row 0: the whole file
            where += [error["column"]] if error["column"] else []
            self.stderr.write(f"{', '.join(where)}: {error['message']}" if where else error["message"])
        if job.error_count:
            raise CommandError(f"{job.error_count} error(s) in {job.result['rows']} rows; nothing was imported.")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run: all {job.result['rows']} rows are valid; nothing imported.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {job.result['created']} agreements."))
