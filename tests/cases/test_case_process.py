"""The case process: deadlines over weekends and Tết, the order of the steps, who takes them, the timeline."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.deadlines import next_deadline, working_days_after
from cases.models import Case, Task, TimelineEntry
from cases.selectors import case_timeline, unit_inbox
from cases.services import ConcurrentEdit, case_assign, case_note, case_step, task_result
from tests.cases.conftest import DESCRIPTION
from tests.cases.steps import take, valid_form
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# --- working days ------------------------------------------------------------------------------------------


def test_working_days_skip_the_weekend():
    # Friday 27/11/2026 + 5 working days: Mon 30/11, Tue 1/12, Wed 2/12, Thu 3/12, Fri 4/12.
    assert working_days_after(date(2026, 11, 27), 5) == date(2026, 12, 4)
    # Saturday counts from the following Monday: + 1 working day is Monday 30/11.
    assert working_days_after(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_working_days_skip_tet():
    # Tết 2027: 29 Tết (Thu 04/02) to Mùng năm (Wed 10/02) are holidays; 06-07/02 a weekend too.
    # From Wed 03/02/2027, 5 working days: Thu 11/02, Fri 12/02, Mon 15/02, Tue 16/02, Wed 17/02.
    assert working_days_after(date(2027, 2, 3), 5) == date(2027, 2, 17)
    # And 7 working days: Thu 18/02, Fri 19/02.
    assert working_days_after(date(2027, 2, 3), 7) == date(2027, 2, 19)


# --- the process --------------------------------------------------------------------------------------------


def test_the_whole_process_in_order(case, users):
    assert next_deadline(case).label == "Đánh giá nguy cơ ban đầu"
    take(case, "assess", users["officer"], data={"risk": "high", "immediate_danger": True, "confirmed": True})
    assert next_deadline(case).label == "Quyết định bảo vệ khẩn cấp"
    take(case, "emergency", users["chairman"], text="Tạm thời cách ly, giao cho bà ngoại")
    assert next_deadline(case).label == "Xây dựng kế hoạch hỗ trợ, can thiệp"
    take(case, "detail", users["officer"], text="Họp xác định nhu cầu")
    assert case.protection_level == "support"
    take(case, "draft_plan", users["officer"], text="Kế hoạch hỗ trợ")
    assert next_deadline(case).label == "Phê duyệt kế hoạch"
    take(case, "approve_plan", users["chairman"])
    take(case, "start", users["officer"])
    # No task yet: the next thing due is the review the plan set, 30 days on.
    assert next_deadline(case).label == "Rà soát, đánh giá"
    assert next_deadline(case).due_at.date() == timezone.localdate() + timedelta(days=30)
    take(case, "review", users["officer"], text="Trẻ an toàn")
    take(case, "close", users["chairman"], text="Trẻ an toàn, gia đình đã được tư vấn")
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome.startswith("Trẻ an toàn")
    assert case.outcome_kind == "safe_with_family" and case.closed_at is not None
    forms = [e.form for e in case.timeline.filter(kind="step")]
    assert forms == ["Mẫu 01", "Mẫu 02", "Mẫu 07", "Mẫu 03", "Mẫu 04", "Mẫu 05", "", "", ""]
    assert next_deadline(case) is None


@pytest.mark.parametrize(
    "action, why",
    [
        ("approve_plan", "never drafted"),
        ("close", "never reviewed"),
        ("draft_plan", "no detailed assessment"),
        ("review", "plan not carried out"),
    ],
)
def test_out_of_order_steps_are_refused(case, users, action, why):
    who = users["chairman"] if action in ("approve_plan", "close") else users["officer"]
    with pytest.raises(ValidationError, match="Không thể"):
        take(case, action, who)
    case.refresh_from_db()
    assert case.status == "intake" and case.timeline.count() == 1


def test_each_step_is_taken_by_its_role(case, users):
    with pytest.raises(PermissionDenied):
        take(case, "assess", users["chairman"])
    take(case, "assess", users["officer"], data={"risk": "low", "immediate_danger": False})
    take(case, "detail", users["officer"])
    take(case, "draft_plan", users["officer"])
    with pytest.raises(PermissionDenied):
        take(case, "approve_plan", users["officer"])  # the chairman approves plans


def test_emergency_only_when_in_danger(case, users):
    take(case, "assess", users["officer"], data={"risk": "medium", "immediate_danger": False})
    with pytest.raises(ValidationError, match="nguy hiểm"):
        take(case, "emergency", users["chairman"])


@pytest.mark.parametrize(
    "moved, message",
    [
        (lambda case: case.received_at - timedelta(minutes=1), "Thời điểm không được trước lúc tiếp nhận."),
        (lambda case: timezone.now() + timedelta(hours=1), "Thời điểm không được ở tương lai."),
    ],
)
def test_dates_before_receipt_or_in_the_future_are_refused(case, users, moved, message):
    with pytest.raises(ValidationError) as error:
        take(case, "assess", users["officer"], when=moved(case), data=valid_form("assess"))
    assert error.value.message_dict == {"when": [message]}
    assert case.status == "intake" and case.version == 1 and case.timeline.count() == 1


def test_a_second_edit_from_a_stale_page_is_refused(case, users):
    stale_version = case.version
    case_step(case=case, action="assess", by=users["officer"], expected_version=stale_version,
              data={"risk": "low", "immediate_danger": False})  # fmt: skip
    with pytest.raises(ConcurrentEdit, match="vừa được"):
        case_step(case=case, action="detail", by=users["officer"], expected_version=stale_version,
                  data=valid_form("detail"))  # fmt: skip
    case.refresh_from_db()
    assert case.status == "assessed"


def test_overdue_detection_across_tet(users, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    received = aware(2027, 2, 3, 9, 0)
    case = Case(
        child=child, commune=hamlet_a.commune, received_at=received, status="detailed", opened_by=users["officer"]
    )
    due = next_deadline(case, now=aware(2027, 2, 17, 12, 0))
    assert due.due_at.date() == date(2027, 2, 17) and not due.overdue
    assert next_deadline(case, now=aware(2027, 2, 18, 8, 0)).overdue


def test_assignments_and_task_results_by_the_assigned_unit_only(case, users, commune):
    health = commune.units.get(code="tram-y-te")
    assignment = case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám sức khỏe", date(2027, 1, 5))])
    task = assignment.tasks.get()
    with pytest.raises(PermissionDenied):
        task_result(task=task, by=users["school"], result="x")
    task_result(task=task, by=users["health"], result="Đã khám, có vết bầm")
    task.refresh_from_db()
    assert task.status == "done"
    assert list(case.timeline.values_list("kind", flat=True)) == ["step", "assignment", "task"]


def test_a_result_not_done_keeps_the_task_open_and_says_so_on_the_timeline(case, users, commune):
    health = commune.units.get(code="tram-y-te")
    task = case_assign(case=case, unit=health, by=users["officer"], tasks=[("Khám", timezone.localdate())]).tasks.get()
    task_result(task=task, by=users["health"], result="Đã hẹn gia đình, chưa khám được", done=False)
    task.refresh_from_db()
    assert (task.status, task.result) == ("open", "Đã hẹn gia đình, chưa khám được")
    entry = case.timeline.get(kind="task")
    assert entry.data == {"task": task.pk, "what": "Khám", "done": False}
    assert entry.text == "Đã hẹn gia đình, chưa khám được"
    assert list(unit_inbox(user=users["health"])) == [task]  # still the unit's to do
    shown = next(row for row in case_timeline(case) if row.entry == entry)
    assert shown.details == [("Tình trạng", "Đang làm")]
    with pytest.raises(ValidationError) as error:
        task_result(task=task, by=users["health"], result="  ", done=True)
    assert error.value.message_dict == {"result": ["Ghi kết quả thực hiện."]}
    assert Task.objects.get(pk=task.pk).status == "open"


def test_a_correction_cannot_point_at_another_cases_entry(case, users, open_case):
    other = open_case(name="Lê Văn Khác")
    with pytest.raises(ValidationError) as error:
        case_note(case=case, by=users["officer"], text="Đính chính", corrects=other.timeline.get())
    assert error.value.messages == ["Dòng được đính chính không thuộc hồ sơ này."]
    assert not TimelineEntry.objects.filter(kind="correction").exists()


def test_the_timeline_is_append_only(case, users):
    entry = case.timeline.get()
    with pytest.raises(ValueError):
        entry.text = "sửa"
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    correction = case_note(case=case, by=users["officer"], text="Đính chính: trẻ 9 tuổi", corrects=entry)
    assert correction.kind == "correction" and TimelineEntry.objects.get(pk=entry.pk).text == DESCRIPTION
