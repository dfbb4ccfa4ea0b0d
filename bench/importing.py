# ruff: noqa: S311 — reproducible synthetic data, not secrets
"""The import benchmark: a 10,000-row agreement list for one municipality, in the template's columns,
with partners named by 法人番号, run through ``imports.jobs.import_run`` — every row checked, then
written on PostgreSQL with COPY (``core.copy``) with history rows, fields and parties. The rows are not
published (a published import adds one outbox row per agreement, in one bulk insert; the releases are
built after the commit). The baseline writes the same agreements with a bare ``bulk_create`` — no
parsing, no checks, no history, no parties — and rolls back."""

import csv
import datetime
import io
import random
import time

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from imports.columns import HEADERS


def _rows(n: int, numbers: list[str], rng: random.Random, title: str = "取込ベンチマーク") -> list[dict]:
    rows = []
    for i in range(n):
        signed = datetime.date(2025, 4, 1) + datetime.timedelta(days=i % 300)
        rows.append(
            {
                "協定名": f"【合成】{title}協定{i:05d}",
                "協定種別": rng.choice(["包括連携協定", "個別協定", "覚書"]),
                "概要": "インポートの性能測定のための合成データ",
                "連携分野": rng.choice(["子育て", "子育て;教育", "DX・行政サービス", "防災;環境"]),
                "締結日": signed.isoformat(),
                "開始日": signed.isoformat(),
                "終了日": (signed + datetime.timedelta(days=3 * 365)).isoformat(),
                "自動更新": rng.choice(["はい", "いいえ"]),
                "更新期間_月": "12",
                "状態": "締結中",
                "選定方法": rng.choice(["公募", "提案", "協議"]),
                "市の費用_円": rng.choice(["0", "0", "0", "1200000"]),
                "連携先の貢献見込額_円": "3000000",
                "連携先法人番号": ";".join(rng.sample(numbers, rng.choice([1, 1, 2]))),
                "公開": "いいえ",
            }
        )
    return rows


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def agreement_list_csv(rows: int, *, seed: int, title: str = "取込ベンチマーク") -> bytes:
    """An agreement list of ``rows`` rows in the import template's columns, partners by 法人番号."""
    from partnerships.models import Organization

    numbers = list(Organization.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True)[:500])
    return _csv(_rows(rows, numbers, random.Random(seed), title))


def _bare_insert(municipality, rows) -> float:
    from agreements.models import Agreement

    objects = [
        Agreement(
            municipality=municipality,
            public_id=f"{municipality.code}-1999-{i + 1:05d}",
            title=row["協定名"],
            kind="comprehensive",
            summary=row["概要"],
            signed_on=datetime.date.fromisoformat(row["締結日"]),
            starts_on=datetime.date.fromisoformat(row["開始日"]),
            ends_on=datetime.date.fromisoformat(row["終了日"]),
            status="active",
        )
        for i, row in enumerate(rows)
    ]
    started = time.perf_counter()
    with transaction.atomic():
        Agreement.objects.bulk_create(objects, batch_size=1000)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def import_benchmark(code: str, rows: int = 10_000, seed: int = 42) -> dict:
    from imports.jobs import import_run
    from imports.models import ImportJob, ImportStatus
    from partnerships.models import Municipality, Organization

    municipality = Municipality.objects.get(code=code)
    numbers = list(Organization.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True)[:500])
    data = _rows(rows, numbers, random.Random(seed))
    baseline = _bare_insert(municipality, data)
    job = ImportJob.objects.create(
        municipality=municipality,
        file=ContentFile(_csv(data), name="bench-import.csv"),
        original_name="bench-import.csv",
        dry_run=False,
        created_by=None,
    )
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        job = import_run(job)
        elapsed = time.perf_counter() - started
    if job.status != ImportStatus.SUCCEEDED:
        raise RuntimeError(f"the benchmark import failed: {job.errors[:3]}")
    return {
        "rows": [
            {
                "variant": "import_run (checked, with history and parties; COPY)",
                "rows": rows,
                "seconds": round(elapsed, 2),
                "rows_per_s": round(rows / elapsed),
                "queries": len(captured),
            },
            {
                "variant": "bare bulk_create (no checks, no history)",
                "rows": rows,
                "seconds": round(baseline, 2),
                "rows_per_s": round(rows / baseline),
            },
        ],
        "ratios": {"import / bare insert (rows/s)": round(baseline / elapsed, 2)},
    }
