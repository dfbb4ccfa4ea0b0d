"""The public-change outbox and the publication version (agreements/publicity.py): written in the
writer's transaction, gone with its rollback, one task per commit, no signal side doors."""

import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from agreements import publicity, services
from agreements.models import PublicationVersion, PublicChange
from tests.factories import AgreementFactory, DeliverableFactory, InitiativeFactory, ready_to_publish

pytestmark = pytest.mark.django_db
PRODUCT = (
    "accounts",
    "agreements",
    "api",
    "config",
    "core",
    "imports",
    "notifications",
    "opendata",
    "partnerships",
    "portal",
    "workspace",
)


@pytest.fixture
def dispatches(monkeypatch):
    sent = []
    monkeypatch.setattr(publicity, "_dispatch", lambda: sent.append(1))
    return sent


def test_record_public_changes_writes_one_row_per_agreement_and_bumps_once(city, dispatches):
    """Given ids with duplicates and empties, then one row each (with the public id), one more version,
    and, at the commit, one dispatch."""
    first, second = AgreementFactory(municipality=city), AgreementFactory(municipality=city)
    version = publicity.publication_version()

    publicity.record_public_changes([first.pk, second.pk, first.pk, None, 0], kind="withdrawn")

    rows = list(PublicChange.objects.values_list("agreement_id", "public_id", "kind"))
    assert rows == [(first.pk, first.public_id, "withdrawn"), (second.pk, second.public_id, "withdrawn")]
    assert publicity.publication_version() == version + 1


def test_nothing_to_record_is_a_no_op(dispatches, django_capture_on_commit_callbacks):
    version = publicity.publication_version()
    with django_capture_on_commit_callbacks(execute=True):
        publicity.record_public_changes([])
    assert (PublicChange.objects.count(), publicity.publication_version(), dispatches) == (0, version, [])


def test_several_calls_in_one_transaction_dispatch_one_task(city, dispatches, django_capture_on_commit_callbacks):
    agreements = [AgreementFactory(municipality=city) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for agreement in agreements:
            publicity.record_public_changes([agreement.pk])
    assert len(dispatches) == 1
    assert PublicChange.objects.count() == 3


def test_a_rolled_back_savepoint_does_not_keep_a_later_commit_from_dispatching(
    city, dispatches, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory(municipality=city)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            publicity.record_public_changes([agreement.pk])
            raise RuntimeError
        assert PublicChange.objects.count() == 0
    assert dispatches == []
    with django_capture_on_commit_callbacks(execute=True):
        publicity.record_public_changes([agreement.pk])
    assert len(dispatches) == 1


def test_a_rolled_back_service_records_nothing(city, approver, dispatches, django_capture_on_commit_callbacks):
    """Given a publish inside a transaction that fails afterwards, then no row, no bump, no task."""
    agreement = AgreementFactory(municipality=city, status="active")
    version = publicity.publication_version()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
        raise RuntimeError
    assert (PublicChange.objects.count(), publicity.publication_version(), dispatches) == (0, version, [])


def test_every_public_write_of_the_services_records_and_private_ones_do_not(city, editor, approver, dispatches):
    agreement = AgreementFactory(municipality=city, status="active")
    deliverable = DeliverableFactory(initiative=InitiativeFactory(agreement=agreement))
    services.agreement_update(agreement=agreement, by=editor, title="下書き")  # unpublished: nobody sees it
    assert PublicChange.objects.count() == 0

    services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    deliverable.title = "変更"
    services.agreement_record_save(instance=deliverable, by=editor)
    services.agreement_record_delete(instance=deliverable, by=editor)
    services.agreement_terminate(agreement=agreement, by=editor)
    services.agreement_unpublish(agreement=agreement, by=approver)

    kinds = list(PublicChange.objects.values_list("kind", flat=True))
    assert kinds == ["changed", "changed", "withdrawn", "changed", "withdrawn"]


def test_the_version_row_is_made_when_missing():
    PublicationVersion.objects.all().delete()
    assert publicity.publication_version() == 0
    publicity.publication_version_bump()
    assert publicity.publication_version() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_bump_the_version_without_deadlock(postgres_only, city, approver, monkeypatch):
    """Eight threads publish eight agreements at once, each in its own transaction, each having locked
    its agreement first: all commit, and the version grows by eight."""
    monkeypatch.setattr(publicity, "_dispatch", lambda: None)
    agreements = [AgreementFactory(municipality=city, status="active") for _ in range(8)]
    version = publicity.publication_version()
    barrier, errors = threading.Barrier(len(agreements)), []

    def publish(agreement):
        try:
            with transaction.atomic():
                agreement = type(agreement).objects.select_for_update().get(pk=agreement.pk)
                barrier.wait(timeout=10)
                services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
        except Exception as error:  # noqa: BLE001 — collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(a,)) for a in agreements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert publicity.publication_version() == version + len(agreements)
    assert PublicChange.objects.filter(kind="changed").count() == len(agreements)


def _product_files():
    root = Path(settings.BASE_DIR)
    for app in PRODUCT:
        yield from (root / app).rglob("*.py")


def test_no_post_save_receivers_build_releases():
    """Releases come from the outbox only: no signal receivers in the apps that build or feed them."""
    offenders = [
        str(path)
        for path in _product_files()
        if path.parts[-2] != "migrations" and re.search(r"post_save|post_delete", path.read_text())
    ]
    assert offenders == []


def test_no_django_transaction_internals_are_read():
    """``connection.run_on_commit`` and private attributes on ``connection.__dict__`` are Django's
    internals: the outbox needs neither."""
    root = Path(settings.BASE_DIR)
    offenders = {
        str(path.relative_to(root))
        for path in _product_files()
        if re.search(r"run_on_commit|connection\.__dict__", path.read_text())
    }
    assert offenders == set()
