"""A realistic demo registry for a commune: households and children with Vietnamese names.

Deterministic for a given seed. Rows are plain tuples written in bulk, batch by batch (COPY on PostgreSQL,
tanloi_portal.bulk), so that a province-sized demo (hundreds of thousands of children) takes minutes and never
holds everything in memory at once.
"""

import functools
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from children.household_updates import InvalidUpdate, update_submit
from children.models import Child, Household
from children.services import child_name_fields, household_name_fields
from tanloi_portal.bulk import BulkTable, reserve_ids
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


# The columns each demo row gives (the others take their defaults: created_at and updated_at now, no phone).
HOUSEHOLD_COLUMNS = ("id", "commune_id", "hamlet_id", "code", "address", "head_name", "head_name_search")
CHILD_COLUMNS = ("id", "household_id", "commune_id", "hamlet_id", "sex", "date_of_birth", "ethnicity", "status",
                 "status_date", "full_name", "name_search", "name_sort_key")  # fmt: skip

# Names repeat (a few thousand combinations): their search and sort keys are derived once each.
_child_names = functools.lru_cache(maxsize=None)(lambda name: tuple(child_name_fields(name).values()))
_household_names = functools.lru_cache(maxsize=None)(lambda name: tuple(household_name_fields(name).values()))


@transaction.atomic
def generate_registry(
    *, commune: Commune, children: int, today: date, seed: int = 2025, batch_size: int = 2000
) -> DemoRegistryReport:
    """Households and children in the commune's hamlets, written in bulk (tanloi_portal.bulk: COPY on
    PostgreSQL) with their history; no signal is sent, so nothing runs per row."""
    rng = random.Random(seed)
    hamlets = list(commune.hamlets.order_by("position"))
    if not hamlets:
        raise ValueError("Xã chưa có ấp/sóc: chạy load_plan trước.")
    ethnic_names = [e for e, _ in ETHNIC_MIX]
    ethnic_weights = [w for _, w in ETHNIC_MIX]
    earliest = today - timedelta(days=18 * 365)
    span = (today - earliest).days
    now = timezone.now()
    household_table = BulkTable(Household, HOUSEHOLD_COLUMNS, now=now)
    child_table = BulkTable(Child, CHILD_COLUMNS, now=now)
    living, moved, deceased = Child.Status.LIVING.value, Child.Status.MOVED_AWAY.value, Child.Status.DECEASED.value

    made_children = made_households = 0
    sequence = 0
    while made_children < children:
        households: list[tuple] = []
        families: list[tuple[str, str]] = []
        # About two children a household: stop adding households when they would hold the rest.
        while len(households) * 2 < children - made_children and len(households) < batch_size:
            sequence += 1
            hamlet = hamlets[rng.randrange(len(hamlets))]
            ethnicity = rng.choices(ethnic_names, ethnic_weights)[0]
            family = _family_name(rng, ethnicity)
            head_sex = "M" if rng.random() < 0.7 else "F"
            code = f"{hamlet.position:02d}-{sequence:05d}"
            address = f"Tổ {rng.randint(1, 8)}, {hamlet.name}"
            head = _household_names(_person_name(rng, ethnicity, head_sex, family))
            households.append((commune.pk, hamlet.pk, code, address, *head))
            families.append((ethnicity, family))
        if not households:
            break
        household_ids = reserve_ids(Household, len(households))
        household_table.write([(pk, *row) for pk, row in zip(household_ids, households, strict=True)])
        made_households += len(households)

        kids: list[tuple] = []
        for household_id, household, (ethnicity, family) in zip(household_ids, households, families, strict=True):
            # Families have 1 to 4 children, about 1.95 on average.
            count = min(children - made_children - len(kids), rng.choices((1, 2, 3, 4), (0.38, 0.36, 0.19, 0.07))[0])
            for _ in range(max(count, 0)):
                sex = rng.choice("MF")
                born = earliest + timedelta(days=rng.randrange(1, span))
                status, status_date = living, None
                roll = rng.random()
                if roll < 0.02:
                    status = moved
                    status_date = born + timedelta(days=rng.randrange(0, (today - born).days + 1))
                elif roll < 0.023:
                    status = deceased
                    status_date = born + timedelta(days=rng.randrange(0, min(1800, (today - born).days + 1)))
                names = _child_names(_person_name(rng, ethnicity, sex, family))
                kids.append((household_id, commune.pk, household[1], sex, born, ethnicity, status, status_date, *names))
        child_ids = reserve_ids(Child, len(kids))
        child_table.write([(pk, *row) for pk, row in zip(child_ids, kids, strict=True)])
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
        # The newborn's name as the family would give it: the head's family name for a Kinh or Khmer household
        # (an Xtiêng girl is "Thị ..."), never "Thị Thị Bé".
        family = household.head_name.split()[0]
        ethnicity = "Xtiêng" if family in ("Thị", "Điểu") else (child.ethnicity if child is not None else "Kinh")
        name = _person_name(random.Random(position), ethnicity, "F", family)
        reports = [
            ("new_birth", {"full_name": name, "sex": "F", "date_of_birth": born.strftime("%d/%m/%Y"),
                           "birth_registered": "False"}),
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
