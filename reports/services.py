"""Writing periodic reports: start (prefilled from the last period's), save the officer's text, submit, send
back with a reason, issue (number, frozen figures, stored PDF) and correct (a new version). Each step checks
the state it starts from; nobody sets `status` anywhere else."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.selectors import current_plan
from reports.documents.report import frozen_head, report_head, report_pdf
from reports.figures import TotalsMismatch, period_figures, period_situation
from reports.models import TEXT_FIELDS, ProgressReport
from reports.periods import period_bounds, report_period
from reports.selectors import report_objectives
from tanloi_portal.documents import in_vietnamese
from tanloi_portal.models import Commune, Role


def _plan_of(commune):
    plan = current_plan(commune=commune)
    if plan is None:
        raise ValidationError(_("Xã chưa có kế hoạch: nạp kế hoạch (load_plan) trước khi làm báo cáo."))
    return plan


@in_vietnamese  # frozen on issue, by whoever issues it: the names the document prints
def report_data(report: ProgressReport) -> dict:
    """The figures a report shows: every metric for exactly its period, and the situation (children, groups,
    birth registration, cases), as JSON. Computed live for a draft; frozen on issue. Figures whose totals do
    not add up are refused (ValidationError), never printed."""
    plan = _plan_of(report.commune)
    period = report_period(report.commune, report.year, report.half)
    try:
        situation = period_situation(commune=report.commune, period=period)
    except TotalsMismatch as error:
        message = _("Số liệu của kỳ không khớp tổng (%(what)s): báo quản trị hệ thống.") % {"what": error}
        raise ValidationError(message) from error
    objective_of = dict(plan.indicators.values_list("number", "objective__number"))
    figures = [
        {**f, "objective": objective_of.get(f["indicator"], 0)} for f in period_figures(plan=plan, period=period)
    ]
    return {
        "period": period.code,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "rule_text": period.rule_text,
        "figures": figures,
        "situation": situation,
        "objectives": report_objectives(commune=report.commune),
    }


def draft_pdf(report: ProgressReport) -> bytes:
    """The preview: the officer's current text beside today's figures, marked "DỰ THẢO"."""
    data = report_data(report)
    period = report_period(report.commune, report.year, report.half)
    return report_pdf(report, data, period, data["objectives"], draft=True)


def _check(report: ProgressReport, *states):
    if report.status not in states:
        raise ValidationError(_("Báo cáo đang ở trạng thái “%(s)s”: không làm được việc này.") % {
            "s": report.get_status_display()})  # fmt: skip


def _officer_of(commune_id: int, by) -> None:
    if by.role != Role.OFFICER or by.commune_id != commune_id:
        raise PermissionDenied


def _last_report(commune, *, year: int, half: int) -> ProgressReport | None:
    """The report of the latest period that ended before this one (its issued version if it has one, else its
    newest): the year's report ends after its own first half, so 2027-H1 starts from 2026's year report."""
    end = period_bounds(commune.report_cutoff, year, half)[1]
    earlier = [
        r
        for r in ProgressReport.objects.filter(commune=commune).defer("pdf")
        if period_bounds(commune.report_cutoff, r.year, r.half)[1] < end
    ]
    if not earlier:
        return None
    return max(
        earlier,
        key=lambda r: (period_bounds(commune.report_cutoff, r.year, r.half)[1], r.status == r.Status.ISSUED, r.version),
    )


@transaction.atomic
def report_start(*, commune, year: int, half: int, by) -> ProgressReport:
    """The period's report being written, or a new draft prefilled with the text of the last period's report
    (the officer rewrites what changed). A period already issued is corrected, not started again."""
    _officer_of(commune.pk, by)
    _plan_of(commune)
    current = ProgressReport.objects.filter(commune=commune, year=year, half=half).order_by("-version").first()
    if current is not None:
        if current.status == ProgressReport.Status.ISSUED:
            raise ValidationError(_("Báo cáo kỳ này đã ban hành: muốn sửa thì làm bản đính chính."))
        return current
    last = _last_report(commune, year=year, half=half)
    texts = {f: getattr(last, f) for f in TEXT_FIELDS} if last else {}
    objective_texts = dict(last.objective_texts) if last else {}
    report = ProgressReport(
        commune=commune, year=year, half=half, prepared_by=by, objective_texts=objective_texts, **texts
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same period started at the same moment: open that one
        return ProgressReport.objects.filter(commune=commune, year=year, half=half).order_by("-version").first()
    return report


@transaction.atomic
def report_save(*, report: ProgressReport, by, objective_texts: dict, **texts) -> ProgressReport:
    _officer_of(report.commune_id, by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check(report, ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)
    for field in TEXT_FIELDS:
        if field in texts:
            setattr(report, field, texts[field])
    report.objective_texts = {str(k): v for k, v in objective_texts.items()}
    report.prepared_by = by
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_submit(*, report: ProgressReport, by) -> ProgressReport:
    _officer_of(report.commune_id, by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check(report, ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)
    report.status, report.submitted_at, report.prepared_by = ProgressReport.Status.SUBMITTED, timezone.now(), by
    report.save(update_fields=["status", "submitted_at", "prepared_by", "updated_at"])
    return report


def _chairman_of(report: ProgressReport, by) -> None:
    if by.role != Role.CHAIRMAN or by.commune_id != report.commune_id:
        raise PermissionDenied


@transaction.atomic
def report_return(*, report: ProgressReport, by, reason: str) -> ProgressReport:
    _chairman_of(report, by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check(report, ProgressReport.Status.SUBMITTED)
    if not reason.strip():
        raise ValidationError(_("Ghi lý do trả lại để cán bộ biết cần sửa gì."))
    report.status, report.return_reason = ProgressReport.Status.RETURNED, reason.strip()
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["status", "return_reason", "decided_by", "decided_at", "updated_at"])
    return report


@transaction.atomic
def report_issue(*, report: ProgressReport, by) -> ProgressReport:
    """The chairman's approval: the report takes the commune's next number of the year ("05/BC-UBND"), its
    figures are computed and frozen, and its PDF is rendered once and stored with its SHA-256."""
    _chairman_of(report, by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check(report, ProgressReport.Status.SUBMITTED)
    today = timezone.localdate()
    period = report_period(report.commune, report.year, report.half)
    if today <= period.end:
        raise ValidationError(_("Kỳ báo cáo chưa kết thúc (đến ngày %(end)s): chưa thể ban hành.") % {
            "end": period.end.strftime("%d/%m/%Y")})  # fmt: skip
    # One approval at a time per commune takes the next number of the year (the row lock orders them).
    Commune.objects.select_for_update().filter(pk=report.commune_id).first()
    taken = ProgressReport.objects.filter(commune=report.commune, issued_year=today.year).aggregate(n=Max("number_seq"))
    report.number_seq = (taken["n"] or 0) + 1
    report.issued_year, report.issued_on = today.year, today
    report.number = f"{report.number_seq:02d}/BC-UBND"
    data = report_data(report)
    # The names of the head as they stand on the day of issue, frozen with the figures: the .docx and any
    # later rendering of this report say what the issued PDF says, whatever the admin edits afterwards.
    data["head"] = frozen_head(report_head(report, period, draft=False))
    report.figures = data
    report.pdf = report_pdf(report, data, period, data["objectives"], draft=False)
    report.sha256 = hashlib.sha256(report.pdf).hexdigest()
    report.status, report.decided_by, report.decided_at, report.return_reason = (
        ProgressReport.Status.ISSUED, by, timezone.now(), ""
    )  # fmt: skip
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:  # another report took the number at the same moment
        raise ValidationError(_("Số báo cáo vừa được dùng cho báo cáo khác: bấm duyệt lại.")) from error
    return report


@transaction.atomic
def report_correct(*, report: ProgressReport, by) -> ProgressReport:
    """A correction of an issued report: a new version, a draft with the same text, pointing at the one it
    corrects; the issued one stays as it was issued."""
    _officer_of(report.commune_id, by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _check(report, ProgressReport.Status.ISSUED)
    if ProgressReport.objects.filter(supersedes=report).exists():
        raise ValidationError(_("Báo cáo này đã có bản đính chính."))
    texts = {f: getattr(report, f) for f in TEXT_FIELDS}
    correction = ProgressReport(
        commune=report.commune, year=report.year, half=report.half, version=report.version + 1, supersedes=report,
        prepared_by=by, objective_texts=dict(report.objective_texts), **texts,
    )  # fmt: skip
    correction.full_clean()
    correction.save()
    return correction
