"""Exporting lists to Excel (within the user's scope): the worker writes the workbook (children.excel.exports),
the job's page shows its progress and then the download, for the user who asked alone."""

from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from children.excel.exports import export_file, export_start, progress_of
from children.models import ExportJob
from children.views.lists import REGISTRY_READERS
from tanloi_portal.access import allow
from tanloi_portal.audit import Action, log_access, record_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_NAMES = {ExportJob.Kind.CHILDREN: "tre-em-{:%Y%m%d}.xlsx", ExportJob.Kind.HOUSEHOLDS: "ho-gia-dinh-{:%Y%m%d}.xlsx"}
OBJECT_TYPES = {ExportJob.Kind.CHILDREN: "children.child", ExportJob.Kind.HOUSEHOLDS: "children.household"}


def _start(request, kind: str):
    # The list's filters travel in the query string of the form's action, as the list page has them.
    job = export_start(kind=kind, user=request.user, query=request.GET)
    return redirect("children:export-job", pk=job.pk)


@allow(*REGISTRY_READERS)
@require_POST
def export_children_view(request):
    return _start(request, ExportJob.Kind.CHILDREN)


@allow(*REGISTRY_READERS)
@require_POST
def export_households_view(request):
    return _start(request, ExportJob.Kind.HOUSEHOLDS)


def _job_for(request, pk) -> ExportJob:
    """The job, for the user who asked for it only (anyone else: 404, logged by RefusalLogMiddleware)."""
    return get_object_or_404(ExportJob, pk=pk, requested_by=request.user, commune=request.user.commune)


@allow(*REGISTRY_READERS)
def export_job_view(request, pk):
    job = _job_for(request, pk)
    context = {"job": job, "ready": export_file(job) is not None, "final": job.state in ExportJob.FINAL}
    return render(request, "children/excel/export_job.html", context)


@allow(*REGISTRY_READERS)
def export_progress_view(request, pk):
    job = _job_for(request, pk)
    return JsonResponse({"state": job.state, "final": job.state in ExportJob.FINAL, **progress_of(job)})


@allow(*REGISTRY_READERS)
def export_download_view(request, pk):
    job = _job_for(request, pk)
    path = export_file(job)
    if path is None:  # not written yet, failed, or removed after its keeping time: the page says which
        return redirect("children:export-job", pk=job.pk)
    details = {"rows": job.rows}
    if job.kind == ExportJob.Kind.CHILDREN:
        details = {"filters": job.filters_applied, "rows": job.rows}
    log_access(request, object_type=OBJECT_TYPES[job.kind], action=Action.EXPORT, details=details)
    name = FILE_NAMES[job.kind].format(timezone.localdate(job.finished_at))
    record_export(user=request.user, kind=job.kind, file_name=name, path=path, commune=job.commune,
                  scope=job.commune.name, filters=details.get("filters"), rows=job.rows)  # fmt: skip
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
