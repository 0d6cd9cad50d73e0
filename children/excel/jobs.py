"""Running an import as a job: stage the upload, check it, then import it, reporting progress.

Both steps run in the task worker (children.tasks), enqueued once the request's transaction has committed.
Progress goes to the cache, not the database: the import holds its transaction open until the end, and the
page polling for progress must not wait for it.

A step's task may be delivered more than once: the worker acknowledges it only when it has finished
(CELERY_TASK_ACKS_LATE), so a worker that dies half-way has it delivered again, and Redis also redelivers a
task still unacknowledged after its visibility timeout although its worker may still be at it. So:

- A step runs only while the job is in the step's state (CHECKING, IMPORTING): a delivery for a job already
  checked, imported or failed does nothing.
- A delivery claims the job with one conditional UPDATE that bumps `attempt` and stamps `heartbeat_at`; the
  running step stamps it again as it goes (outside the import's transaction, where no one would see it). A
  delivery finding the job claimed with a recent heartbeat leaves it to its worker and tries again later
  (BUSY); one finding the heartbeat older than STALE_AFTER takes it over: that worker died.
- Whatever a step writes at its end is conditional on its attempt still owning the job, and the import's end
  (state DONE) is written inside the transaction of its rows: the rows and DONE commit together or not at
  all, and a step that was taken over (its worker thought dead but only slow) rolls its rows back instead of
  committing them a second time. A worker killed half-way leaves nothing written (one transaction).

A heartbeat in the database works alike on SQLite and PostgreSQL. A row lock held for the step
(select_for_update(skip_locked=True)) would tell a live worker from a dead one on PostgreSQL without the
timeout, but SQLite has no row locks and would hold the whole database's write lock for the step.
"""

import enum
import json
import logging
import os
import uuid
from datetime import date, timedelta
from functools import partial
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from children.excel.importer import import_registry
from children.excel.reader import SpreadsheetError, check_upload
from children.models import ImportJob
from tanloi_portal.queue import send_after_commit

PROGRESS_TTL = 3600
PREVIEW_PAGE_SIZE = 50
# A step stamps its heartbeat at most this often; one silent for STALE_AFTER is taken for dead. The import's
# write (one transaction, no heartbeat) must take less than STALE_AFTER, or a redelivery redoes it (and one
# of the two rolls back): 50,000 rows write in well under a minute.
HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = timedelta(minutes=10)
logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    RAN = "ran"  # this delivery ran the step (whatever the job's end: checked, invalid, done, failed)
    SKIPPED = "skipped"  # nothing to do: the job is past this step, gone, or another delivery took it over
    BUSY = "busy"  # another delivery is running the step now: try again later


class _Superseded(Exception):
    """The job was taken over by another delivery: this one must write nothing."""


def _preview_path(job: ImportJob) -> Path:
    """What a checked file would create or change, one JSON line each, staged beside the upload: it holds the
    same personal data, so it lives and goes with it (a report row in the database would outlive it)."""
    return Path(job.stored_path).with_suffix(".preview.jsonl")


def _remove_staged(job: ImportJob) -> None:
    Path(job.stored_path).unlink(missing_ok=True)
    _preview_path(job).unlink(missing_ok=True)


def _write_preview(job: ImportJob, lines: list[tuple]) -> None:
    # Written aside, then moved in place: a second delivery of the check rewrites it whole, never half.
    path = _preview_path(job)
    partial_path = path.with_suffix(f".{uuid.uuid4().hex}.part")
    with partial_path.open("w", encoding="utf-8") as out:
        for row, kind, code, name, born, changes in lines:
            born = f"{born:%d/%m/%Y}" if isinstance(born, date) else ""
            entry = {"row": row, "kind": kind, "code": code, "name": name, "born": born, "changes": changes}
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    os.replace(partial_path, path)


class Preview:
    """The lines of a checked file's preview, for a Paginator: counted from the report, read a page at a time."""

    def __init__(self, job: ImportJob):
        self.path = _preview_path(job)
        self.total = job.report.get("preview", 0) if self.path.exists() else 0

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[dict]:
        with self.path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in islice(lines, index.start, index.stop)]


def _progress_key(job_id) -> str:
    return f"import-progress:{job_id}"


def progress_of(job: ImportJob) -> dict:
    return cache.get(_progress_key(job.pk)) or {"done": 0, "total": 0}


def _report(result) -> dict:
    return {
        "rows": result.rows,
        "new": result.new,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "invalid": result.invalid_rows,
        "households_new": result.households_new,
        "errors": [{"row": e.row, "column": e.column, "message": str(e.message)} for e in result.errors],
        "warnings": [{"row": e.row, "column": e.column, "message": str(e.message)} for e in result.warnings],
        "preview": len(result.preview),
    }


def _enqueue(task_name: str, job_id) -> None:
    """The step's task, sent once the job is committed (a worker must never look for a job not yet there)."""
    from children import tasks  # children.tasks calls this module's steps

    send_after_commit(getattr(tasks, task_name), str(job_id), on_failure=partial(_not_queued, job_id))


def _not_queued(job_id) -> None:
    """The broker could not be reached: the job ends failed, saying so, and its staged file goes."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    message = _("Chưa gửi được tệp tới bộ phận xử lý (hàng đợi công việc không chạy): không có gì được nhập. "
                "Hãy thử lại sau ít phút hoặc báo quản trị hệ thống.")  # fmt: skip
    job.state, job.report, job.finished_at = (
        ImportJob.State.FAILED,
        {**job.report, "message": str(message)},
        timezone.now(),
    )
    job.save(update_fields=["state", "report", "finished_at"])
    _remove_staged(job)


def job_start(*, upload, commune, by) -> ImportJob:
    """Stage an uploaded file and start checking it. Raises SpreadsheetError for a wrong type or size."""
    check_upload(upload.name, upload.size)
    folder = Path(settings.PRIVATE_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4()}.xlsx"
    with path.open("wb") as staged:
        for chunk in upload.chunks():
            staged.write(chunk)
    job = ImportJob.objects.create(commune=commune, uploaded_by=by, file_name=upload.name[:255], stored_path=str(path))
    _enqueue("check_import", job.pk)
    return job


def _claim(job_id, state: str) -> int | None:
    """Take the job for this delivery if it is in `state` and no live worker holds it; its attempt, or None."""
    now = timezone.now()
    free = Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - STALE_AFTER)
    claimed = ImportJob.objects.filter(free, pk=job_id, state=state).update(attempt=F("attempt") + 1, heartbeat_at=now)
    return ImportJob.objects.values_list("attempt", flat=True).get(pk=job_id) if claimed else None


def job_run(job_id, *, commit: bool) -> Outcome:
    """Run the check (commit=False) or the import of a job, once whatever the number of deliveries."""
    state = ImportJob.State.IMPORTING if commit else ImportJob.State.CHECKING
    attempt = _claim(job_id, state)
    if attempt is None:
        return Outcome.BUSY if ImportJob.objects.filter(pk=job_id, state=state).exists() else Outcome.SKIPPED
    job = ImportJob.objects.select_related("commune", "uploaded_by").get(pk=job_id)
    mine = ImportJob.objects.filter(pk=job_id, state=state, attempt=attempt)
    beat = [timezone.now()]

    def progress(done, total):
        cache.set(_progress_key(job_id), {"done": done, "total": total}, PROGRESS_TTL)
        now = timezone.now()
        if now - beat[0] >= HEARTBEAT_EVERY and not connection.in_atomic_block:
            beat[0] = now
            mine.update(heartbeat_at=now)

    def finish(result):
        """Inside the import's transaction: DONE commits with the rows, or neither if the job was taken over."""
        done = {"state": ImportJob.State.DONE, "report": _report(result), "finished_at": timezone.now()}
        if not mine.update(**done, heartbeat_at=None):
            raise _Superseded

    try:
        result = import_registry(
            job.stored_path, commune=job.commune, by=job.uploaded_by, commit=commit, progress=progress,
            on_written=finish,
        )  # fmt: skip
        if result.committed:
            _remove_staged(job)
            return Outcome.RAN
        if not commit and result.ok:
            _write_preview(job, result.preview)
    except _Superseded:
        return Outcome.SKIPPED
    except SpreadsheetError as error:
        end = {"state": ImportJob.State.UNREADABLE, "report": {"message": str(error)}}
    except Exception:  # the job must end in a state the page can show, whatever happened
        logger.exception("Excel import job %s failed", job_id)
        message = _("Lỗi hệ thống khi xử lý tệp: không có gì được nhập. Hãy thử lại hoặc báo quản trị hệ thống.")
        end = {"state": ImportJob.State.FAILED, "report": {**job.report, "message": str(message)}}
    else:
        if commit:
            end = {"state": ImportJob.State.INVALID}
        else:
            end = {"state": ImportJob.State.CHECKED if result.ok else ImportJob.State.INVALID}
        end["report"] = _report(result)
    # The step's end lets go of the job (no heartbeat), so that the next step's task may claim it at once.
    if not mine.update(**end, finished_at=timezone.now(), heartbeat_at=None):
        return Outcome.SKIPPED  # taken over meanwhile: the other delivery writes the job's end
    if end["state"] != ImportJob.State.CHECKED:
        # The file holds children's personal data: it is kept only while it waits for confirmation.
        _remove_staged(job)
    return Outcome.RAN


def job_confirm(*, job: ImportJob) -> bool:
    """Start importing a checked file; False if it is not (or no longer) waiting for confirmation."""
    started = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(state=ImportJob.State.IMPORTING)
    if started:
        _enqueue("run_import", job.pk)
    return bool(started)


def job_cancel(*, job: ImportJob) -> bool:
    """Drop a checked file that will not be imported (and the personal data in it)."""
    cancelled = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).delete()[0]
    _remove_staged(job)
    return bool(cancelled)


def jobs_expire(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Remove staged files nobody confirmed, and fail jobs whose worker died and whose task was lost."""
    cutoff = timezone.now() - older_than
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        state__in=[ImportJob.State.DONE, ImportJob.State.INVALID, ImportJob.State.UNREADABLE]
    ):
        _remove_staged(job)
        if job.state == ImportJob.State.CHECKED:
            job.delete()
        else:
            job.state = ImportJob.State.FAILED
            job.report = {**job.report, "message": str(_("Quá hạn: việc xử lý tệp đã bị gián đoạn."))}
            job.save(update_fields=["state", "report"])
        count += 1
    return count
