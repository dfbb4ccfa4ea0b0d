from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from outcomes.models import Procedure
from outcomes.references import reference_figures_load


class Command(BaseCommand):
    help = (
        "Load published reference figures of a procedure (e.g. the MHLW's 要介護認定 figures per insurer) from a "
        "CSV or XLSX file with the headers 保険者番号, 保険者名, 期間開始, 期間終了, 件数, 平均日数, "
        "30日以内の割合 (and optionally 出典, 出典URL per row). Idempotent; all rows or none. "
        "Example: load_reference_figures outcomes/data/reference_L01_mhlw.csv --procedure L01"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8 or CP932) or .xlsx file")
        parser.add_argument("--procedure", required=True, help="the national procedure's code, e.g. L01")
        parser.add_argument("--source-url", default="", help="the source's address (rows may give their own)")
        parser.add_argument("--source-title", default="", help="the source's title (rows may give their own)")

    def handle(self, *args, file, procedure, source_url, source_title, **options):
        found = Procedure.objects.filter(Q(code__iexact=procedure), municipality__isnull=True).first()
        if found is None:
            raise CommandError(f"No national procedure has the code {procedure!r}.")
        try:
            result = reference_figures_load(
                procedure=found, path=file, source_title=source_title, source_url=source_url
            )
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference figures of {found.code}: {result.created} created, {result.updated} updated, "
                f"{result.matched} matched to a municipality."
            )
        )
        if result.unmatched:
            self.stdout.write(f"Not matched to a municipality: {'、'.join(result.unmatched)}")
