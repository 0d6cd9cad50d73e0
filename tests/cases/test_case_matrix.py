"""Every step tried from every status (allowed exactly where the process allows it), every unit's view of a
case, the plan deadlines across a weekend and Tết, and two people saving the same step at the same moment."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import next_deadline
from cases.models import Case
from cases.rules import STEPS
from cases.services import ConcurrentEdit, case_assign, case_open, case_step
from tanloi_portal.models import Hamlet, Role, Unit
from tests.cases.steps import valid_form
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

S = Case.Status

# Where each step may be taken from, as the law orders them (DESIGN 5), with the case's flags that matter.
EXPECTED = {
    "assess": {S.INTAKE},
    "emergency": {S.ASSESSED},  # only with the child in danger (the case is set so for this step)
    "detail": {S.ASSESSED, S.EMERGENCY},  # from "assessed" only without danger (the chairman decides first)
    "draft_plan": {S.DETAILED, S.REVIEWED},  # from a review only when it proposed a new plan
    "approve_plan": {S.PLAN_DRAFTED},
    "return_plan": {S.PLAN_DRAFTED},
    "start": {S.PLAN_APPROVED},
    "review": {S.IN_PROGRESS},
    "close": {S.REVIEWED},  # only when the review proposed closing
    "return_to_planning": {S.REVIEWED},  # likewise
}


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(STEPS))
def test_each_step_from_each_status(users, open_case, status, action):
    case = open_case()
    recommendation = "plan_again" if action == "draft_plan" else "close"
    danger = action == "emergency"
    Case.objects.filter(pk=case.pk).update(status=status, immediate_danger=danger, recommendation=recommendation)
    case.refresh_from_db()
    who = users["chairman"] if Role.CHAIRMAN in STEPS[action].roles else users["officer"]
    text = "Lý do, tình trạng của trẻ"
    if status in EXPECTED[action]:
        after = case_step(case=case, action=action, by=who, expected_version=case.version,
                          data=valid_form(action), text=text)  # fmt: skip
        assert after.status == STEPS[action].to and after.timeline.count() == 2
    else:
        with pytest.raises(ValidationError, match="Không thể"):
            case_step(case=case, action=action, by=who, expected_version=case.version, data=valid_form(action),
                      text=text)  # fmt: skip
        case.refresh_from_db()
        assert case.status == status and case.timeline.count() == 1
    # The other roles may never take it.
    for other in ("officer", "chairman", "health", "ctv_a", "district", "admin"):
        if users[other].role not in STEPS[action].roles:
            with pytest.raises(PermissionDenied):
                case_step(case=case, action=action, by=users[other], expected_version=case.version,
                          data=valid_form(action))  # fmt: skip


@pytest.mark.django_db
def test_each_unit_sees_a_case_only_when_it_is_assigned(users, open_case, client_for, commune):
    case = open_case(concern="neglect", channel="school")
    units = list(Unit.objects.filter(commune=commune))
    staff = {
        u.pk: UserFactory(username=f"staff-{u.code}", role=Role.UNIT_STAFF, commune=commune, unit=u) for u in units
    }
    assigned = [u for u in units if u.code in ("tram-y-te", "cong-an")] or units[:2]
    for unit in assigned:
        case_assign(case=case, unit=unit, by=users["officer"], tasks=[("Việc", timezone.localdate())])
    url = reverse("cases:detail", args=[case.pk])
    for unit in units:
        client = client_for(staff[unit.pk])
        expected = 200 if unit in assigned else 404
        assert client.get(url).status_code == expected, unit.code
        listed = [row.case.pk for row in client.get(reverse("cases:list")).context["page"]]
        assert listed == ([case.pk] if unit in assigned else []), unit.code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "received, status, due, label",
    [
        # Friday 27/11/2026 09:00: the plan's draft by Friday 04/12, its approval by Tuesday 08/12.
        ((2026, 11, 27, 9), "detailed", date(2026, 12, 4), "Xây dựng kế hoạch hỗ trợ, can thiệp"),
        ((2026, 11, 27, 9), "plan_drafted", date(2026, 12, 8), "Phê duyệt kế hoạch"),
        # Wednesday 03/02/2027, before Tết (04/02 to 10/02 off): draft by 17/02, approval by 19/02.
        ((2027, 2, 3, 9), "emergency", date(2027, 2, 17), "Xây dựng kế hoạch hỗ trợ, can thiệp"),
        ((2027, 2, 3, 9), "plan_drafted", date(2027, 2, 19), "Phê duyệt kế hoạch"),
    ],
)
def test_plan_deadlines_across_a_weekend_and_tet(users, hamlet_a, received, status, due, label):
    case = Case(child=ChildFactory(household=HouseholdFactory(hamlet=hamlet_a)), commune=hamlet_a.commune,
                received_at=aware(*received), status=status, opened_by=users["officer"])  # fmt: skip
    deadline = next_deadline(case, now=aware(*received))
    assert (deadline.label, deadline.due_at.date(), deadline.overdue) == (label, due, False)
    assert next_deadline(
        case, now=timezone.make_aware(datetime.combine(due + timedelta(days=1), datetime.min.time()))
    ).overdue


@pytest.mark.django_db
def test_emergency_measures_are_due_12_hours_after_receipt_even_at_night_and_on_a_holiday(users, hamlet_a):
    # Received on the eve of Tết at 22:00: the danger does not wait for working days.
    case = Case(child=ChildFactory(household=HouseholdFactory(hamlet=hamlet_a)), commune=hamlet_a.commune,
                received_at=aware(2027, 2, 5, 22), status="assessed", immediate_danger=True,
                opened_by=users["officer"])  # fmt: skip
    deadline = next_deadline(case, now=aware(2027, 2, 6, 9))
    assert deadline.due_at == aware(2027, 2, 6, 10) and not deadline.overdue
    assert next_deadline(case, now=aware(2027, 2, 6, 10, 1)).overdue


@pytest.mark.django_db(transaction=True)
def test_two_officers_saving_the_same_step_at_once_record_it_once(committed_reference_data):
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    officers = [UserFactory(username=f"officer-{i}", role=Role.OFFICER, commune=hamlet.commune) for i in range(2)]
    case = case_open(child=ChildFactory(household=HouseholdFactory(hamlet=hamlet)), concern="violence",
                     channel="family", description="x", by=officers[0],
                     received_at=timezone.now() - timedelta(hours=1))  # fmt: skip
    start, outcomes = threading.Barrier(2), []

    def assess(officer, risk):
        try:
            start.wait(timeout=10)
            case_step(case=case, action="assess", by=officer, expected_version=1,
                      data=valid_form("assess", risk=risk))  # fmt: skip
            outcomes.append("saved")
        except ConcurrentEdit:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assess, args=(o, r)) for o, r in zip(officers, ("high", "low"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    case.refresh_from_db()
    assert case.version == 2 and case.timeline.filter(form="Mẫu 02").count() == 1
