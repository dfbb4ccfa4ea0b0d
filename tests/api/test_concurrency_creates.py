"""Simultaneous creations on PostgreSQL (issue 10, items 16 and 17): agreements of one city and year
get distinct, consecutive public ids without a single error; a partner's simultaneous identical reports
store one pending report and tell the others why."""

import datetime
import threading
from collections import Counter

import pytest
from django.db import connection

from agreements import services
from agreements.models import Agreement, ProgressUpdate
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory, PartyFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
JUNE_2025 = datetime.date(2025, 6, 1)


def run_together(work, count=THREADS):
    """Run work(i) in ``count`` threads released at once; returns {i: result or the exception}."""
    barrier, results = threading.Barrier(count), {}

    def run(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 — reported by the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def numbers(prefix):
    ids = Agreement.objects.filter(public_id__startswith=prefix).values_list("public_id", flat=True)
    return sorted(int(public_id.removeprefix(prefix)) for public_id in ids)


def test_simultaneous_service_creates_get_consecutive_ids(postgres_only, city, editor):
    """8 threads × 5 agreement_create for 四條畷市 in 2025: 40 agreements, 001–040, no error."""
    per_thread = 5

    def create(index):
        return [
            services.agreement_create(
                municipality=city, by=editor, kind="other", title=f"同時{index}-{n}", signed_on=JUNE_2025
            ).public_id
            for n in range(per_thread)
        ]

    results = run_together(create)

    errors = [r for r in results.values() if isinstance(r, Exception)]
    assert not errors, errors
    assert numbers("272299-2025-") == list(range(1, THREADS * per_thread + 1))


def test_simultaneous_api_creates_all_succeed_with_consecutive_ids(postgres_only, city, editor):
    AgreementFactory(municipality=city, public_id="272299-2025-001")  # the sequence continues from 002
    clients = [client_for(editor) for _ in range(THREADS)]
    body = {"title": "同時作成", "kind": "other", "municipality": "272299", "signed_on": "2025-06-01"}

    results = run_together(lambda i: clients[i].post("/api/v1/agreements/", body, format="json"))

    statuses = Counter(r.status_code if not isinstance(r, Exception) else repr(r) for r in results.values())
    assert statuses == {201: THREADS}, [r.content[:200] for r in results.values() if r.status_code != 201]
    assert numbers("272299-2025-") == list(range(1, THREADS + 2))
    assert sorted(r.json()["public_id"] for r in results.values()) == [
        f"272299-2025-{n:03d}" for n in range(2, THREADS + 2)
    ]


@pytest.fixture
def deliverable(city, organization):
    agreement = AgreementFactory(municipality=city)
    PartyFactory(agreement=agreement, organization=organization)
    return DeliverableFactory(initiative=InitiativeFactory(agreement=agreement), responsible=organization)


def test_simultaneous_identical_reports_store_one(postgres_only, deliverable, partner):
    """A partner's double (here eightfold) submit through the API: one 201, the others a 400 that says a
    report is waiting for review, and one pending report."""
    clients = [client_for(partner) for _ in range(THREADS)]
    body = {"deliverable": deliverable.pk, "progress": 60, "status": "in_progress", "note": "順調"}

    results = run_together(lambda i: clients[i].post("/api/v1/progress-updates/", body, format="json"))

    statuses = Counter(r.status_code if not isinstance(r, Exception) else repr(r) for r in results.values())
    assert statuses == {201: 1, 400: THREADS - 1}, statuses
    refusals = [r.json()["error"]["fields"] for r in results.values() if r.status_code == 400]
    assert all("already waiting for review" in " ".join(f["non_field_errors"]) for f in refusals), refusals
    assert ProgressUpdate.objects.filter(deliverable=deliverable, review_status="pending").count() == 1


def test_simultaneous_service_submits_store_one(postgres_only, deliverable, partner):
    def submit(index):
        return services.progress_update_submit(deliverable=deliverable, by=partner, progress=60, status="in_progress")

    results = run_together(submit)

    kinds = Counter(type(r).__name__ for r in results.values())
    assert kinds == {"ProgressUpdate": 1, "ValidationError": THREADS - 1}, results
    assert ProgressUpdate.objects.filter(deliverable=deliverable).count() == 1
