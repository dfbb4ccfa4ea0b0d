"""TEMPORARY (hE): import throughput before/after. Deleted before finishing."""
import random
import time

import pytest
from django.core.files.base import ContentFile

from bench.importing import _csv, _rows
from imports.jobs import import_run
from imports.models import ImportJob
from partnerships.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=False)

VALID = []


def _numbers(n):
    from partnerships.codes import validate_corporate_number
    out, base = [], 1000000000000
    i = 0
    while len(out) < n:
        i += 1
        body = str(base + i * 7919)[1:]  # 12 digits
        for check in "123456789":
            cand = check + body
            try:
                validate_corporate_number(cand)
            except Exception:
                continue
            out.append(cand)
            break
    return out


def _run(city, by, rows):
    job = ImportJob.objects.create(municipality=city, file=ContentFile(_csv(rows), name="b.csv"),
                                   original_name="b.csv", dry_run=False, created_by=by)
    t = time.perf_counter()
    job = import_run(job)
    s = time.perf_counter() - t
    assert job.status == "succeeded", job.errors[:3]
    return s


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_bench_10000(city, editor, rep):
    nums = _numbers(500)
    Organization.objects.bulk_create([Organization(name=f"組織{i}", kind="company", corporate_number=n) for i, n in enumerate(nums)])
    rows = _rows(10_000, nums, random.Random(42))
    s = _run(city, editor, rows)
    print(f"\nBENCH 10000 rows: {s:.2f}s {10000/s:.0f} rows/s")


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_bench_1000_new_orgs(city, editor, rep):
    nums = _numbers(1000)
    rows = _rows(1000, nums, random.Random(1))
    for i, r in enumerate(rows):
        r["連携先法人番号"] = ""
        r["連携先"] = f"株式会社新規{i:05d}"
    # baseline: same but partners existing (so only organization creation differs)
    s = _run(city, editor, rows)
    print(f"\nBENCH 1000 rows with 1000 new orgs: {s:.3f}s")
