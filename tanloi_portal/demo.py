"""Demo users and data for `seed_demo`: one user of each role, a collaborator per hamlet, staff per unit."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cases.services import case_assign, case_open, case_step
from children.demo import generate_registry
from children.demo_facts import generate_facts
from children.household_updates import InvalidUpdate, update_submit
from children.models import Child, Commune
from indicators.demo import seed_indicators
from indicators.selectors import current_plan
from tanloi_portal.models import Role, Unit, User
from tanloi_portal.services import user_create

# (username, full name, role, unit code)
STAFF = (
    ("officer", "Nguyễn Thị Hồng", Role.OFFICER, None),
    ("chairman", "Trần Văn Minh", Role.CHAIRMAN, None),
    ("district", "Phạm Thị Thu", Role.DISTRICT, None),
    ("admin", "Lê Quốc Huy", Role.ADMIN, None),
    ("tramyte", "Võ Thị Lan", Role.UNIT_STAFF, "tram-y-te"),
    ("truong-mn", "Đặng Thị Mai", Role.UNIT_STAFF, "truong-mn"),
    ("truong-th", "Bùi Văn Tài", Role.UNIT_STAFF, "truong-th"),
    ("truong-thcs", "Hồ Thị Ngọc", Role.UNIT_STAFF, "truong-thcs"),
    ("congan", "Đỗ Văn Dũng", Role.UNIT_STAFF, "cong-an"),
    ("tuphap", "Ngô Thị Hạnh", Role.UNIT_STAFF, "tu-phap"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    scope: str
    created: bool


@dataclass(frozen=True)
class DemoReport:
    logins: list[DemoLogin]
    households: int
    children: int
    registry_skipped: bool
    facts: dict[str, int] = field(default_factory=dict)


def _ensure_user(*, username: str, password_hash: str, **fields) -> tuple[User, bool]:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing, False
    return user_create(username=username, password_hash=password_hash, **fields), True


@transaction.atomic
def seed_demo(*, commune: Commune, children: int, password: str, seed: int = 2025) -> DemoReport:
    """Create the demo users that are missing and, if the commune has no child yet, a demo registry."""
    logins: list[DemoLogin] = []
    password_hash = make_password(password)
    units = {u.code: u for u in Unit.objects.filter(commune=commune)}
    for username, full_name, role, unit_code in STAFF:
        unit = units[unit_code] if unit_code else None
        user, created = _ensure_user(
            username=username,
            password_hash=password_hash,
            full_name=full_name,
            role=role,
            # The demo district viewer reads every commune of the installation.
            commune=None if role in (Role.DISTRICT, Role.ADMIN) else commune,
            unit=unit,
        )
        scope = unit.name if unit else (user.commune.name if user.commune_id else "toàn hệ thống")
        logins.append(DemoLogin(username, user.get_role_display(), scope, created))
    for hamlet in commune.hamlets.order_by("position"):
        user, created = _ensure_user(
            username=f"ctv-ap{hamlet.position}",
            password_hash=password_hash,
            full_name=f"Cộng tác viên {hamlet.name}",
            role=Role.COLLABORATOR,
            commune=commune,
            hamlet=hamlet,
        )
        logins.append(DemoLogin(user.username, user.get_role_display(), hamlet.name, created))

    if Child.objects.filter(household__commune=commune).exists():
        return DemoReport(logins=logins, households=0, children=0, registry_skipped=True)
    today = timezone.localdate()
    made = generate_registry(commune=commune, children=children, today=today, seed=seed)
    facts = generate_facts(commune=commune, today=today, seed=seed)
    _demo_updates(commune=commune, today=today)
    _demo_cases(commune=commune)
    plan = current_plan(commune=commune)
    if plan is not None:
        officer = User.objects.filter(username="officer").first()
        facts = {
            **facts.rows,
            "số liệu chỉ tiêu": seed_indicators(plan=plan, years=[today.year - 1, today.year], by=officer),
        }
    else:
        facts = facts.rows
    return DemoReport(
        logins=logins, households=made.households, children=made.children, registry_skipped=False, facts=facts
    )


def _demo_updates(*, commune, today) -> None:
    """A few collaborators' reports waiting for the officer, so that the review queue has work in it."""
    for position in (1, 2, 3):
        collaborator = User.objects.get(username=f"ctv-ap{position}")
        household = commune.households.filter(hamlet=collaborator.hamlet).order_by("pk").first()
        if household is None:
            continue
        child = household.children.filter(status=Child.Status.LIVING).order_by("-date_of_birth").first()
        born = today - timedelta(days=3 + position)
        reports = [
            ("new_birth", {"full_name": f"{household.head_name.split()[0]} Thị Bé {position}", "sex": "F",
                           "date_of_birth": born.strftime("%d/%m/%Y"), "birth_registered": "False"}),
            ("note", {"text": "Gia đình đi làm rẫy cả tuần, trẻ ở nhà với bà."}),
        ]  # fmt: skip
        if child is not None:
            reports.append(("growth", {"child": str(child.pk), "measured_on": today.strftime("%d/%m/%Y"),
                                       "weight_kg": "11,5", "height_cm": "85"}))  # fmt: skip
        for kind, data in reports:
            try:
                update_submit(user=collaborator, household=household, kind=kind, data=data, client_id=uuid.uuid4())
            except InvalidUpdate:
                continue  # e.g. a growth report for a child too old for the demo values


def _demo_cases(*, commune) -> None:
    """Three cases at different steps (one past its deadline), so that the case list has work in it."""
    officer, chairman = User.objects.get(username="officer"), User.objects.get(username="chairman")
    health = commune.units.get(code="tram-y-te")
    children = list(Child.objects.filter(household__commune=commune, status=Child.Status.LIVING).order_by("pk")[5:8])
    now = timezone.now()
    specs = [
        ("violence", "neighbour", now - timedelta(days=9), "Hàng xóm thấy trẻ bị cha đánh nhiều lần.",
         ["assess", "detail"]),
        ("neglect", "collaborator", now - timedelta(hours=3), "Trẻ ở nhà một mình nhiều ngày, thiếu ăn.", []),
        ("child_labour", "school", now - timedelta(days=20), "Trẻ nghỉ học đi cạo mủ cao su thuê.",
         ["assess", "detail", "draft_plan", "approve_plan", "start"]),
    ]  # fmt: skip
    for child, (concern, channel, received, text, steps) in zip(children, specs, strict=False):
        case = case_open(child=child, concern=concern, channel=channel, received_at=received, description=text,
                         by=officer, reporter_name="(bảo mật)")  # fmt: skip
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
