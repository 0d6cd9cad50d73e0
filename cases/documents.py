"""The printable case file: the case's forms, units, attachments and timeline in the commune's document
layout (tanloi_portal.documents). It is an official document: in Vietnamese, whatever the reader's language."""

from django.utils import timezone

from cases.models import Case
from cases.selectors import case_timeline
from tanloi_portal.documents import head_for, in_vietnamese, render_pdf


def case_file_context(case: Case, *, show_reporter: bool) -> dict:
    """What the printable case file shows: the intake, every step's form, the units and their tasks, the
    attachments' list and the timeline. The reporter is named (as on Mẫu 01) only in the officer's copy, as on
    the case page."""
    assignments = list(case.assignments.select_related("unit").prefetch_related("tasks"))
    attachments = list(case.attachments.select_related("uploaded_by"))
    head = head_for(
        case.commune,
        number=f"{case.pk:02d}/HS-UBND",
        issued_on=timezone.localdate(),
        title="Hồ sơ trường hợp trẻ em cần được bảo vệ",
        subtitle=f"Trẻ: {case.child.full_name if case.child_id else case.reported_name}",
        signer_on_behalf="",
        signer_role="Người lập hồ sơ",
        signer_name=case.opened_by.full_name or case.opened_by.username,
        recipients=["Chủ tịch UBND xã", "Lưu: hồ sơ trường hợp (mật)"],
    )
    return {
        "head": head,
        "case": case,
        "timeline": case_timeline(case),
        "assignments": assignments,
        "attachments": attachments,
        "show_reporter": show_reporter,
    }


@in_vietnamese  # the context's labels too, not only the template
def case_file_pdf(case: Case, *, show_reporter: bool) -> bytes:
    """The reader's copy: `show_reporter` as get_case_for_user answered (the officer's copy names the reporter)."""
    return render_pdf("cases/case_file.html", case_file_context(case, show_reporter=show_reporter))
