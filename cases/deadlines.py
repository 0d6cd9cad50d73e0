"""Deadlines of the case process, counted from the time the report was received.

Nghị định 56/2017/NĐ-CP: where the child is in danger, the initial assessment and emergency measures within
12 hours; the support and intervention plan drafted within 5 working days and approved within 7 working
days of receipt. Working days skip Saturdays, Sundays and Viet Nam's public holidays, the lunar ones
(Tết, Giỗ Tổ Hùng Vương) included, as the `holidays` package lists them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db.models import Case as DbCase
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.rules import STEPS

EMERGENCY_HOURS = 12
PLAN_DRAFT_DAYS = 5
PLAN_APPROVAL_DAYS = 7


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=[year]))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_days_after(day: date, count: int) -> date:
    """The count-th working day after a day (the day itself is not counted)."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@dataclass(frozen=True)
class Deadline:
    label: str
    due_at: datetime
    overdue: bool


# While the plan is carried out, the units' open tasks are due too.
TASK_STATUSES = ("plan_approved", "in_progress")
LABELS = {
    "assess": _("Đánh giá nguy cơ ban đầu"),
    "emergency": _("Quyết định bảo vệ khẩn cấp"),
    "draft_plan": _("Xây dựng kế hoạch hỗ trợ, can thiệp"),
    "approve_plan": _("Phê duyệt kế hoạch"),
    "review": _("Rà soát, đánh giá"),
    "task": _("Nhiệm vụ của đơn vị"),
}


def _own_kind(case) -> str | None:
    """What the case's own steps make due next, the units' tasks aside (a key of LABELS), or None."""
    status = case.status
    # The steps' own rules (cases.rules) say when the chairman's emergency decision waits and when a review sent
    # the case back to a new plan.
    if status == "intake":
        return "assess"
    if STEPS["emergency"].open_on(case):
        return "emergency"
    if status in ("assessed", "emergency", "detailed") or (status == "reviewed" and STEPS["draft_plan"].open_on(case)):
        return "draft_plan"
    if status == "plan_drafted":
        return "approve_plan"
    if status in TASK_STATUSES and case.review_on:
        return "review"
    return None  # the closure a review proposed waits for the chairman without a legal delay; closed


def own_due_at(case) -> datetime | None:
    """When what the case's own steps make due is due: stored on the case (Case.due_at) by the services at every
    step, so that lists sort and count by it in the database; the units' tasks come on top (with_deadlines)."""
    kind = _own_kind(case)
    received = case.received_at
    # A plan asked for again (after a review, or by the chairman) has the same delays, counted from that request.
    planning_day = timezone.localtime(case.replan_from or received).date()
    if kind in ("assess", "emergency"):
        return received + timedelta(hours=EMERGENCY_HOURS)
    if kind == "draft_plan":
        return end_of(working_days_after(planning_day, PLAN_DRAFT_DAYS))
    if kind == "approve_plan":
        return end_of(working_days_after(planning_day, PLAN_APPROVAL_DAYS))
    if kind == "review":
        return end_of(case.review_on)
    return None


def next_deadline(case, *, now: datetime | None = None, open_tasks_due: date | None = None) -> Deadline | None:
    """The next thing due on a case, or None when nothing is: whichever comes first of what its own steps make due
    and, while the plan is carried out, a unit's open task (`open_tasks_due`, the earliest)."""
    now = now or timezone.now()
    kind, due = _own_kind(case), own_due_at(case)
    if case.status in TASK_STATUSES and open_tasks_due and (due is None or end_of(open_tasks_due) <= due):
        kind, due = "task", end_of(open_tasks_due)
    if kind is None:
        return None
    return Deadline(str(LABELS[kind]), due, now > due)


def with_deadlines(cases: QuerySet, *, open_tasks: QuerySet, now: datetime) -> QuerySet:
    """The cases annotated, in the database, with what next_deadline says for each: `next_due_at` (the stored
    deadline of their own steps, or the first of `open_tasks` when it comes first while the plan is carried out),
    `task_first` and `overdue`; `deadline_of` reads them back for a row."""
    first_task = open_tasks.filter(assignment__case=OuterRef("pk")).order_by("due_at").values("due_at")[:1]
    task_first = Q(status__in=TASK_STATUSES, first_task_at__isnull=False) & (
        Q(due_at__isnull=True) | Q(first_task_at__lte=F("due_at"))
    )
    return (
        cases.annotate(first_task_at=Subquery(first_task))
        .annotate(task_first=DbCase(When(task_first, then=Value(True)), default=Value(False)))
        .annotate(next_due_at=DbCase(When(task_first=True, then=F("first_task_at")), default=F("due_at")))
        .annotate(overdue=DbCase(When(next_due_at__lt=now, then=Value(True)), default=Value(False)))
    )


def deadline_of(case) -> Deadline | None:
    """The deadline of a case annotated by with_deadlines, without computing it again."""
    if case.next_due_at is None:
        return None
    kind = "task" if case.task_first else _own_kind(case)
    return Deadline(str(LABELS[kind]), case.next_due_at, case.overdue)
