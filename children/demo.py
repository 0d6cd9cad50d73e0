"""A realistic demo registry for a commune: households and children with Vietnamese names.

Deterministic for a given seed. Rows are written with bulk_create in batches so that a district-sized demo
(hundreds of thousands of children) does not hold everything in memory at once.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from children.household_updates import InvalidUpdate, update_submit
from children.models import Child, Household
from children.services import child_name_fields, household_name_fields
from tanloi_portal.models import Commune, User

FAMILY = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai",
)  # fmt: skip
MIDDLE = {
    "M": ("Văn", "Minh", "Đức", "Quốc", "Hữu", "Gia", "Thành", "Công", "Anh", "Hoàng"),
    "F": ("Thị", "Ngọc", "Thu", "Mỹ", "Bảo", "Kim", "Thanh", "Khánh", "Phương", "Diễm"),
}
GIVEN = {
    "M": (
        "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Huy", "Khang", "Khoa", "Kiên", "Long",
        "Lộc", "Minh", "Nam", "Nhân", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thịnh", "Trung", "Tuấn",
        "Việt", "Vinh", "Ân", "Đông",
    ),
    "F": (
        "Anh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
        "My", "Ngân", "Ngọc", "Nhi", "Như", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Trâm", "Uyên", "Vy",
        "Yến", "Ánh", "Ý",
    ),
}  # fmt: skip
# Xtiêng families of Bình Phước commonly carry Điểu (men) and Thị (women) as family names.
XTIENG_GIVEN = {
    "M": ("Lanh", "Ren", "Bình", "Khải", "Brông", "Lên", "Tâm", "Hùng", "Đức", "Mên"),
    "F": ("Bích", "Ngoan", "Hnhi", "Lan", "Thuý", "Rang", "Nga", "Sương", "Mơ", "Hiền"),
}
KHMER_FAMILY = ("Danh", "Thạch", "Sơn", "Kim", "Lâm", "Chau")
KHMER_GIVEN = {
    "M": ("Sô Phal", "Sa Rinh", "Ty", "Sóc", "Chanh Đa", "Pho"),
    "F": ("Sa Ry", "Sô Phia", "Kim Sa", "Chan Thu", "Ra Ni", "Sóc Khơ"),
}
# Share of households by ethnicity (Kinh majority, Xtiêng, Khmer, Hoa, Tày and Nùng).
ETHNIC_MIX = (("Kinh", 0.74), ("Xtiêng", 0.15), ("Khmer", 0.06), ("Hoa", 0.02), ("Tày", 0.015), ("Nùng", 0.015))


@dataclass(frozen=True)
class DemoRegistryReport:
    households: int
    children: int


def _person_name(rng: random.Random, ethnicity: str, sex: str, family: str) -> str:
    if ethnicity == "Xtiêng":
        return f"{'Điểu' if sex == 'M' else 'Thị'} {rng.choice(XTIENG_GIVEN[sex])}"
    if ethnicity == "Khmer":
        return f"{family} {'Thị ' if sex == 'F' and rng.random() < 0.5 else ''}{rng.choice(KHMER_GIVEN[sex])}"
    return f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _family_name(rng: random.Random, ethnicity: str) -> str:
    return rng.choice(KHMER_FAMILY) if ethnicity == "Khmer" else rng.choice(FAMILY)


@transaction.atomic
def generate_registry(
    *, commune: Commune, children: int, today: date, seed: int = 2025, batch_size: int = 2000
) -> DemoRegistryReport:
    rng = random.Random(seed)
    hamlets = list(commune.hamlets.order_by("position"))
    if not hamlets:
        raise ValueError("Xã chưa có ấp/sóc: chạy load_plan trước.")
    ethnic_names = [e for e, _ in ETHNIC_MIX]
    ethnic_weights = [w for _, w in ETHNIC_MIX]
    earliest = today - timedelta(days=18 * 365)
    span = (today - earliest).days

    made_children = made_households = 0
    sequence = 0
    while made_children < children:
        households: list[Household] = []
        families: list[tuple[str, str]] = []
        # About two children a household: stop adding households when they would hold the rest.
        while len(households) * 2 < children - made_children and len(households) < batch_size:
            sequence += 1
            hamlet = hamlets[rng.randrange(len(hamlets))]
            ethnicity = rng.choices(ethnic_names, ethnic_weights)[0]
            family = _family_name(rng, ethnicity)
            head_sex = "M" if rng.random() < 0.7 else "F"
            households.append(
                Household(
                    commune=commune,
                    hamlet=hamlet,
                    code=f"{hamlet.position:02d}-{sequence:05d}",
                    address=f"Tổ {rng.randint(1, 8)}, {hamlet.name}",
                    **household_name_fields(_person_name(rng, ethnicity, head_sex, family)),
                )
            )
            families.append((ethnicity, family))
        if not households:
            break
        bulk_create_with_history(households, Household, batch_size=batch_size)
        made_households += len(households)

        kids: list[Child] = []
        for household, (ethnicity, family) in zip(households, families, strict=True):
            # Families have 1 to 4 children, about 1.95 on average.
            count = min(children - made_children - len(kids), rng.choices((1, 2, 3, 4), (0.38, 0.36, 0.19, 0.07))[0])
            for _ in range(max(count, 0)):
                sex = rng.choice("MF")
                born = earliest + timedelta(days=rng.randrange(1, span))
                status, status_date = Child.Status.LIVING, None
                roll = rng.random()
                if roll < 0.02:
                    status = Child.Status.MOVED_AWAY
                    status_date = born + timedelta(days=rng.randrange(0, (today - born).days + 1))
                elif roll < 0.023:
                    status = Child.Status.DECEASED
                    status_date = born + timedelta(days=rng.randrange(0, min(1800, (today - born).days + 1)))
                kids.append(
                    Child(
                        household=household,
                        sex=sex,
                        date_of_birth=born,
                        ethnicity=ethnicity,
                        status=status,
                        status_date=status_date,
                        **child_name_fields(_person_name(rng, ethnicity, sex, family)),
                    )
                )
        bulk_create_with_history(kids, Child, batch_size=batch_size)
        made_children += len(kids)
    return DemoRegistryReport(households=made_households, children=made_children)


def demo_updates(*, commune, today) -> None:
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
