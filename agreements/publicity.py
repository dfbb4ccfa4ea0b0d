"""Every change to public data is recorded where it is made: an outbox row per agreement and one more
publication version, both in the writer's transaction.

Why an outbox and not signals: a row written with the change exists exactly when the change does (a
rollback takes it away with the change), a broker outage only delays its processing, and the writer
says in one line what it changed instead of eight model-signal receivers guessing it. Every write path
(the services, the jobs, the import, the demo loader; the admin through the services) calls
``record_public_changes``.

Who processes the rows: the Celery task named ``PROCESS_TASK`` (``opendata/tasks.py``), which builds
each agreement's OCDS release and statistics summary. The agreements app must not import opendata,
so it names the task by its name only: ``app.signature(name).delay()`` uses the registered
task where the process has imported it (so ``task_always_eager`` is honoured) and sends by name
otherwise. If the broker is down the rows stay pending and the periodic task (``CELERY_BEAT_SCHEDULE``,
every minute) processes them.
"""

import logging

from celery import current_app
from django.db.models import F

from core.transactions import on_commit_once

from .models import Agreement, PublicationVersion, PublicChange, PublicChangeKind

logger = logging.getLogger(__name__)

PROCESS_TASK = "opendata.public_changes"


def record_public_changes(agreement_ids, *, kind: str = PublicChangeKind.CHANGED) -> None:
    """Record that these agreements' public state changed (``kind`` "changed" or "withdrawn"): one outbox
    row per agreement (ids de-duplicated, empty values skipped, one bulk insert), the publication
    version bumped once, and one processing task dispatched when the transaction commits.

    Call it inside the writer's transaction, after the writes (see ``publication_version_bump`` for why
    late). An agreement that is about to be deleted is recorded before its deletion: its public id is
    read from its row. Nothing to record is a no-op (no bump, no task)."""
    ids = {int(pk) for pk in agreement_ids if pk}
    if not ids:
        return
    kind = PublicChangeKind(kind)
    public_ids = dict(Agreement.objects.filter(pk__in=ids).values_list("pk", "public_id"))
    rows = [PublicChange(agreement_id=pk, public_id=public_ids[pk], kind=kind) for pk in sorted(public_ids)]
    if not rows:
        return
    # The bump first: its row lock is held from here to the commit, so the rows below get their ids in
    # commit order — a reader of the public changes feed (ordered by id) never finds a lower id
    # committed after a higher one it has already read.
    publication_version_bump()
    PublicChange.objects.bulk_create(rows)
    _dispatch_on_commit()


def organization_changed_received(sender, *, organization, **kwargs) -> None:
    """An organization was registered or corrected (partnerships.signals): the published agreements it
    is a party to show its name, so their public state changed."""
    if organization.pk is not None:
        record_public_changes(
            Agreement.objects.filter(published=True, parties__organization=organization).values_list("pk", flat=True)
        )


def publication_version() -> int:
    """The current publication version (one primary-key read; 0 before the first change)."""
    return PublicationVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def publication_version_bump() -> None:
    """One more publication version, in the caller's transaction (so the new number is seen exactly
    when the change is).

    Why a single row and not a sequence: ``nextval()`` is not transactional — readers would see the new
    number before the change commits, cache the old state under it, and serve it until the next change.
    The row's cost is its lock, held from the bump to the commit, so every writer of public data passes
    it one at a time: ``record_public_changes`` is called last in each service (after the records are
    saved and locked), so a writer holding it takes no further row lock and just commits; all writers
    take locks in the same order (their records, then this row), which cannot form a cycle. Where one
    transaction runs several services (a job over many agreements keeps one transaction per agreement;
    an import calls once at the end) the rare cycle left is broken by PostgreSQL's deadlock detector
    within ``deadlock_timeout``, and the loser's transaction is retried like any failed write.
    SQLite serialises writers by itself."""
    if not PublicationVersion.objects.filter(pk=1).update(version=F("version") + 1):
        # First change ever on a database the migration did not fill (e.g. tests without migrations).
        PublicationVersion.objects.bulk_create([PublicationVersion(pk=1, version=0)], ignore_conflicts=True)
        PublicationVersion.objects.filter(pk=1).update(version=F("version") + 1)


def _dispatch_on_commit() -> None:
    """One processing task per transaction, however many changes it recorded (core.transactions)."""
    on_commit_once(_dispatch)


def _dispatch() -> None:
    """Ask a worker to process the pending changes. A broker outage must never fail the committed
    change: it is logged and the periodic task processes the rows later."""
    try:
        # the project's app: config/__init__.py creates it at start-up and makes it the current one
        current_app.signature(PROCESS_TASK).delay()
    except Exception as error:  # noqa: BLE001
        logger.warning("could not enqueue %s (%r); the periodic task will do it", PROCESS_TASK, error)
