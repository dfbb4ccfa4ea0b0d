"""Thin Celery tasks: take ids (or nothing), hold a lock, call a service."""

import logging

from celery import shared_task
from django.utils import timezone

from core.locks import job_lock

from . import jobs

logger = logging.getLogger(__name__)


@shared_task(name="agreements.daily", ignore_result=True)
def daily_jobs() -> dict:
    """Once a day (06:00 JST): reminders, overdue deliverables, agreements ending or past their end,
    dormant agreements. One worker at a time; each step is idempotent anyway."""
    with job_lock("agreements-daily", timeout=60 * 60) as held:
        if not held:
            logger.info("daily jobs already running elsewhere; skipped")
            return {}
        today = timezone.localdate()
        expired, renewed = jobs.agreements_expire_due(today=today)
        result = {
            "expired": expired,
            "renewed": renewed,
            "reminders": jobs.deliverable_reminders_send(today=today),
            "overdue": jobs.deliverables_overdue_report(today=today),
            "ending": jobs.agreements_ending_report(today=today),
            "dormant": jobs.agreements_dormancy_flag(today=today),
            "renewal_decisions": jobs.renewal_decisions_remind(today=today),
            "public_changes_pruned": jobs.public_changes_prune(today=today),
        }
        logger.info("daily jobs done: %s", result)
        return result
