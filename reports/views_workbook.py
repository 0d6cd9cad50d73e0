"""The workbook for the level above, for a period the user picks: the commune's officer and chairman for their
commune, the level above for one of its communes or all of them together. The worker writes it
(reports.workbook_jobs); the job's page shows its progress, then the download, for the user who asked alone.
Every download is written into the export log with the file's SHA-256."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from children.selectors import communes_visible_to
from reports.periods import FIRST_YEAR, parse_period
from reports.workbook_jobs import (
    file_name,
    job_communes,
    period_code,
    period_label,
    progress_of,
    workbook_file,
    workbook_start,
)
from tanloi_portal.access import allow
from tanloi_portal.audit import Action, log_access, record_export
from tanloi_portal.models import ExportRecord, Role, WorkbookJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_USERS = (Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT)
HALVES = {"": 0, "H1": 1}
# The years offered: from the plan's first years to this one.
FIRST_OFFERED = 2021


def _form_context(request, *, error: str = "", asked: dict | None = None) -> dict:
    communes = list(communes_visible_to(user=request.user).order_by("name"))
    this_year = timezone.localdate().year
    return {
        "communes": communes,
        "several": len(communes) > 1,
        "years": list(range(this_year, max(FIRST_YEAR, FIRST_OFFERED) - 1, -1)),
        "error": error,
        "asked": asked or {"nam": str(this_year), "ky": "", "xa": ""},
    }


@allow(*WORKBOOK_USERS)
def workbook_view(request):
    """The form: a period (a year, or its first half-year) and, for the level above, a commune or all."""
    return render(request, "reports/workbook/form.html", _form_context(request))


@allow(*WORKBOOK_USERS)
@require_POST
def workbook_start_view(request):
    year_text, half_text = request.POST.get("nam", ""), request.POST.get("ky", "")
    asked = {"nam": year_text[:10], "ky": half_text[:10], "xa": request.POST.get("xa", "")[:40]}
    try:
        if half_text not in HALVES:
            raise ValueError(_("Kỳ báo cáo không hợp lệ: chọn cả năm hoặc 6 tháng đầu năm."))
        year, half = parse_period(f"{year_text}-H1" if HALVES[half_text] else year_text)
        if year > timezone.localdate().year:
            raise ValueError(_("Chưa có số liệu cho năm %(year)s.") % {"year": year})
    except ValueError as error:
        context = _form_context(request, error=str(error), asked=asked)
        return render(request, "reports/workbook/form.html", context, status=400)
    visible = communes_visible_to(user=request.user)
    code = asked["xa"]
    if code:
        commune = visible.filter(code=code).first()
        if commune is None:
            raise Http404
    elif visible.count() == 1:
        commune = visible.get()
    else:
        commune = None  # every commune the level above oversees, together
    job = workbook_start(user=request.user, commune=commune, year=year, half=half)
    return redirect("workbook-job", pk=job.pk)


def _job_for(request, pk) -> WorkbookJob:
    """The job, for the user who asked for it only (anyone else: 404, logged by RefusalLogMiddleware)."""
    return get_object_or_404(WorkbookJob.objects.select_related("commune"), pk=pk, requested_by=request.user)


@allow(*WORKBOOK_USERS)
def workbook_job_view(request, pk):
    job = _job_for(request, pk)
    context = {
        "job": job,
        "label": period_label(job),
        "ready": workbook_file(job) is not None,
        "final": job.state in WorkbookJob.FINAL,
    }
    return render(request, "reports/workbook/job.html", context)


@allow(*WORKBOOK_USERS)
def workbook_progress_view(request, pk):
    job = _job_for(request, pk)
    return JsonResponse({"state": job.state, "final": job.state in WorkbookJob.FINAL, **progress_of(job)})


@allow(*WORKBOOK_USERS)
def workbook_download_view(request, pk):
    job = _job_for(request, pk)
    path = workbook_file(job)
    if path is None:  # not written yet, failed, or removed after its keeping time: the page says which
        return redirect("workbook-job", pk=job.pk)
    codes = list(job_communes(job).values_list("code", flat=True))
    if not codes:  # the user no longer oversees the commune the file was written for
        raise Http404
    details = {"period": period_code(job), "communes": codes, "rows": job.rows}
    log_access(request, object_type="reports.workbook", action=Action.EXPORT, details=details)
    name = file_name(job)
    scope = job.commune.name if job.commune_id else _("%(n)s xã") % {"n": job.communes or len(codes)}
    record_export(user=request.user, kind=ExportRecord.Kind.WORKBOOK, file_name=name, path=path,
                  commune=job.commune, period=period_code(job), scope=scope, filters={"communes": codes},
                  rows=job.rows)  # fmt: skip
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=XLSX)
