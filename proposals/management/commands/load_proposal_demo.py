from django.core.management.base import BaseCommand, CommandError

from agreements.demo import DemoPrerequisiteError
from proposals.demo import load_proposal_demo


class Command(BaseCommand):
    help = (
        "Load the demo proposal scheme (themes, proposals at every stage, one turned into an agreement) of "
        "四條畷市 and 大東市 through the services. Run load_demo first. Idempotent: a city with a demo theme is "
        "skipped."
    )

    def handle(self, *args, **options):
        try:
            report = load_proposal_demo()
        except DemoPrerequisiteError as error:
            raise CommandError(str(error)) from None
        loaded = ", ".join(report.loaded) or "none (already present)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo proposals: {report.proposals} proposals, {report.agreements} agreements; loaded for: {loaded}."
            )
        )
