"""Reading periodic reports: which a user may see (the officer and the chairman their commune's, the level
above the issued ones of the communes it oversees)."""

from django.db.models import QuerySet
from django.http import Http404

from children.selectors import communes_visible_to
from indicators.selectors import current_plan
from reports.models import ProgressReport
from tanloi_portal.models import Role

# Who prepares (the officer), who decides (the chairman), who reads what is issued (the level above).
REPORT_READERS = (Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT)


def reports_visible_to(*, user) -> QuerySet[ProgressReport]:
    reports = ProgressReport.objects.select_related(
        "commune", "prepared_by", "decided_by", "supersedes", "superseded_by"
    ).defer("pdf", "supersedes__pdf", "superseded_by__pdf")
    if user.role in (Role.OFFICER, Role.CHAIRMAN) and user.commune_id:
        return reports.filter(commune_id=user.commune_id)
    if user.role == Role.DISTRICT:
        return reports.filter(commune__in=communes_visible_to(user=user), status=ProgressReport.Status.ISSUED)
    return reports.none()


def get_report_for_user(*, user, pk: int) -> ProgressReport:
    report = reports_visible_to(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def issued_pdf(report: ProgressReport) -> bytes:
    """The PDF exactly as it was issued (read only when it is downloaded)."""
    return bytes(ProgressReport.objects.values_list("pdf", flat=True).get(pk=report.pk))


def report_abilities(*, user, report: ProgressReport) -> dict[str, bool]:
    """What the user may do with a report it can read: the officer writes, submits and corrects; the chairman
    approves or sends back; both preview a draft; the level above only reads what is issued."""
    officer, chairman = user.role == Role.OFFICER, user.role == Role.CHAIRMAN
    issued = report.status == ProgressReport.Status.ISSUED
    return {
        "edit": officer and report.editable,
        "submit": officer and report.editable,
        "decide": chairman and report.status == ProgressReport.Status.SUBMITTED,
        "correct": officer and issued and not hasattr(report, "superseded_by"),
        "preview": (officer or chairman) and not issued,
        "download": issued,
    }


def reports_waiting_count(*, user) -> int:
    """What waits for the user: the chairman, reports submitted for approval; the officer, reports sent back."""
    waiting = {Role.CHAIRMAN: ProgressReport.Status.SUBMITTED, Role.OFFICER: ProgressReport.Status.RETURNED}
    if user.role not in waiting:
        return 0
    return reports_visible_to(user=user).filter(status=waiting[user.role]).count()


def report_objectives(*, commune) -> list[tuple[int, str]]:
    """The objectives a report of the commune is written by: (number, title) of its current plan's."""
    plan = current_plan(commune=commune)
    return list(plan.objectives.order_by("number").values_list("number", "title")) if plan else []
