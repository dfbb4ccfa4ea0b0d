from django.core.management.base import BaseCommand, CommandError

from agreements.demo import DemoPrerequisiteError
from outcomes.demo import load_outcome_demo


class Command(BaseCommand):
    help = (
        "Import the demo case records (synthetic, 案件ID DEMO-…) of 四條畷市 and four comparison cities for "
        "保育施設等の利用申込 (C12) and 要介護・要支援認定の申請 (L01), and set their standard processing periods "
        "and publication. Run load_municipalities first. Idempotent: a city that has its demo cases is skipped."
    )

    def handle(self, *args, **options):
        try:
            report = load_outcome_demo()
        except DemoPrerequisiteError as error:
            raise CommandError(str(error)) from None
        imported = ", ".join(report.imported) or "none (already present)"
        self.stdout.write(self.style.SUCCESS(f"Demo case records: {report.cases} cases; imported for: {imported}."))
