"""Reads of cases, by who may see what.

The officer sees the commune's cases; unit staff the cases assigned to their unit; the chairman the list
(no narratives) and a case's details only while it waits for a decision of theirs. Nobody else sees cases.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.deadlines import Deadline, next_deadline
from cases.models import Case, Task
from children.models import HouseholdUpdate
from tanloi_portal.models import Role

# Statuses at which a decision is the chairman's: emergency protection, the plan's approval, the closure.
CHAIRMAN_DECIDES = {Case.Status.ASSESSED, Case.Status.PLAN_DRAFTED, Case.Status.REVIEWED}


def cases_visible_to(*, user) -> QuerySet[Case]:
    qs = Case.objects.select_related("child__household__hamlet", "lead_unit")
    if user.role in (Role.OFFICER, Role.CHAIRMAN):
        return qs.filter(commune_id=user.commune_id)
    if user.role == Role.UNIT_STAFF:
        return qs.filter(commune_id=user.commune_id, assignments__unit_id=user.unit_id).distinct()
    return qs.none()


def can_read_narrative(user, case: Case) -> bool:
    if user.role == Role.CHAIRMAN:
        return case.status in CHAIRMAN_DECIDES
    return user.role in (Role.OFFICER, Role.UNIT_STAFF)


def get_case_for_user(*, user, pk: int) -> Case:
    """The case if this user may open it (the chairman: only while it waits for their decision), else 404."""
    case = cases_visible_to(user=user).filter(pk=pk).first()
    if case is None or not can_read_narrative(user, case):
        raise Http404
    return case


@dataclass(frozen=True)
class CaseRow:
    case: Case
    deadline: Deadline | None
    can_open: bool  # the same rule get_case_for_user applies: the list only links what will open


def case_list(*, user, open_only: bool = True) -> list[CaseRow]:
    """Cases with their next deadline, the most urgent first (overdue, then soonest)."""
    qs = cases_visible_to(user=user).annotate(
        task_due=Min("assignments__tasks__due_on", filter=Q(assignments__tasks__status=Task.Status.OPEN))
    )
    if open_only:
        qs = qs.exclude(status=Case.Status.CLOSED)
    now = timezone.now()
    rows = [CaseRow(c, next_deadline(c, now=now, open_tasks_due=c.task_due), can_read_narrative(user, c)) for c in qs]
    far = now + timedelta(days=3650)
    return sorted(rows, key=lambda r: (r.deadline is None, r.deadline.due_at if r.deadline else far))


def overdue_count(*, user) -> int:
    return sum(1 for row in case_list(user=user) if row.deadline and row.deadline.overdue)


def unit_inbox(*, user) -> QuerySet[Task]:
    """The open tasks of the user's unit, soonest first."""
    return (
        Task.objects.filter(assignment__unit_id=user.unit_id, status=Task.Status.OPEN)
        .select_related("assignment__case__child")
        .order_by("due_on", "pk")
    )


def concerns_waiting(*, user):
    """Collaborators' safety concerns not yet turned into a case (children keeps them; cases reads them)."""
    if user.role != Role.OFFICER:
        return HouseholdUpdate.objects.none()
    return (
        HouseholdUpdate.objects.filter(
            household__commune_id=user.commune_id,
            kind=HouseholdUpdate.Kind.SAFETY_CONCERN,
            state=HouseholdUpdate.State.WAITING,
        )
        .select_related("household__hamlet", "child", "submitted_by")
        .order_by("submitted_at")
    )
