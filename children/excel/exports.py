"""Exporting a list as a job: the request records what was asked, the task worker writes the workbook, and the
user who asked downloads it from the job's page.

The workbook is the one the list's export always made (children.excel.exporter), read with the permissions of
the user who asked as they are when the task runs: the stored query goes through the list's filter form again
(children.forms.child_filters_of) and the rows through the user's scope (children.selectors), so a job queued
by a user who has since lost a role or moved gives nothing they may no longer read.

Idempotent: a delivery for a job already done or failed does nothing. Each delivery writes its own file and
then marks the job done with it only if no other delivery did first (one conditional UPDATE), removing its
file otherwise; a worker killed half-way leaves a stray file, which the expiry removes with the others.
The files hold children's personal data: they are removed settings.EXPORT_KEEP_HOURS after they are written.
"""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from children.excel.exporter import write_children, write_households
from children.forms import ChildFilterForm, child_filters_of
from children.models import ExportJob
from children.selectors import child_list, filters_asked, household_list
from tanloi_portal.models import Role
from tanloi_portal.queue import send_after_commit

logger = logging.getLogger(__name__)
# Who may export a list (the registry's readers; children.views.lists.REGISTRY_READERS).
EXPORT_ROLES = frozenset({Role.OFFICER, Role.COLLABORATOR, Role.UNIT_STAFF})
# A stored filter value longer than this is no filter the form takes (its longest field is 120 characters).
MAX_VALUE_LENGTH = 200
# A job whose task was lost with its worker (never done nor failed) is failed after this long.
STALE_AFTER = timedelta(hours=24)


def export_folder() -> Path:
    return Path(settings.PRIVATE_ROOT) / "exports"


def keep_for() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPORT_KEEP_HOURS", 1))


def _asked(query: QueryDict, kind: str) -> dict:
    """The query's values for the list's filter fields, nothing else (stored as asked, checked when run)."""
    if kind != ExportJob.Kind.CHILDREN:
        return {}
    return {k: [v[:MAX_VALUE_LENGTH] for v in query.getlist(k)[:5]] for k in ChildFilterForm.base_fields if k in query}


def export_start(*, kind: str, user, query: QueryDict) -> ExportJob:
    """Record an export of the list `kind` as `user` asked it (the list's query string) and queue it."""
    from children import tasks  # children.tasks calls this module's steps

    job = ExportJob.objects.create(kind=kind, requested_by=user, commune=user.commune, filters=_asked(query, kind))
    send_after_commit(tasks.run_export, str(job.pk), on_failure=lambda: _not_queued(job.pk))
    return job


def _not_queued(job_id) -> None:
    """The broker could not be reached: the job ends failed, saying so."""
    message = _("Chưa gửi được yêu cầu tới bộ phận xử lý (hàng đợi công việc không chạy). Hãy thử lại sau ít phút.")
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.FAILED, message=str(message), finished_at=timezone.now()
    )


def _may_export(user, job: ExportJob) -> bool:
    return user.is_active and user.role in EXPORT_ROLES and user.commune_id == job.commune_id


def progress_key(job_id) -> str:
    return f"export-progress:{job_id}"


def progress_of(job: ExportJob) -> dict:
    """{"done": rows written, "total": rows to write} while the worker writes the job's workbook."""
    if job.state == ExportJob.State.DONE:
        return {"done": job.rows or 0, "total": job.rows or 0}
    return cache.get(progress_key(job.pk)) or {"done": 0, "total": 0}


def _write(job: ExportJob, stream) -> tuple[int, dict]:
    user = job.requested_by

    def progress(done, total):
        cache.set(progress_key(job.pk), {"done": done, "total": total}, 3600)

    if job.kind == ExportJob.Kind.CHILDREN:
        query = QueryDict(mutable=True)
        for key, values in job.filters.items():
            query.setlist(key, [str(v) for v in values])
        filters, _form, _hamlets = child_filters_of(user=user, data=query)
        children = child_list(user=user, filters=filters)
        written = write_children(stream, children, commune=job.commune, user=user, progress=progress)
        return written, filters_asked(filters)
    return write_households(stream, household_list(user=user), commune=job.commune, progress=progress), {}


def export_run(job_id) -> bool:
    """Write the job's workbook; False when there was nothing to do (the job is done, failed or gone)."""
    now = timezone.now()
    running = ExportJob.objects.filter(pk=job_id, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING])
    if not running.update(state=ExportJob.State.RUNNING, started_at=now):
        return False
    job = ExportJob.objects.select_related("requested_by", "commune").get(pk=job_id)
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job.pk}-{uuid.uuid4().hex}.xlsx"  # this delivery's own file
    try:
        if not _may_export(job.requested_by, job):
            raise PermissionError(f"user {job.requested_by_id} may no longer export")
        with path.open("wb") as stream:
            rows, applied = _write(job, stream)
    except Exception as error:  # the job must end in a state the page can show, whatever happened
        path.unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            message = _("Bạn không còn quyền xuất danh sách này.")
        else:
            logger.exception("Excel export job %s failed", job_id)
            message = _("Lỗi hệ thống khi xuất tệp. Hãy thử lại hoặc báo quản trị hệ thống.")
        running.update(state=ExportJob.State.FAILED, message=str(message), finished_at=timezone.now())
        return True
    done = running.update(
        state=ExportJob.State.DONE, rows=rows, filters_applied=applied, file_path=str(path), finished_at=timezone.now()
    )
    if not done:
        path.unlink(missing_ok=True)  # another delivery finished it first, with its own file
    return True


def export_file(job: ExportJob) -> Path | None:
    """The job's workbook, if it is ready and still kept."""
    if job.state != ExportJob.State.DONE or not job.file_path:
        return None
    path = Path(job.file_path)
    if path.parent.resolve() != export_folder().resolve() or not path.is_file():
        return None
    return path


def exports_expire() -> int:
    """Remove the workbooks written more than EXPORT_KEEP_HOURS ago (and stray ones of killed deliveries), and
    fail jobs whose task was lost. Returns the number of files removed."""
    now = timezone.now()
    cutoff = now - keep_for()
    removed = 0
    for job in ExportJob.objects.filter(state=ExportJob.State.DONE, finished_at__lt=cutoff).exclude(file_path=""):
        Path(job.file_path).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(file_path="")
        removed += 1
    folder = export_folder()
    if folder.is_dir():
        kept = set(ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True))
        for path in folder.glob("*.xlsx"):
            if str(path) not in kept and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                removed += 1
    ExportJob.objects.filter(
        state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(state=ExportJob.State.FAILED, message=str(_("Quá hạn: việc xuất tệp đã bị gián đoạn.")), finished_at=now)
    return removed
