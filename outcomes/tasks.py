"""Thin Celery tasks: hold a lock, call a service."""

import logging

from celery import shared_task

from core.locks import job_lock

from .services import CASE_IMPORT_TASK, case_import_job_run, case_uploads_sweep, cases_delete_expired

logger = logging.getLogger(__name__)


@shared_task(name="outcomes.retention", ignore_result=True)
def retention() -> int:
    """Every night (03:15 JST, CELERY_BEAT_SCHEDULE): delete the cases older than
    KYOSO_CASE_RETENTION_YEARS by their 処分日, and the case files a dead import job left in
    KYOSO_CASE_UPLOAD_DIR for more than a day. One worker at a time; idempotent anyway."""
    with job_lock("outcomes-retention", timeout=60 * 60) as held:
        if not held:
            logger.info("case retention already running elsewhere; skipped")
            return 0
        deleted = cases_delete_expired()
        swept = case_uploads_sweep()
        logger.info("case retention: %s cases deleted, %s leftover uploads deleted", deleted, swept)
        return deleted


@shared_task(name=CASE_IMPORT_TASK, ignore_result=True, bind=True, max_retries=10)
def case_import_run(self, job_id: int) -> None:
    """Import one waiting case file (``CaseImportJob``). A second delivery of a finished job does nothing;
    a job left "running" by a worker that died runs again from the start — safe, because the cases and
    the job's success are written in one transaction. The file is deleted when the run ends."""
    with job_lock(f"case-import:{job_id}") as held:
        if not held:
            raise self.retry(countdown=30)  # another delivery runs it, or a dead worker's lock is going
        case_import_job_run(job_id=job_id)
