"""Starting an import: store the upload and queue the job (``tasks.import_agreements`` runs
``jobs.import_run`` after the commit)."""

import logging

from django.db import transaction

from partnerships.access import require_officer
from partnerships.models import Role

from .models import ImportJob
from .tasks import import_agreements

logger = logging.getLogger(__name__)


def import_job_create(
    *, municipality, uploaded, by, dry_run: bool = True, mapping: dict | None = None, default_kind: str = ""
) -> ImportJob:
    """Store the upload and queue the import job (after the commit)."""
    require_officer(by, municipality.pk, Role.EDITOR)  # as agreement_create: the import creates agreements
    job = ImportJob(
        municipality=municipality,
        file=uploaded,
        original_name=uploaded.name[:255],
        dry_run=dry_run,
        created_by=by,
        mapping=mapping or {},
        default_kind=default_kind or "",
    )
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: _enqueue(import_agreements, job.pk))
    return job


def _enqueue(task, job_id):
    try:
        task.delay(job_id)
    except Exception as error:  # noqa: BLE001 — the job stays queued; `import_agreements` can run it later
        logger.warning("could not enqueue import %s (%s)", job_id, type(error).__name__)
