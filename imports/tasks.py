from celery import shared_task

from core.locks import job_lock

from .jobs import import_run
from .models import ImportJob, ImportStatus


@shared_task(name="imports.run", ignore_result=True, bind=True, max_retries=10)
def import_agreements(self, job_id: int) -> None:
    """Run one import. A second delivery of a finished job does nothing; a job left "running" by a worker
    that died is run again from the start — safe, because the rows are written in one transaction."""
    with job_lock(f"import:{job_id}") as held:
        if not held:
            raise self.retry(countdown=30)  # another delivery runs it, or a dead worker's lock is going
        job = ImportJob.objects.select_related("municipality", "created_by").filter(pk=job_id).first()
        if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return
        import_run(job)
