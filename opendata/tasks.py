from celery import shared_task

from config.locks import job_lock

from .bulk import opendata_export


@shared_task(name="opendata.export", ignore_result=True)
def export_opendata() -> dict:
    """The nightly bulk files (02:30 JST). One writer at a time."""
    with job_lock("opendata-export", timeout=3 * 60 * 60) as held:
        return opendata_export() if held else {}
