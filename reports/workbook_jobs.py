"""The workbook for the level above as a job: the request records what was asked, the worker writes the file
(reports.workbook), and the user who asked downloads it from the job's page.

Every workbook goes through the worker, one commune or all of the level above's: a request never waits for the
figures to be computed. What the user may read is checked again when the job runs (a user who has since lost a
role, or the commune, gets nothing). Idempotent as the registry's exports are (children.excel.exports): a delivery
for a job already done or failed does nothing; each delivery writes its own file and marks the job done with it
only if no other did first. Files are kept settings.EXPORT_KEEP_HOURS, removed by the next job's start after that.
"""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from children.selectors import communes_visible_to
from reports import periods
from reports.workbook import NoPlan, write_workbook
from tanloi_portal.models import Role, WorkbookJob
from tanloi_portal.queue import send_after_commit
from tanloi_portal.replica import replica_reads

logger = logging.getLogger(__name__)
# Who may take the workbook: the commune's officer and chairman, the level above for its communes.
WORKBOOK_ROLES = frozenset({Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT})
# A job whose task was lost with its worker is failed after this long.
STALE_AFTER = timedelta(hours=24)


def workbook_folder() -> Path:
    return Path(settings.PRIVATE_ROOT) / "workbooks"


def keep_for() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPORT_KEEP_HOURS", 1))


def job_communes(job: WorkbookJob):
    """The communes the job covers, as the user may read them now: the one asked, or all the user oversees."""
    visible = communes_visible_to(user=job.requested_by).order_by("name", "pk")
    return visible.filter(pk=job.commune_id) if job.commune_id else visible


def workbook_start(*, user, commune, year: int, half: int) -> WorkbookJob:
    """Record a workbook of the period for one commune (or, None, all the user oversees) and queue it."""
    from reports import tasks  # reports.tasks calls this module's steps

    workbooks_expire()
    job = WorkbookJob.objects.create(requested_by=user, commune=commune, year=year, half=half)
    send_after_commit(tasks.run_workbook, str(job.pk), on_failure=lambda: _not_queued(job.pk))
    return job


def _not_queued(job_id) -> None:
    message = _("Chưa gửi được yêu cầu tới bộ phận xử lý (hàng đợi công việc không chạy). Hãy thử lại sau ít phút.")
    WorkbookJob.objects.filter(pk=job_id).update(
        state=WorkbookJob.State.FAILED, message=str(message), finished_at=timezone.now()
    )


def progress_key(job_id) -> str:
    return f"workbook-progress:{job_id}"


def progress_of(job: WorkbookJob) -> dict:
    """{"done": communes written, "total": communes to write}."""
    if job.state == WorkbookJob.State.DONE:
        return {"done": job.communes or 0, "total": job.communes or 0}
    return cache.get(progress_key(job.pk)) or {"done": 0, "total": 0}


def workbook_run(job_id) -> bool:
    """Write the job's workbook; False when there was nothing to do (the job is done, failed or gone)."""
    running = WorkbookJob.objects.filter(pk=job_id, state__in=[WorkbookJob.State.QUEUED, WorkbookJob.State.RUNNING])
    if not running.update(state=WorkbookJob.State.RUNNING, started_at=timezone.now()):
        return False
    job = WorkbookJob.objects.select_related("requested_by", "commune").get(pk=job_id)
    folder = workbook_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.pk}-{uuid.uuid4().hex}.xlsx"  # this delivery's own file
    user = job.requested_by
    communes = list(job_communes(job))

    def progress(done, total):
        cache.set(progress_key(job.pk), {"done": done, "total": total}, 3600)

    try:
        if not (user.is_active and user.role in WORKBOOK_ROLES) or not communes:
            raise PermissionError(f"user {user.pk} may no longer take this workbook")
        with replica_reads(), path.open("wb") as stream:  # aggregates only: the replica's reads
            rows = write_workbook(
                stream, communes=communes, period_year=job.year, half=job.half, user=user, progress=progress
            )
    except Exception as error:  # the job must end in a state the page can show, whatever happened
        path.unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            message = _("Bạn không còn quyền lấy bảng tổng hợp này.")
        elif isinstance(error, NoPlan):
            message = str(error)
        else:
            logger.exception("Workbook job %s failed", job_id)
            message = _("Lỗi hệ thống khi tổng hợp. Hãy thử lại hoặc báo quản trị hệ thống.")
        running.update(state=WorkbookJob.State.FAILED, message=str(message)[:300], finished_at=timezone.now())
        return True
    done = running.update(
        state=WorkbookJob.State.DONE,
        rows=rows,
        communes=len(communes),
        file_path=str(path),
        finished_at=timezone.now(),
    )
    if not done:
        path.unlink(missing_ok=True)  # another delivery finished it first, with its own file
    return True


def workbook_file(job: WorkbookJob) -> Path | None:
    """The job's workbook, if it is ready and still kept."""
    if job.state != WorkbookJob.State.DONE or not job.file_path:
        return None
    path = Path(job.file_path)
    if path.parent.resolve() != workbook_folder().resolve() or not path.is_file():
        return None
    return path


def period_code(job: WorkbookJob) -> str:
    return periods.period_code(job.year, job.half)


def period_label(job: WorkbookJob) -> str:
    """The period as the page names it ("6 tháng đầu năm 2026"); the days follow each commune's rule."""
    return periods.period_label(job.year, job.half)


def file_name(job: WorkbookJob) -> str:
    who = job.commune.code if job.commune_id else "cac-xa"
    return f"bang-tong-hop-{who}-{period_code(job)}.xlsx"


def workbooks_expire() -> int:
    """Remove the workbooks written more than EXPORT_KEEP_HOURS ago (and stray ones of killed deliveries), and fail
    jobs whose task was lost. Returns the number of files removed."""
    now = timezone.now()
    cutoff = now - keep_for()
    removed = 0
    old = WorkbookJob.objects.filter(state=WorkbookJob.State.DONE, finished_at__lt=cutoff).exclude(file_path="")
    for job in old:
        Path(job.file_path).unlink(missing_ok=True)
        WorkbookJob.objects.filter(pk=job.pk).update(file_path="")
        removed += 1
    folder = workbook_folder()
    if folder.is_dir():
        kept = set(WorkbookJob.objects.exclude(file_path="").values_list("file_path", flat=True))
        for path in folder.glob("*.xlsx"):
            if str(path) not in kept and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
    WorkbookJob.objects.filter(
        state__in=[WorkbookJob.State.QUEUED, WorkbookJob.State.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(state=WorkbookJob.State.FAILED, message=str(_("Quá hạn: việc tổng hợp đã bị gián đoạn.")), finished_at=now)
    return removed
