from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from agreements.choices import AgreementKind
from imports.jobs import import_run
from imports.models import ImportJob
from imports.recognition import FIELDS
from partnerships.codes import resolve_lg_code
from partnerships.models import Municipality
from partnerships.selectors import lg_code_exists

NOTE_TITLES = {
    "captions": "caption rows above the header (skipped)",
    "header_rows": "second header rows (combined with the first)",
    "headings": "heading rows (skipped)",
    "new_organizations": "organizations to create",
    "near_matches": "similar organizations already in Kyoso (proposed, never merged)",
    "public_bodies": "public bodies matched in the national list",
    "public_bodies_unmatched": "public bodies not in the national list (created as organizations)",
    "new_departments": "departments to create",
    "generated_titles": "titles made by Kyoso (the list gives none)",
    "fields_mapped": "cooperation fields read by keyword",
    "periods_kept": "period texts kept as written (not understood)",
    "dates_kept": "date texts kept as written (not understood)",
    "numbers_kept": "法人番号 that could not be paired with a name (reported, not used)",
}


def _describe(kind, entry):
    if kind == "new_organizations":
        return f"{entry['name']} ({entry['kind']}; rows {', '.join(map(str, entry['rows']))})"
    if kind == "near_matches":
        proposals = ", ".join(f"{p['name']} [id {p['id']}, {p['score']}]" for p in entry["proposals"])
        return f"{entry['name']} → {proposals}"
    if kind == "public_bodies":
        return f"row {entry['row']}: {entry['text']} → {entry['name']} ({entry['code']})"
    if kind == "fields_mapped":
        return f"row {entry['row']}: {entry['text']} → {entry['field'] or '(no field; kept as written)'}"
    if kind == "dates_kept":
        return f"row {entry['row']}, {entry['column']}: {entry['text']}"
    if kind == "header_rows":
        return f"row {entry['row']}"
    if "title" in entry:
        return f"row {entry['row']}: {entry['title']}"
    if "name" in entry:
        return f"row {entry['row']}: {entry['name']}"
    return f"row {entry['row']}: {entry.get('text', '')}"


class Command(BaseCommand):
    help = (
        "Import a municipality's list of agreements as the city publishes it — CSV (UTF-8 or CP932) or XLSX, "
        "its own columns, caption and heading rows included — all rows or none. --dry-run checks every row, "
        "prints how each column was read and what would be created, and imports nothing. Errors name their "
        "row and column. A row whose 協定ID or 番号 is already in Kyoso updates that agreement."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--municipality",
            required=True,
            help="local government code: 6 digits (015865), 5 without the check digit (01586), "
            "or 6 with the leading zero dropped by Excel (15865)",
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help="read column HEADER (or its number, from 1) as FIELD; FIELD empty keeps it as a source column. "
            f"Fields: {', '.join(FIELDS)}",
        )
        parser.add_argument(
            "--kind",
            choices=list(AgreementKind.values),
            default="",
            help="kind of the rows whose title does not say (default: other)",
        )
        parser.add_argument("--user", help="username recorded as the importer (default: none — a system import)")

    def handle(self, *args, file, municipality, dry_run, user, map, kind, **options):  # noqa: A002 — the option's name
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            code = resolve_lg_code(municipality, exists=lg_code_exists)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        place = Municipality.objects.filter(code=code).first()
        if place is None:
            raise CommandError(f"No municipality with code {code}; run load_municipalities first?")
        mapping = {}
        for item in map:
            header, sep, field = item.partition("=")
            if not sep or (field and field not in FIELDS):
                raise CommandError(f"--map {item}: write HEADER=FIELD with one of: {', '.join(FIELDS)}")
            mapping[header] = field
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user named {user!r}.")
        job = ImportJob(
            municipality=place,
            original_name=file.name,
            dry_run=dry_run,
            created_by=by,
            mapping=mapping,
            default_kind=kind,
        )
        job.file.save(file.name, SimpleUploadedFile(file.name, file.read_bytes()), save=False)
        job.save()
        job = import_run(job)
        self._report(job)
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
            updated = job.result.get("updated", 0)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {job.result['created']} agreements" + (f", updated {updated}." if updated else ".")
                )
            )

    def _report(self, job):
        result = job.result or {}
        if not result.get("mapping"):
            return
        how = (
            "no header row: columns recognised from their content"
            if result.get("header_inferred")
            else (f"header on row {', '.join(map(str, result.get('header_rows', [])))}")
        )
        self.stdout.write(f"Columns ({how}):")
        for entry in result["mapping"]:
            target = entry["field"] or "kept as a source column"
            self.stdout.write(f"  {entry['column']:>2}. {entry['header']} → {target}")
        counts = result.get("note_counts", {})
        for kind, title in NOTE_TITLES.items():
            entries = result.get("notes", {}).get(kind)
            if not entries:
                continue
            self.stdout.write(f"{title}: {counts.get(kind, len(entries))}")
            for entry in entries[:50]:
                self.stdout.write(f"  {_describe(kind, entry)}")
