"""The periodic report's pages: the list and the start of a period's report, the officer's text, the preview,
submitting, the chairman's approval or return, the issued file and the correction. The writes are services
(reports/services.py); who may read which report is reports/selectors.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.selectors import current_plan
from reports.documents.report import report_docx
from reports.downloads import DOCX, PDF, file_response
from reports.forms import ReportStartForm, ReportTextForm, ReturnForm
from reports.models import ProgressReport
from reports.periods import report_period
from reports.selectors import (
    REPORT_READERS,
    get_report_for_user,
    issued_pdf,
    report_abilities,
    report_objectives,
    reports_visible_to,
)
from reports.services import (
    draft_pdf,
    report_correct,
    report_issue,
    report_return,
    report_save,
    report_start,
    report_submit,
)
from tanloi_portal.access import allow
from tanloi_portal.models import ExportRecord, Role
from tanloi_portal.replica import on_replica


def _years(user) -> range:
    plan = current_plan(commune=user.commune) if user.commune_id else None
    first = plan.start_year if plan else 2021
    return range(timezone.localdate().year, first - 1, -1)


@allow(*REPORT_READERS)
def report_list(request):
    form = ReportStartForm(request.POST or None, years=_years(request.user))
    if request.method == "POST":
        if request.user.role != Role.OFFICER:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = report_start(commune=request.user.commune, year=form.cleaned_data["year"],
                                      half=form.cleaned_data["half"], by=request.user)  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(reverse("report-detail", args=[report.pk]))
    reports = reports_visible_to(user=request.user).order_by("-year", "-half", "-version")
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/report_list.html", {"reports": reports, "form": form}, status=status)


@allow(*REPORT_READERS)
def report_detail(request, pk: int):
    report = get_report_for_user(user=request.user, pk=pk)
    objectives = report_objectives(commune=report.commune)
    can = report_abilities(user=request.user, report=report)
    form = ReportTextForm(request.POST or None, report=report, objectives=objectives)
    if request.method == "POST":
        if not can["edit"]:
            raise PermissionDenied
        if form.is_valid():
            try:
                report_save(report=report, by=request.user, objective_texts=form.objective_texts(), **form.texts())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã lưu nội dung báo cáo."))
                return redirect(reverse("report-detail", args=[report.pk]))
    return _detail(request, report, form=form)


def _detail(request, report, *, form=None, return_form=None, status=200):
    if form is None:
        form = ReportTextForm(report=report, objectives=report_objectives(commune=report.commune))
    context = {
        "report": report,
        "rule_text": (report.figures or {}).get("rule_text")
        or report_period(report.commune, report.year, report.half).rule_text,
        "form": form,
        "can": report_abilities(user=request.user, report=report),
        "return_form": return_form or ReturnForm(),
    }
    return render(request, "reports/report_detail.html", context, status=status)


def _act(request, report, action, done: str, *, return_form=None):
    """Run a step; a step the report's state does not allow (or bad input) shows the report again with the
    reason, as a 400, and changes nothing."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, report, return_form=return_form, status=400)
    messages.success(request, done)
    return redirect(reverse("report-detail", args=[result.pk]))


@allow(Role.OFFICER)
def report_submit_view(request, pk: int):
    report = get_report_for_user(user=request.user, pk=pk)  # out of scope: 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _act(request, report, lambda: report_submit(report=report, by=request.user),
                _("Đã gửi báo cáo để Chủ tịch duyệt."))  # fmt: skip


@allow(Role.CHAIRMAN)
def report_decide_view(request, pk: int):
    report = get_report_for_user(user=request.user, pk=pk)  # out of scope: 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    decision = request.POST.get("decision")
    if decision == "issue":
        return _act(request, report, lambda: report_issue(report=report, by=request.user),
                    _("Đã duyệt: báo cáo được ban hành và lưu bản PDF."))  # fmt: skip
    if decision != "return":
        messages.error(request, _("Chọn duyệt hoặc trả lại."))
        return _detail(request, report, status=400)
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, report, lambda: report_return(report=report, by=request.user, reason=reason),
                _("Đã trả lại báo cáo cho cán bộ."), return_form=form)  # fmt: skip


@allow(Role.OFFICER)
def report_correct_view(request, pk: int):
    report = get_report_for_user(user=request.user, pk=pk)  # out of scope: 404 before 405
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _act(request, report, lambda: report_correct(report=report, by=request.user),
                _("Đã tạo bản đính chính: sửa nội dung rồi gửi duyệt lại."))  # fmt: skip


def _file(request, report, content: bytes, name: str, content_type: str):
    return file_response(request, kind=ExportRecord.Kind.REPORT, content=content, name=name,
                         content_type=content_type, commune=report.commune, period=report.period_code)  # fmt: skip


@allow(Role.OFFICER, Role.CHAIRMAN)
@on_replica
def report_preview(request, pk: int):
    report = get_report_for_user(user=request.user, pk=pk)
    if report.status == ProgressReport.Status.ISSUED:
        return redirect(reverse("report-download", args=[report.pk]))
    name = f"du-thao-bao-cao-{report.commune.code}-{report.period_code}.pdf"
    try:
        content = draft_pdf(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, report, status=400)
    return _file(request, report, content, name, PDF)


@allow(*REPORT_READERS)
def report_download(request, pk: int):
    """The issued report: its stored PDF byte for byte, or a .docx set from its frozen figures."""
    report = get_report_for_user(user=request.user, pk=pk)
    if report.status != ProgressReport.Status.ISSUED:
        messages.error(request, _("Báo cáo chưa ban hành: chỉ xem được bản dự thảo."))
        return redirect(reverse("report-detail", args=[report.pk]))
    stem = f"bao-cao-{report.number_seq:02d}-{report.issued_year}-{report.commune.code}-{report.period_code}"
    if request.GET.get("dinh-dang") == "docx":
        period = report_period(report.commune, report.year, report.half)
        content = report_docx(report, report.figures, period, report.figures["objectives"], draft=False)
        return _file(request, report, content, f"{stem}.docx", DOCX)
    return _file(request, report, issued_pdf(report), f"{stem}.pdf", PDF)
