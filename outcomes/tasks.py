"""Thin Celery tasks: hold a lock, call a service."""

import logging

from celery import shared_task

from core.locks import job_lock

from .services import cases_delete_expired

logger = logging.getLogger(__name__)


@shared_task(name="outcomes.retention", ignore_result=True)
def retention() -> int:
    """Every night (03:15 JST, CELERY_BEAT_SCHEDULE): delete the cases older than
    KYOSO_CASE_RETENTION_YEARS by their 処分日. One worker at a time; idempotent anyway."""
    with job_lock("outcomes-retention", timeout=60 * 60) as held:
        if not held:
            logger.info("case retention already running elsewhere; skipped")
            return 0
        deleted = cases_delete_expired()
        logger.info("case retention: %s cases deleted", deleted)
        return deleted
