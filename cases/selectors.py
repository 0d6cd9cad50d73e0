"""Reads of cases, by who may see what.

The officer sees the commune's cases; unit staff the cases assigned to their unit; the chairman the list
(no narratives) and a case's details only while it waits for a decision of theirs. Nobody else sees cases.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case as DbCase
from django.db.models import Count, DateTimeField, Exists, F, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import legal_forms
from cases.deadlines import PLAN_APPROVAL_DAYS, Deadline, deadline_of, end_of, with_deadlines, working_days_after
from cases.models import Assignment, Case, Task, TimelineEntry
from cases.rules import (
    AWAITING_CHAIRMAN,
    STEPS,
    Step,
    may_assign,
    may_contribute,
    may_read_narrative,
    may_read_reporter,
    may_record_result,
    steps_open_to,
)
from children.models import Child, HouseholdUpdate
from children.selectors import ChildFilters, child_list, children_visible_to
from tanloi_portal.models import Role
from tanloi_portal.pagination import Key, KeysetPage, Segment, keyset_page
from tanloi_portal.params import positive_id


def cases_visible_to(*, user) -> QuerySet[Case]:
    qs = Case.objects.select_related("child__household__hamlet", "reported_hamlet", "lead_unit")
    if user.role in (Role.OFFICER, Role.CHAIRMAN):
        return qs.filter(commune_id=user.commune_id)
    if user.role == Role.UNIT_STAFF:
        assigned = Assignment.objects.filter(case=OuterRef("pk"), unit_id=user.unit_id)
        return qs.filter(Exists(assigned), commune_id=user.commune_id)
    return qs.none()


@dataclass(frozen=True)
class CaseAccess:
    """A case with what the user who opened it may do on it, as cases.rules says: the pages show and allow
    by these, and the services check the same rules again whoever calls them."""

    case: Case
    user: object
    can_read_reporter: bool
    can_contribute: bool  # notes, corrections, attachments
    can_assign: bool
    steps: tuple[Step, ...]  # the steps open to the user now

    def step(self, action: str) -> Step:
        """The step's record, if the user's role takes it (its page opens, and refuses what the case's status
        does not allow); PermissionDenied otherwise."""
        step = STEPS.get(action)
        if step is None or not step.taken_by(self.user):
            raise PermissionDenied
        return step

    def other_answers(self, step: Step) -> tuple[Step, ...]:
        """The user's other steps open now from where this one starts: the chairman's decisions each have two
        answers (approve the plan or send it back; close or ask for a new plan), offered side by side."""
        return tuple(other for other in self.steps if other.action != step.action and other.sources & step.sources)

    def records_results_of(self, assignment: Assignment) -> bool:
        return may_record_result(self.user, assignment)


def get_case_for_user(*, user, pk: int) -> CaseAccess:
    """The case and what the user may do on it, if they may open it (the chairman: only while it waits for their
    decision); else 404."""
    case = cases_visible_to(user=user).filter(pk=pk).first()
    if case is None or not may_read_narrative(user, case):
        raise Http404
    return CaseAccess(
        case=case,
        user=user,
        can_read_reporter=may_read_reporter(user),
        can_contribute=may_contribute(user, case),
        can_assign=may_assign(user, case),
        steps=tuple(steps_open_to(case, user)),
    )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    deadline: Deadline | None
    can_open: bool  # the same rule get_case_for_user applies: the list only links what will open


def _open_tasks_seen_by(user) -> QuerySet[Task]:
    """The open tasks whose due dates a user's list counts: a unit its own, the officer and the chairman every
    unit's."""
    tasks = Task.objects.filter(status=Task.Status.OPEN)
    return tasks.filter(assignment__unit_id=user.unit_id) if user.role == Role.UNIT_STAFF else tasks


# The parts of the case list a link may ask for: what waits for the chairman's decision, what is overdue (the
# homes' counts open exactly the cases they count).
WAITING_CHAIRMAN, OVERDUE = "chu-tich", "qua-han"
SHOWN = (WAITING_CHAIRMAN, OVERDUE)


def _by_urgency(*, user, open_only: bool = True, shown: str = "") -> QuerySet[Case]:
    qs = cases_visible_to(user=user)
    if open_only:
        qs = qs.exclude(status=Case.Status.CLOSED)
    if shown == WAITING_CHAIRMAN:
        qs = qs.filter(AWAITING_CHAIRMAN)
    qs = with_deadlines(qs, open_tasks=_open_tasks_seen_by(user), now=timezone.now())
    return qs.filter(overdue=True) if shown == OVERDUE else qs


class CaseRows:
    """The whole case list as rows (for the tests and the callers that want every row): sorted by the database,
    and only the rows asked for made into CaseRows (no query per row). The page uses case_list_page."""

    def __init__(self, cases: QuerySet[Case], *, user):
        self.cases, self.user = cases, user

    def __iter__(self):
        return (_row(self.user, case) for case in self.cases)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_row(self.user, case) for case in self.cases[index]]
        return _row(self.user, self.cases[index])


def _row(user, case: Case) -> CaseRow:
    return CaseRow(case, deadline_of(case), may_read_narrative(user, case))


def case_list(*, user, open_only: bool = True) -> CaseRows:
    """Cases with their next deadline, the most urgent first: by when the next thing is due (so the overdue come
    first, then the soonest), the cases with nothing due last, each group oldest case number first; sorted by
    the database."""
    cases = _by_urgency(user=user, open_only=open_only).order_by(F("next_due_at").asc(nulls_last=True), "pk")
    return CaseRows(cases, user=user)


# The case list read as two parts one after the other, each in an order an index range can serve: the open cases
# with something due, by when it is due (a set that stays as small as the commune's open caseload), then those
# with nothing due (closed, or a closure waiting for the chairman) by number, which grow with the years.
DUE_ORDER = (Key("next_due_at", DateTimeField()), Key("pk", Case._meta.pk))
NUMBER_ORDER = (Key("pk", Case._meta.pk),)


def case_list_page(*, user, open_only: bool = True, shown: str = "", token: str = "") -> KeysetPage:
    """The page of the case list a link asks for (`token`; the first page without), in case_list's order, read
    without counting the list; `shown` keeps it to the cases waiting for the chairman or those overdue."""
    cases = _by_urgency(user=user, open_only=open_only, shown=shown)
    # "Something is due" said without reading next_due_at (a unit's task when task_first, else the case's own
    # deadline), whose SQL repeats the tasks' subquery: a case's own deadline is read first, the tasks only when
    # it has none.
    due = Q(due_at__isnull=False) | Q(task_first=True)
    segments = [
        Segment(cases.exclude(status=Case.Status.CLOSED).filter(due), DUE_ORDER),
        Segment(cases.exclude(due), NUMBER_ORDER),
    ]
    return keyset_page(segments, token=token).map(lambda case: _row(user, case))


def overdue_cases(*, user) -> QuerySet[Case]:
    """The open cases past their next deadline, with it (next_due_at), the longest overdue first."""
    return _by_urgency(user=user, shown=OVERDUE).order_by("next_due_at", "pk")


def overdue_count(*, user) -> int:
    return overdue_cases(user=user).count()


def awaiting_decision(*, user) -> QuerySet[Case]:
    """Cases waiting for a decision of the chairman (emergency protection, the plan, the closure), oldest first."""
    if user.role not in (Role.OFFICER, Role.CHAIRMAN):
        return Case.objects.none()
    return cases_visible_to(user=user).filter(AWAITING_CHAIRMAN).order_by("pk")


def awaiting_decision_count(*, user) -> int:
    return awaiting_decision(user=user).count()


def unit_inbox(*, user) -> QuerySet[Task]:
    """The open tasks of the user's unit, soonest first."""
    return (
        Task.objects.filter(assignment__unit_id=user.unit_id, status=Task.Status.OPEN)
        .select_related("assignment__case__child")
        .order_by("due_on", "pk")
    )


def intake_choices(*, user, q: str = "", chosen: str | int | None = None, limit: int = 30) -> list[Child]:
    """The children the intake page offers: the one already chosen, then up to `limit` matches of the search
    (name without diacritics, or household code)."""
    visible = children_visible_to(user=user).select_related("household__hamlet")
    shown = []
    chosen_pk = positive_id(chosen)
    if chosen_pk is not None:
        shown = list(visible.filter(pk=chosen_pk))
    if q.strip():
        matches = child_list(user=user, filters=ChildFilters(q=q)).exclude(pk__in=[c.pk for c in shown])
        shown += list(matches[:limit])
    return shown


@dataclass(frozen=True)
class ConcernCounts:
    waiting: int
    urgent: int  # the collaborator said the child is in danger now
    oldest_at: datetime | None


def concern_counts(*, user) -> ConcernCounts:
    totals = concerns_waiting(user=user).aggregate(
        waiting=Count("pk"), urgent=Count("pk", filter=Q(payload__urgent=True)), oldest=Min("submitted_at")
    )
    return ConcernCounts(totals["waiting"], totals["urgent"], totals["oldest"])


def concerns_by_urgency(*, user) -> QuerySet[HouseholdUpdate]:
    """The concerns waiting, those reported as urgent first, then the oldest first."""
    urgent_first = DbCase(When(payload__urgent=True, then=Value(0)), default=Value(1))
    return concerns_waiting(user=user).order_by(urgent_first, "submitted_at", "pk")


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


# --- the timeline as people read it -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    entry: TimelineEntry
    title: str
    details: list[tuple[str, str]]


def _shown_datetime(value: str) -> str:
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%d/%m/%Y %H:%M")


def _shown_date(value: str) -> str:
    return date.fromisoformat(value).strftime("%d/%m/%Y")


def case_timeline(case: Case) -> list[TimelineRow]:
    """Each entry of the timeline with a title and its recorded content as (label, value), oldest first."""
    rows = []
    for entry in case.timeline.select_related("by", "corrects").order_by("at", "pk"):
        data, details = entry.data, []
        if entry.kind == "step":
            action = data.get("action", "intake")
            title = str(legal_forms.LABELS.get(action, action))
            if data.get("when"):
                details.append((_("Thời điểm"), _shown_datetime(data["when"])))
            details += legal_forms.describe(action, data)
        elif entry.kind == "assignment":
            title = _("Phân công: %(unit)s") % {"unit": data.get("unit", "")}
            for task in data.get("tasks", []):
                what, due = task if isinstance(task, list) else (task, "")
                details.append((what, _("hạn %(due)s") % {"due": _shown_date(due)} if due else ""))
        elif entry.kind == "task":
            title = _("Kết quả nhiệm vụ: %(what)s") % {"what": data.get("what", "")}
            details.append((_("Tình trạng"), str(_("Đã xong") if data.get("done") else _("Đang làm"))))
        elif entry.kind == "attachment":
            title = _("Tệp đính kèm: %(title)s") % {"title": data.get("title", "")}
        elif entry.kind == "correction":
            corrected = timezone.localtime(entry.corrects.at).strftime("%H:%M %d/%m/%Y") if entry.corrects else "?"
            title = _("Đính chính dòng lúc %(at)s") % {"at": corrected}
        else:
            title = str(entry.get_kind_display())
        rows.append(TimelineRow(entry, title, details))
    return rows


# --- statistics for the chairman (no narratives) ------------------------------------------------------------


@dataclass(frozen=True)
class CaseStatistics:
    year: int
    open_now: int
    overdue: int
    awaiting_chairman: int
    opened: int
    closed: int
    # Distinct children with a confirmed abuse case received in the year: those of the registry (indicator 9
    # counts them) and each case about a child not in it yet (`abused_not_in_registry`, not in indicator 9).
    abused_children: int
    abused_not_in_registry: int
    plans_approved: int
    plans_on_time: int  # approved within 7 working days of receipt
    by_concern: list[tuple[str, int, int, int]]  # label, opened in the year, open now, closed in the year
    by_hamlet: list[tuple[str, int, int]]  # hamlet, opened in the year, children with confirmed abuse
    by_outcome: list[tuple[str, int]]  # closed in the year by outcome


def _year_range(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))
    return start, timezone.make_aware(datetime(year + 1, 1, 1))


def overdue_in_commune(*, commune_id: int) -> int:
    """The commune's open cases past their next deadline (every unit's open tasks counted), for the dashboards
    of those who read its statistics without reading its cases (the level above)."""
    open_cases = Case.objects.filter(commune_id=commune_id).exclude(status=Case.Status.CLOSED)
    open_tasks = Task.objects.filter(status=Task.Status.OPEN)
    return with_deadlines(open_cases, open_tasks=open_tasks, now=timezone.now()).filter(overdue=True).count()


def case_statistics(*, user, year: int, commune_id: int | None = None) -> CaseStatistics:
    """Counts of a commune's cases for a year (the user's commune, or the one given to the level above): the
    same whatever the number of cases (a fixed number of queries). Cases are counted in the year they were
    received; closures in the year they were closed. They name no child."""
    start, end = _year_range(year)
    commune_id = commune_id or user.commune_id
    cases = Case.objects.filter(commune_id=commune_id)
    received = Q(received_at__gte=start, received_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    still_open = ~Q(status=Case.Status.CLOSED)
    abuse = Case.confirmed_abuse(start, end)
    # Children with confirmed abuse: each registry child once, and each case about a child not in the registry.
    abused = {
        "abused": Count("child", filter=abuse, distinct=True),
        "abused_unlinked": Count("pk", filter=abuse & Q(child__isnull=True)),
    }
    totals = cases.aggregate(
        open_now=Count("pk", filter=still_open),
        awaiting=Count("pk", filter=AWAITING_CHAIRMAN),
        opened=Count("pk", filter=received),
        closed=Count("pk", filter=closed),
        **abused,
    )
    per_concern = {
        row["concern"]: row
        for row in cases.values("concern").annotate(
            opened=Count("pk", filter=received),
            open_now=Count("pk", filter=still_open),
            closed=Count("pk", filter=closed),
        )
    }
    by_concern = [
        (str(label), per_concern[key]["opened"], per_concern[key]["open_now"], per_concern[key]["closed"])
        for key, label in Case.Concern.choices
        if key in per_concern and any(per_concern[key][k] for k in ("opened", "open_now", "closed"))
    ]
    # The hamlet of the child's household, or the one the report gave for a child not in the registry.
    by_hamlet = [
        (row["hamlet_name"], row["opened"], row["abused"] + row["abused_unlinked"])
        for row in cases.filter(received)
        .annotate(
            hamlet_name=Coalesce("child__hamlet__name", "reported_hamlet__name"),
            hamlet_position=Coalesce("child__hamlet__position", "reported_hamlet__position"),
        )
        .values("hamlet_name", "hamlet_position")
        .annotate(opened=Count("pk"), **abused)
        .order_by("hamlet_position")
    ]
    outcomes = dict(
        cases.filter(closed).values_list("outcome_kind").annotate(n=Count("pk")).values_list("outcome_kind", "n")
    )
    by_outcome = [(str(label), outcomes[key]) for key, label in legal_forms.OUTCOME if outcomes.get(key)]
    # Each case's first approval (a plan made again after a review is not measured against the receipt).
    firsts = {}
    for case_id, received_at, data, at in (
        TimelineEntry.objects.filter(case__commune_id=commune_id, kind="step", status=Case.Status.PLAN_APPROVED)
        .order_by("case_id", "at", "pk")
        .values_list("case_id", "case__received_at", "data", "at")
    ):
        firsts.setdefault(case_id, (received_at, data, at))
    approvals = [(received_at, data) for received_at, data, at in firsts.values() if start <= at < end]
    on_time = 0
    for received_at, data in approvals:
        due = end_of(working_days_after(timezone.localtime(received_at).date(), PLAN_APPROVAL_DAYS))
        on_time += datetime.fromisoformat(data["when"]) <= due
    return CaseStatistics(
        year=year,
        open_now=totals["open_now"],
        overdue=overdue_in_commune(commune_id=commune_id),
        awaiting_chairman=totals["awaiting"],
        opened=totals["opened"],
        closed=totals["closed"],
        abused_children=totals["abused"] + totals["abused_unlinked"],
        abused_not_in_registry=totals["abused_unlinked"],
        plans_approved=len(approvals),
        plans_on_time=on_time,
        by_concern=by_concern,
        by_hamlet=by_hamlet,
        by_outcome=by_outcome,
    )
