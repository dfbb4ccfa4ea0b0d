from django.core.management.base import BaseCommand

from outcomes.services import procedures_load


class Command(BaseCommand):
    help = (
        "Create or update the national procedure catalogue from outcomes/data/procedures.csv (idempotent): "
        "the Digital Agency's 31 procedures and common counter services, with their legal basis, statutory "
        "limits and sources."
    )

    def handle(self, *args, **options):
        created, updated = procedures_load()
        self.stdout.write(self.style.SUCCESS(f"Procedures: {created} created, {updated} updated."))
