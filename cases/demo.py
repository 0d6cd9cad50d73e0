"""Demo cases for `seed_demo` (the demo app): three cases at different steps, one past its deadline, and a report
about a child not in the registry yet."""

from datetime import timedelta

from django.utils import timezone

from cases.services import case_assign, case_open, case_step
from children.models import Child
from tanloi_portal.models import User


def demo_cases(*, commune) -> None:
    """Three cases at different steps (one past its deadline), so that the case list has work in it, and one about a
    child not in the registry, waiting to be linked."""
    officer, chairman = User.objects.get(username="officer"), User.objects.get(username="chairman")
    health = commune.units.get(code="tram-y-te")
    children = list(Child.objects.filter(commune=commune, status=Child.Status.LIVING).order_by("pk")[5:8])
    now = timezone.now()
    specs = [
        ("violence", "neighbour", now - timedelta(days=9), "Hàng xóm thấy trẻ bị cha đánh nhiều lần.",
         ["assess", "detail"]),
        ("neglect", "collaborator", now - timedelta(hours=3), "Trẻ ở nhà một mình nhiều ngày, thiếu ăn.", []),
        ("child_labour", "school", now - timedelta(days=20), "Trẻ nghỉ học đi cạo mủ cao su thuê.",
         ["assess", "detail", "draft_plan", "approve_plan", "start"]),
    ]  # fmt: skip
    for child, (concern, channel, received, text, steps) in zip(children, specs, strict=False):
        # No reporter is recorded (a placeholder name would print as if it were one).
        case = case_open(child=child, concern=concern, channel=channel, received_at=received, description=text,
                         by=officer)  # fmt: skip
        forms = {
            "assess": {"risk": "medium", "immediate_danger": False, "confirmed": concern == "violence",
                       "harm_signs": ["physical"] if concern == "violence" else ["labour"]},
            "detail": {"meeting_on": timezone.localdate(received) + timedelta(days=1), "needs": ["health", "education"],
                       "participants": "Công chức VH-XH, Trạm Y tế, nhà trường, trưởng ấp",
                       "protection_level": "support"},
            "draft_plan": {"objectives": "Trẻ an toàn và đi học trở lại", "review_on": now.date() + timedelta(days=30),
                           "activities": "Trạm Y tế khám sức khỏe; nhà trường vận động trẻ đi học lại"},
            "approve_plan": {"decision_number": "15/QĐ-UBND"},
        }  # fmt: skip
        for action in steps:
            who = chairman if action in ("approve_plan",) else officer
            case = case_step(case=case, action=action, by=who, expected_version=case.version,
                             data=forms.get(action), text="")  # fmt: skip
        if steps and steps[-1] == "start":
            case_assign(case=case, unit=health, by=officer, tasks=[("Khám sức khỏe, tư vấn gia đình", now.date())])
    # A hotline call about a child the registry does not hold yet: received, to be linked once registered.
    hamlet = commune.hamlets.order_by("position").first()
    if hamlet is not None:
        case_open(reported_name="Bé Tí", reported_age=7, reported_hamlet=hamlet, concern="neglect",
                  channel="hotline_111", received_at=now - timedelta(days=1), by=officer,
                  description="Tổng đài 111 chuyển tin: trẻ khoảng 7 tuổi thường bị để một mình ở rẫy; gia đình mới "
                              "đến ở nhờ, chưa có trong sổ.")  # fmt: skip
