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


def next_deadline(case, *, now: datetime | None = None, open_tasks_due: date | None = None) -> Deadline | None:
    """The next thing due on a case, or None when nothing is (the closure a review proposed waits for the chairman
    without a legal delay; closed)."""
    now = now or timezone.now()
    received = case.received_at
    # A plan asked for again (after a review, or by the chairman) has the same delays, counted from that request.
    planning_day = timezone.localtime(case.replan_from or received).date()
    status = case.status
    # The steps' own rules (cases.rules) say when the chairman's emergency decision waits and when a review sent
    # the case back to a new plan.
    replanning = status == "reviewed" and STEPS["draft_plan"].open_on(case)
    if status == "intake":
        label, due = _("Đánh giá nguy cơ ban đầu"), received + timedelta(hours=EMERGENCY_HOURS)
    elif STEPS["emergency"].open_on(case):
        label, due = _("Quyết định bảo vệ khẩn cấp"), received + timedelta(hours=EMERGENCY_HOURS)
    elif status in ("assessed", "emergency", "detailed") or replanning:
        label, due = _("Xây dựng kế hoạch hỗ trợ, can thiệp"), end_of(working_days_after(planning_day, PLAN_DRAFT_DAYS))
    elif status == "plan_drafted":
        label, due = _("Phê duyệt kế hoạch"), end_of(working_days_after(planning_day, PLAN_APPROVAL_DAYS))
    elif status in ("plan_approved", "in_progress") and (open_tasks_due or case.review_on):
        # Whichever comes first: a unit's open task or the review date the plan set.
        due_day = min(d for d in (open_tasks_due, case.review_on) if d)
        label = _("Nhiệm vụ của đơn vị") if due_day == open_tasks_due else _("Rà soát, đánh giá")
        due = end_of(due_day)
    else:
        return None
    return Deadline(str(label), due, now > due)
