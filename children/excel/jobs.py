"""Running an import as a job: stage the upload, check it, then import it, reporting progress.

Both steps run in a background thread of the web process (IMPORT_INLINE runs them in the request, for
tests and scripts). Progress goes to the cache, not the database: the import holds its transaction open
until the end, and the page polling for progress must not wait for it.
"""

import json
import logging
import threading
import uuid
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from children.excel.importer import import_registry
from children.excel.reader import SpreadsheetError, check_upload
from children.models import ImportJob

PROGRESS_TTL = 3600
PREVIEW_PAGE_SIZE = 50
logger = logging.getLogger(__name__)


def _preview_path(job: ImportJob) -> Path:
    """What a checked file would create or change, one JSON line each, staged beside the upload: it holds the
    same personal data, so it lives and goes with it (a report row in the database would outlive it)."""
    return Path(job.stored_path).with_suffix(".preview.jsonl")


def _remove_staged(job: ImportJob) -> None:
    Path(job.stored_path).unlink(missing_ok=True)
    _preview_path(job).unlink(missing_ok=True)


def _write_preview(job: ImportJob, lines: list[tuple]) -> None:
    with _preview_path(job).open("w", encoding="utf-8") as out:
        for row, kind, code, name, born, changes in lines:
            born = f"{born:%d/%m/%Y}" if isinstance(born, date) else ""
            entry = {"row": row, "kind": kind, "code": code, "name": name, "born": born, "changes": changes}
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")


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


def _run(target, job_id) -> None:
    if settings.IMPORT_INLINE:
        target(job_id)
        return

    def work():
        try:
            target(job_id)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start()


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
    _run(_check, job.pk)
    return job


def _step(job_id, *, commit: bool) -> None:
    job = ImportJob.objects.select_related("commune", "uploaded_by").get(pk=job_id)

    def progress(done, total):
        cache.set(_progress_key(job_id), {"done": done, "total": total}, PROGRESS_TTL)

    try:
        result = import_registry(
            job.stored_path, commune=job.commune, by=job.uploaded_by, commit=commit, progress=progress
        )
        if not commit and result.ok:
            _write_preview(job, result.preview)
    except SpreadsheetError as error:
        job.state, job.report = ImportJob.State.UNREADABLE, {"message": str(error)}
    except Exception:  # the job must end in a state the page can show, whatever happened
        logger.exception("Excel import job %s failed", job_id)
        message = _("Lỗi hệ thống khi xử lý tệp: không có gì được nhập. Hãy thử lại hoặc báo quản trị hệ thống.")
        job.state, job.report = ImportJob.State.FAILED, {**job.report, "message": str(message)}
    else:
        if commit:
            job.state = ImportJob.State.DONE if result.committed else ImportJob.State.INVALID
        else:
            job.state = ImportJob.State.CHECKED if result.ok else ImportJob.State.INVALID
        job.report = _report(result)
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "report", "finished_at"])
    if job.state != ImportJob.State.CHECKED:
        # The file holds children's personal data: it is kept only while it waits for confirmation.
        _remove_staged(job)


def _check(job_id) -> None:
    _step(job_id, commit=False)


def _import(job_id) -> None:
    _step(job_id, commit=True)


def job_confirm(*, job: ImportJob) -> bool:
    """Start importing a checked file; False if it is not (or no longer) waiting for confirmation."""
    started = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).update(state=ImportJob.State.IMPORTING)
    if started:
        _run(_import, job.pk)
    return bool(started)


def job_cancel(*, job: ImportJob) -> bool:
    """Drop a checked file that will not be imported (and the personal data in it)."""
    cancelled = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.CHECKED).delete()[0]
    _remove_staged(job)
    return bool(cancelled)


def jobs_expire(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Remove staged files nobody confirmed, and fail jobs whose thread died with its process."""
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
