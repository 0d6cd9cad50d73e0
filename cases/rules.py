"""The rules of the case process, each declared once (DESIGN 5, decision 0013).

Every step is a record: the statuses it starts from, the status it leads to, its legal form, the roles that take
it and the rule that refuses it. "A decision of the chairman is waiting" is not written again anywhere: it is
"a step the chairman takes is open on the case", derived from those records. Who may read, add to, assign or
record results on a case is here too.

A condition is a Q on the case's own columns, so that one declaration serves both readers: a queryset (the case
list, the counts on the home pages, the statistics) filters by it in the database, and `holds` checks it on one
loaded case in Python (the refusals of the services, the case page) without a query.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import legal_forms
from cases.models import Assignment, Case
from tanloi_portal.models import Role

S = Case.Status

# What the case's row says, named once.
IN_DANGER = Q(immediate_danger=True)  # the initial assessment found the child in immediate danger
CLOSURE_PROPOSED = Q(recommendation="close")  # the review proposed closing the case
NEW_PLAN_PROPOSED = Q(recommendation="plan_again")  # the review proposed a new plan
ALWAYS = Q()


def holds(condition: Q, case: Case) -> bool:
    """Whether one case meets a condition written for querysets: exact and `__in` lookups on the case's own
    fields, combined with &, | and ~. Anything else is refused rather than guessed."""
    met = [holds(child, case) if isinstance(child, Q) else _lookup(case, *child) for child in condition.children]
    result = all(met) if condition.connector == Q.AND else any(met)
    return result != condition.negated


def _lookup(case: Case, key: str, expected) -> bool:
    name, _sep, lookup = key.partition("__")
    value = getattr(case, name)
    if lookup in ("", "exact"):
        return value == expected
    if lookup == "in":
        return value in expected
    raise ValueError(f"cases.rules.holds cannot check {key!r}")


@dataclass(frozen=True)
class Step:
    """One step of the process, as the law orders it."""

    action: str
    sources: frozenset[str]  # the statuses it may start from
    to: str  # the status it leads to
    legal_form: str  # the form of Nghị định 56/2017 it fills ("" for none)
    roles: frozenset[str]  # who takes it
    allowed: Q = ALWAYS  # beyond the status, what the case must hold for the step to be taken...
    refusal: str = ""  # ...and what whoever tries is told when it does not

    @property
    def label(self) -> str:
        return str(legal_forms.LABELS[self.action])

    @property
    def where_open(self) -> Q:
        """The cases on which the step may be taken now, as a query."""
        return Q(status__in=sorted(self.sources)) & self.allowed

    def taken_by(self, user) -> bool:
        return user.role in self.roles

    def refusal_for(self, case: Case) -> str | None:
        """Why the step cannot be taken on the case now (whoever asks); None when it can."""
        if case.status not in self.sources:
            return gettext("Không thể “%(step)s” khi hồ sơ đang ở bước “%(status)s”.") % {
                "step": self.label,
                "status": case.get_status_display(),
            }
        if not holds(self.allowed, case):
            return str(self.refusal)
        return None

    def open_on(self, case: Case) -> bool:
        return self.refusal_for(case) is None


def _steps(*steps: Step) -> dict[str, Step]:
    return {step.action: step for step in steps}


OFFICER, CHAIRMAN = frozenset({Role.OFFICER}), frozenset({Role.CHAIRMAN})
_emergency_waits = Q(status=S.ASSESSED) & IN_DANGER

STEPS: dict[str, Step] = _steps(
    Step("assess", frozenset({S.INTAKE}), S.ASSESSED, "Mẫu 02", OFFICER),
    Step(
        "emergency", frozenset({S.ASSESSED}), S.EMERGENCY, "Mẫu 07", CHAIRMAN,
        allowed=IN_DANGER, refusal=_("Chỉ quyết định bảo vệ khẩn cấp khi trẻ đang gặp nguy hiểm."),
    ),
    Step(
        "detail", frozenset({S.ASSESSED, S.EMERGENCY}), S.DETAILED, "Mẫu 03", OFFICER,
        allowed=~_emergency_waits, refusal=_("Trẻ đang gặp nguy hiểm: chờ Chủ tịch quyết định bảo vệ khẩn cấp."),
    ),
    Step(
        "draft_plan", frozenset({S.DETAILED, S.REVIEWED}), S.PLAN_DRAFTED, "Mẫu 04", OFFICER,
        allowed=~Q(status=S.REVIEWED) | NEW_PLAN_PROPOSED,
        refusal=_("Rà soát đề nghị đóng hồ sơ: chờ Chủ tịch quyết định."),
    ),
    Step("approve_plan", frozenset({S.PLAN_DRAFTED}), S.PLAN_APPROVED, "Mẫu 05", CHAIRMAN),
    # The chairman's other answer to a drafted plan: back to the officer, with the reason, for a new draft.
    Step("return_plan", frozenset({S.PLAN_DRAFTED}), S.DETAILED, "", CHAIRMAN),
    Step("start", frozenset({S.PLAN_APPROVED}), S.IN_PROGRESS, "", OFFICER),
    Step("review", frozenset({S.IN_PROGRESS}), S.REVIEWED, "", OFFICER),
    Step(
        "close", frozenset({S.REVIEWED}), S.CLOSED, "", CHAIRMAN,
        allowed=CLOSURE_PROPOSED, refusal=_("Rà soát không đề nghị đóng hồ sơ: cán bộ xây dựng lại kế hoạch."),
    ),
    Step(
        "return_to_planning", frozenset({S.REVIEWED}), S.DETAILED, "", CHAIRMAN,
        allowed=CLOSURE_PROPOSED, refusal=_("Rà soát không đề nghị đóng hồ sơ: cán bộ xây dựng lại kế hoạch."),
    ),
)  # fmt: skip

# A decision of the chairman is waiting: a step the chairman takes is open (emergency protection for a child in
# danger, the plan's approval, the closure a review proposed). The list, the home counts and the statistics
# filter by it; the case page and the deadlines check it on one case.
AWAITING_CHAIRMAN: Q = reduce(
    operator.or_, dict.fromkeys(step.where_open for step in STEPS.values() if Role.CHAIRMAN in step.roles)
)


def awaits_chairman(case: Case) -> bool:
    return holds(AWAITING_CHAIRMAN, case)


# --- who may do what on a case (the queryset of cases_visible_to keeps each user to their commune or unit) ----


def steps_open_to(case: Case, user) -> list[Step]:
    """The steps this user may take on the case now."""
    if user.commune_id != case.commune_id:
        return []
    return [step for step in STEPS.values() if step.taken_by(user) and step.open_on(case)]


def may_read_narrative(user, case: Case) -> bool:
    """The officer and the assigned units read a case; the chairman only while a decision of theirs waits."""
    if user.role == Role.CHAIRMAN:
        return awaits_chairman(case)
    return user.role in (Role.OFFICER, Role.UNIT_STAFF)


def may_read_reporter(user) -> bool:
    """The reporter's identity is confidential (Luật Trẻ em, Điều 48): the officer's alone."""
    return user.role == Role.OFFICER


def may_contribute(user, case: Case) -> bool:
    """Notes, corrections and attachments: the officer, and staff of a unit assigned to the case."""
    if user.role == Role.OFFICER:
        return user.commune_id == case.commune_id
    return user.role == Role.UNIT_STAFF and case.assignments.filter(unit_id=user.unit_id).exists()


def may_assign(user, case: Case) -> bool:
    return user.role == Role.OFFICER and user.commune_id == case.commune_id and case.status != S.CLOSED


def may_record_result(user, assignment: Assignment) -> bool:
    """A task's result: staff of the assigned unit, or the case's officer."""
    if user.role == Role.UNIT_STAFF:
        return user.unit_id == assignment.unit_id
    return user.role == Role.OFFICER and user.commune_id == assignment.case.commune_id
