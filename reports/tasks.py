"""The reports' tasks for the worker: thin, each calling an idempotent service."""

from celery import shared_task

from reports import digests, workbook_jobs


@shared_task
def run_workbook(job_id: str) -> bool:
    """Write a workbook for the level above (reports.workbook_jobs)."""
    return workbook_jobs.workbook_run(job_id)


@shared_task
def send_digests() -> dict:
    """The morning's e-mails and text messages of what waits for each user (reports.digests); run again, it sends
    nothing new."""
    run = digests.send_digests()
    return {"emails": run.emails, "texts": run.texts, "failed": run.failed}
