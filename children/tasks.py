"""The registry's tasks for the worker: the Excel import's two steps, the exports, and the hourly expiry.

Thin: each calls a service (children.excel.jobs, children.excel.exports), which is idempotent: a task delivered
twice, or again after its worker died (acks_late, reject_on_worker_lost), ends with the same result.
"""

from celery import shared_task

from children.excel import exports, jobs

# A step found running under a live worker (a redelivery while it is still at it) is tried again this often,
# long enough for that worker's heartbeat to go stale (jobs.STALE_AFTER) if it has died.
BUSY_RETRY_SECONDS = 60
BUSY_RETRIES = 2 * int(jobs.STALE_AFTER.total_seconds()) // BUSY_RETRY_SECONDS


def _step(task, job_id: str, *, commit: bool) -> str:
    outcome = jobs.job_run(job_id, commit=commit)
    if outcome == jobs.Outcome.BUSY:
        raise task.retry(countdown=BUSY_RETRY_SECONDS)
    return outcome


@shared_task(bind=True, max_retries=BUSY_RETRIES)
def check_import(self, job_id: str) -> str:
    """Check an uploaded file and stage its preview (children.excel.jobs)."""
    return _step(self, job_id, commit=False)


@shared_task(bind=True, max_retries=BUSY_RETRIES)
def run_import(self, job_id: str) -> str:
    """Import a checked file, all of it in one transaction (children.excel.jobs)."""
    return _step(self, job_id, commit=True)


@shared_task
def run_export(job_id: str) -> bool:
    """Write an export's workbook (children.excel.exports)."""
    return exports.export_run(job_id)


@shared_task
def expire_import_jobs() -> int:
    """Hourly (beat): staged uploads nobody confirmed, jobs whose worker died for good, and exported files past
    their keeping time."""
    return jobs.jobs_expire() + exports.exports_expire()
