from celery import shared_task

from config.locks import job_lock

from .models import ImportJob, ImportStatus
from .services import import_run


@shared_task(name="imports.run", ignore_result=True)
def import_agreements(job_id: int) -> None:
    """Run one queued import; a second delivery of the same job does nothing."""
    with job_lock(f"import:{job_id}") as held:
        if not held:
            return
        job = ImportJob.objects.select_related("municipality", "created_by").filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.QUEUED:
            return
        import_run(job)
