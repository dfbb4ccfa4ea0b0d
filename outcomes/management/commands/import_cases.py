from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from outcomes.casefile import CaseFileRefused
from outcomes.services import cases_import
from partnerships.codes import resolve_lg_code
from partnerships.models import Municipality
from partnerships.selectors import lg_code_exists

SHOWN = 100  # problems printed; the count says how many there are


class Command(BaseCommand):
    help = (
        "Import a municipality's de-identified case records — CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX with "
        "the columns 案件ID, 手続コード, 受付日, 処分日 (and optionally 補正依頼日, 補正完了日, 申請方法, 満足度, "
        "手続名, 標準処理期間（日）) — all rows or none (docs/outcomes.md). A file with personal data is refused "
        "whole. 案件ID is kept only as a keyed hash; a case imported before is replaced. --dry-run checks and "
        "counts without storing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="local government code (272299, or 27229)")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", help="username of the importer, an editor of the municipality (default: system)")

    def handle(self, *args, file, municipality, dry_run, user, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            code = resolve_lg_code(municipality, exists=lg_code_exists)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        place = Municipality.objects.filter(code=code).first()
        if place is None:
            raise CommandError(f"No municipality with code {code}; run load_municipalities first?")
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active user named {user!r}.")
        try:
            with file.open("rb") as source:
                result = cases_import(municipality=place, name=file.name, source=source, by=by, dry_run=dry_run)
        except CaseFileRefused as refused:
            for problem in refused.problems[:SHOWN]:
                self.stderr.write(str(problem))
            if refused.total > SHOWN:
                self.stderr.write(f"… and {refused.total - SHOWN} more")
            reason = "personal data" if refused.personal else f"{refused.total} problem(s)"
            raise CommandError(f"Refused ({reason}); nothing was imported.") from None
        if result.ignored_columns:
            self.stdout.write(f"Columns not kept: {', '.join(result.ignored_columns)}")
        if result.procedures_created:
            self.stdout.write(f"Procedures of {place.name} to add: {', '.join(result.procedures_created)}")
        for procedure, days in sorted(result.standard_days_set.items()):
            self.stdout.write(f"標準処理期間 of {procedure}: {days} days")
        verb = "Dry run: would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {result.rows} cases ({result.created} new, {result.replaced} replaced).")
        )
