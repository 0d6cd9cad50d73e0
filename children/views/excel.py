"""Excel: the template and importing into the registry (officer). Exporting lists: children.views.exports."""

import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from children.excel import reader
from children.excel.exporter import write_template
from children.excel.jobs import PREVIEW_PAGE_SIZE, Preview, job_cancel, job_confirm, job_start, progress_of
from children.excel.reader import SpreadsheetError
from children.models import ImportJob
from tanloi_portal.access import allow
from tanloi_portal.models import Role
from tanloi_portal.uploads import body_limit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(write, filename: str) -> tuple[FileResponse, int | None]:
    """The workbook `write` makes, as a download, and what `write` returned (the number of rows)."""
    # Written to a temporary file, not memory: a 50,000-row export stays small in the process.
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    rows = write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX), rows


@allow(Role.OFFICER)
def template_view(request):
    return _xlsx_response(write_template, "mau-nhap-tre-em.xlsx")[0]


@allow(Role.OFFICER)
# An oversized file is refused by its declared length before anything reads the body (tanloi_portal.uploads).
@body_limit(max_file_bytes=lambda: reader.MAX_BYTES, message=reader.too_large_message)
def import_view(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Chọn một tệp .xlsx để tải lên."))
        else:
            try:
                job = job_start(upload=upload, commune=request.user.commune, by=request.user)
            except SpreadsheetError as error:
                messages.error(request, str(error))
            else:
                return redirect("children:import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(commune=request.user.commune).select_related("uploaded_by")[:10]
    return render(request, "children/excel/import.html", {"jobs": jobs})


def _job_for(request, pk) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("uploaded_by"), pk=pk, commune=request.user.commune)


@allow(Role.OFFICER)
def import_job_view(request, pk):
    job = _job_for(request, pk)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            job_cancel(job=job)
            messages.info(request, _("Đã hủy và xóa tệp đã tải lên."))
            return redirect("children:import")
        if job_confirm(job=job):
            return redirect("children:import-job", pk=job.pk)
        messages.warning(request, _("Tệp này không còn chờ xác nhận."))
    context = {"job": job, "progress": progress_of(job)}
    if job.state == ImportJob.State.CHECKED:
        # What confirming would create or change, a page at a time.
        context["page"] = Paginator(Preview(job), PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "children/excel/job.html", context)


@allow(Role.OFFICER)
def import_progress_view(request, pk):
    job = _job_for(request, pk)
    return JsonResponse({"state": job.state, "final": job.state in ImportJob.FINAL, **progress_of(job)})
