from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agreements.demo import DemoPrerequisiteError, demo_load

DEFAULT_PASSWORD = "kyoso-demo"


class Command(BaseCommand):
    help = (
        "Create the demo data (fictional partners, ~30 agreements of 四條畷市, 大東市 and 加賀市 marked 【デモ】, "
        "with initiatives, deliverables, KPIs, measurements and reports) and the demo accounts, whose password is "
        "settings.DEMO_PASSWORD. Run load_municipalities first. Idempotent: a second run creates nothing and only "
        "restores the demo accounts' password, flags and memberships."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_PASSWORD:
            raise CommandError(
                "DEMO_PASSWORD is not set. Demo accounts include a superuser: in production, set a strong "
                "DEMO_PASSWORD explicitly if you really want demo data there."
            )
        try:
            report = demo_load(password=settings.DEMO_PASSWORD)
        except DemoPrerequisiteError as error:
            raise CommandError(str(error)) from None
        if report.created:
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present: nothing created; demo accounts checked."))
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count}")
        # Show the password only while it is the well-known default; a real one stays off the terminal.
        password = DEFAULT_PASSWORD if settings.DEMO_PASSWORD == DEFAULT_PASSWORD else "the value of DEMO_PASSWORD"
        self.stdout.write(f"Demo accounts (password: {password}):")
        for account in report.accounts:
            self.stdout.write(
                f"  {account.username:<15} {account.last_name} {account.first_name}  {account.description}"
            )
