import dataclasses
import datetime
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from agreements.models import Agreement, AgreementSummary
from agreements.services import agreement_summaries_refresh_all
from agreements.synthetic.seed import AS_OF, MODELS, SCALES, Seeder, Sizes
from opendata.services import releases_record_bulk


def seed_scale(*, sizes: Sizes, seed: int = 42, as_of: datetime.date = AS_OF, releases: str = "largest") -> dict:
    """Seed in one transaction, record OCDS releases (``releases``: largest, all or none), then VACUUM
    ANALYZE the tables (ANALYZE only inside an outer transaction, e.g. a test)."""
    with transaction.atomic():
        report = Seeder(sizes=sizes, seed=seed, as_of=as_of).run()
        started = time.monotonic()
        published = Agreement.objects.filter(published=True)
        if releases == "largest" and report["largest_municipality"]:
            published = published.filter(municipality__code=report["largest_municipality"])
        elif releases not in ("largest", "all"):
            published = published.none()
        ids = list(published.order_by("pk").values_list("pk", flat=True))
        report["counts"]["opendata_release"] = releases_record_bulk(agreement_ids=ids)
        report["seconds"]["opendata_release"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    tables = [m._meta.db_table for m in (*MODELS, Agreement.fields.through)] + ["opendata_release"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")
    report["seconds"]["vacuum_analyze"] = round(time.monotonic() - started, 1)
    # The statistics' maintained summaries (the outbox task keeps them from here on): after ANALYZE, since
    # without the tables' statistics PostgreSQL plans the KPI verdicts over 5 million measurements badly
    # (over 4 minutes inside the seed's transaction, against ~10 s here).
    started = time.monotonic()
    report["counts"]["agreement_summary"] = agreement_summaries_refresh_all()
    with connection.cursor() as cursor:
        table = AgreementSummary._meta.db_table
        cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")
    report["seconds"]["agreement_summary"] = round(time.monotonic() - started, 1)
    return report


class Command(BaseCommand):
    help = (
        "Fill a PostgreSQL database with synthetic national-scale data for benchmarks (agreements/synthetic/seed.py): "
        "organizations, departments, agreements, parties, initiatives, deliverables, KPIs and measurements "
        "over the real municipality list (run load_municipalities first), written with COPY, marked 【合成】. "
        "Refuses databases whose name contains neither 'bench' nor starts with 'test_' unless "
        "--allow-any-database: never seed the development or production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="full", help="preset sizes (default full)")
        for field in dataclasses.fields(SCALES["full"]):
            parser.add_argument(f"--{field.name}", type=int, help=f"number of {field.name} (overrides --scale)")
        parser.add_argument("--seed", type=int, default=42, help="random seed: same seed and sizes, same rows")
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            default=AS_OF,
            help=f"the synthetic 'today' (default {AS_OF})",
        )
        parser.add_argument(
            "--releases",
            choices=["largest", "all", "none"],
            default="largest",
            help="OCDS releases for the municipality with most agreements (default), all, or none",
        )
        parser.add_argument("--allow-any-database", action="store_true", help="skip the database-name check")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, scale, seed, as_of, releases, allow_any_database, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale writes with PostgreSQL's COPY: set DATABASE_URL=postgres://…")
        name = connection.settings_dict["NAME"]
        if not allow_any_database and "bench" not in name and not name.startswith("test_"):
            raise CommandError(
                f"Refusing to seed database {name!r}: use a database named like kyoso_bench "
                "(or --allow-any-database if you really mean it)."
            )
        sizes = dataclasses.replace(
            SCALES[scale], **{f.name: options[f.name] for f in dataclasses.fields(SCALES[scale]) if options[f.name]}
        )
        try:
            report = seed_scale(sizes=sizes, seed=seed, as_of=as_of, releases=releases)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        report["sizes"], report["seed"], report["as_of"] = dataclasses.asdict(sizes), seed, as_of.isoformat()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        for table, count in report["counts"].items():
            self.stdout.write(f"  {table}: {count:,} rows in {report['seconds'].get(table, 0)} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {report['seconds']['total']} s (+ {report['seconds']['vacuum_analyze']} s VACUUM ANALYZE); "
                f"largest municipality: {report['largest_municipality']}"
            )
        )
