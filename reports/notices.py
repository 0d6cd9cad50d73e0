"""What waits for each user: the portal's notices page, the count in the navbar and the daily digest.

A notice is something a user should act on or know about, read from the other apps' selectors (so each user is
told only of what they may see): the unit its open tasks (overdue, due within two working days, newly given);
the officer the updates waiting for review, the safety concerns, the overdue cases and the reports sent back;
the chairman the decisions waiting and the reports submitted; the collaborator what was decided on their
submissions; the level above the reports issued. Each notice names the events it stands for ("task-overdue:12")
so that the digest (reports/digests.py) never tells the same event twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from cases.deadlines import working_days_after
from cases.rules import steps_open_to
from cases.selectors import OVERDUE, awaiting_decision, concerns_waiting, overdue_cases, unit_inbox
from children.models import HouseholdUpdate
from children.selectors import review_queue, updates_visible_to
from reports.models import ProgressReport
from reports.selectors import reports_visible_to
from tanloi_portal.models import Role

# Tasks due within this many working days are announced as due.
DUE_SOON_WORKING_DAYS = 2
# A collaborator is told what was decided on their submissions for this long; the level above of the reports
# issued for this long.
RECENT_DAYS = 30

# What the digest calls each kind of notice, counted (a message says only how many, never what: no child's name
# nor any detail of a case leaves the portal by mail or text message).
KINDS = {
    "task_overdue": ngettext_lazy("%(n)s nhiệm vụ quá hạn", "%(n)s nhiệm vụ quá hạn", "n"),
    "task_due": ngettext_lazy(
        "%(n)s nhiệm vụ đến hạn trong 2 ngày làm việc", "%(n)s nhiệm vụ đến hạn trong 2 ngày làm việc", "n"
    ),
    "task_open": ngettext_lazy("%(n)s nhiệm vụ mới được giao", "%(n)s nhiệm vụ mới được giao", "n"),
    "review": ngettext_lazy("%(n)s cập nhật chờ duyệt", "%(n)s cập nhật chờ duyệt", "n"),
    "concern": ngettext_lazy(
        "%(n)s lo ngại về an toàn của trẻ chờ tiếp nhận", "%(n)s lo ngại về an toàn của trẻ chờ tiếp nhận", "n"
    ),
    "case_overdue": ngettext_lazy("%(n)s hồ sơ trường hợp quá hạn", "%(n)s hồ sơ trường hợp quá hạn", "n"),
    "decision": ngettext_lazy("%(n)s hồ sơ chờ Chủ tịch quyết định", "%(n)s hồ sơ chờ Chủ tịch quyết định", "n"),
    "report_waiting": ngettext_lazy("%(n)s báo cáo chờ Chủ tịch duyệt", "%(n)s báo cáo chờ Chủ tịch duyệt", "n"),
    "report_returned": ngettext_lazy("%(n)s báo cáo bị trả lại để sửa", "%(n)s báo cáo bị trả lại để sửa", "n"),
    "report_issued": ngettext_lazy("%(n)s báo cáo mới ban hành", "%(n)s báo cáo mới ban hành", "n"),
    "update_rejected": ngettext_lazy(
        "%(n)s cập nhật đã gửi không được duyệt", "%(n)s cập nhật đã gửi không được duyệt", "n"
    ),
    "update_approved": ngettext_lazy("%(n)s cập nhật đã gửi được duyệt", "%(n)s cập nhật đã gửi được duyệt", "n"),
}


@dataclass(frozen=True)
class Notice:
    kind: str  # a key of KINDS
    text: str
    url: str
    events: tuple[str, ...]
    when: datetime | None = None
    urgent: bool = False
    # A notice standing for many events of one kind (the updates waiting): the digest counts its new events;
    # any other notice counts once.
    grouped: bool = False

    def new_count(self, sent: set[str]) -> int:
        new = sum(event not in sent for event in self.events)
        return new if self.grouped else min(new, 1)


def _day(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y%m%d%H%M%S") if value else ""


def _unit(user, today) -> list[Notice]:
    due_by = working_days_after(today, DUE_SOON_WORKING_DAYS)
    notices = []
    for task in unit_inbox(user=user):  # its tasks come with their assignment and case
        case_no = task.assignment.case_id
        events = [f"task-open:{task.pk}"]
        if task.due_on < today:
            kind, label = "task_overdue", _("Quá hạn")
            events.append(f"task-overdue:{task.pk}")
        elif task.due_on <= due_by:
            kind, label = "task_due", _("Sắp đến hạn")
            events.append(f"task-due:{task.pk}")
        else:
            kind, label = "task_open", _("Nhiệm vụ đang mở")
        text = _("%(label)s: %(what)s · hồ sơ #%(case)s · hạn %(due)s") % {
            "label": label,
            "what": task.what,
            "case": case_no,
            "due": _day(task.due_on),
        }
        notices.append(
            Notice(
                kind,
                text,
                reverse("cases:task", args=[task.pk]),
                tuple(events),
                when=task.assignment.assigned_at,
                urgent=kind == "task_overdue",
            )
        )
    return notices


def _overdue(user) -> list[Notice]:
    """The overdue cases, as one notice (each case's deadline its own event: a case overdue again later, at its
    next deadline, is told again)."""
    overdue = list(overdue_cases(user=user).values_list("pk", "next_due_at"))
    if not overdue:
        return []
    notice = Notice(
        "case_overdue",
        KINDS["case_overdue"] % {"n": len(overdue)},
        reverse("cases:list") + f"?xem={OVERDUE}",
        tuple(f"case-overdue:{pk}:{_stamp(due)}" for pk, due in overdue),
        when=overdue[0][1],
        urgent=True,
        grouped=True,
    )
    return [notice]


def _officer(user) -> list[Notice]:
    notices = []
    concerns = list(concerns_waiting(user=user).values_list("pk", "payload__urgent", "submitted_at"))
    if concerns:
        urgent = sum(bool(is_urgent) for _pk, is_urgent, _at in concerns)
        text = KINDS["concern"] % {"n": len(concerns)}
        if urgent:
            text += " · " + _("%(n)s khẩn: trẻ đang gặp nguy hiểm") % {"n": urgent}
        notices.append(
            Notice(
                "concern",
                text,
                reverse("cases:list"),
                tuple(f"concern:{pk}" for pk, _u, _at in concerns),
                when=min(at for _pk, _u, at in concerns),
                urgent=True,
                grouped=True,
            )
        )
    notices += _overdue(user)
    waiting = review_queue(user=user, state=HouseholdUpdate.State.WAITING).exclude(
        kind=HouseholdUpdate.Kind.SAFETY_CONCERN
    )
    updates = list(waiting.values_list("pk", "submitted_at"))
    if updates:
        notices.append(
            Notice(
                "review",
                KINDS["review"] % {"n": len(updates)},
                reverse("children:review-queue") + f"?state={HouseholdUpdate.State.WAITING}",
                tuple(f"review:{pk}" for pk, _at in updates),
                when=updates[0][1],
                grouped=True,
            )
        )
    for report in reports_visible_to(user=user).filter(status=ProgressReport.Status.RETURNED):
        text = _("%(report)s bị Chủ tịch trả lại: %(reason)s") % {"report": report, "reason": report.return_reason}
        notices.append(
            Notice(
                "report_returned",
                text,
                reverse("report-detail", args=[report.pk]),
                (f"report-returned:{report.pk}:{_stamp(report.decided_at)}",),
                when=report.decided_at,
            )
        )
    return notices


def _chairman(user) -> list[Notice]:
    notices = []
    for case in awaiting_decision(user=user):
        steps = ", ".join(str(step.label) for step in steps_open_to(case, user))
        notices.append(
            Notice(
                "decision",
                _("Hồ sơ #%(case)s chờ quyết định: %(steps)s") % {"case": case.pk, "steps": steps},
                reverse("cases:detail", args=[case.pk]),
                (f"decision:{case.pk}:{case.status}",),
                when=case.received_at,
                urgent=True,
            )
        )
    for report in reports_visible_to(user=user).filter(status=ProgressReport.Status.SUBMITTED):
        notices.append(
            Notice(
                "report_waiting",
                _("%(report)s chờ Chủ tịch duyệt") % {"report": report},
                reverse("report-detail", args=[report.pk]),
                (f"report-submitted:{report.pk}:{_stamp(report.submitted_at)}",),
                when=report.submitted_at,
            )
        )
    return notices + _overdue(user)


def _collaborator(user, now) -> list[Notice]:
    decided = (
        updates_visible_to(user=user)
        .exclude(state=HouseholdUpdate.State.WAITING)
        .filter(reviewed_at__gte=now - timedelta(days=RECENT_DAYS))
        .order_by("-reviewed_at", "-pk")[:50]
    )
    notices = []
    for update in decided:
        rejected = update.state == HouseholdUpdate.State.REJECTED
        about = update.child.full_name if update.child else _("hộ %(code)s") % {"code": update.household.code}
        if rejected:
            text = _("Không được duyệt: %(kind)s · %(about)s · lý do: %(reason)s") % {
                "kind": update.get_kind_display(),
                "about": about,
                "reason": update.review_reason or "—",
            }
        else:
            text = _("Đã duyệt: %(kind)s · %(about)s") % {"kind": update.get_kind_display(), "about": about}
        state = "rejected" if rejected else "approved"
        notices.append(
            Notice(
                f"update_{state}",
                text,
                reverse("children:my-updates"),
                (f"update-{state}:{update.pk}",),
                when=update.reviewed_at,
                urgent=rejected,
            )
        )
    return notices


def _district(user, now) -> list[Notice]:
    issued = reports_visible_to(user=user).filter(issued_on__gte=(now - timedelta(days=RECENT_DAYS)).date())
    return [
        Notice(
            "report_issued",
            _("%(commune)s ban hành %(report)s, số %(number)s")
            % {
                "commune": report.commune.name,
                "report": report,
                "number": report.number,
            },
            reverse("report-detail", args=[report.pk]),
            (f"report-issued:{report.pk}",),
            when=report.decided_at,
        )
        for report in issued.order_by("-issued_on", "-pk")
    ]


def notices_for(user, *, now: datetime | None = None) -> list[Notice]:
    """What waits for the user now, the urgent first, then the oldest first."""
    if not user.is_authenticated or not user.is_active:
        return []
    now = now or timezone.now()
    if user.role == Role.UNIT_STAFF:
        notices = _unit(user, timezone.localdate(now))
    elif user.role == Role.OFFICER:
        notices = _officer(user)
    elif user.role == Role.CHAIRMAN:
        notices = _chairman(user)
    elif user.role == Role.COLLABORATOR:
        notices = _collaborator(user, now)
    elif user.role == Role.DISTRICT:
        notices = _district(user, now)
    else:
        notices = []
    far = now + timedelta(days=36500)
    return sorted(notices, key=lambda n: (not n.urgent, n.when or far))


def notices_of(request) -> list[Notice]:
    """The user's notices, read once per request: the page's own list and the navbar's count are the same."""
    if not hasattr(request, "_notices"):
        request._notices = notices_for(request.user)
    return request._notices


def waiting_count(notices: list[Notice]) -> int:
    """The navbar's figure: every event waiting (25 updates to review count 25), each other notice once."""
    return sum(len(n.events) if n.grouped else 1 for n in notices)
