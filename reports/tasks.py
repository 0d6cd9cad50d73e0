"""The reports' tasks for the worker: thin, each calling an idempotent service."""

from celery import shared_task

from reports import workbook_jobs


@shared_task
def run_workbook(job_id: str) -> bool:
    """Write a workbook for the level above (reports.workbook_jobs)."""
    return workbook_jobs.workbook_run(job_id)
