"""Demo users for `seed_demo` (the demo app): one user of each role, a collaborator per hamlet, staff per unit;
and, for a province-sized demo, more communes like the first (their hamlets, units and reporting chain), each
with its officer."""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tanloi_portal.models import Commune, Hamlet, ReportingChain, Role, Unit, User
from tanloi_portal.services import user_create
from tanloi_portal.text import fold

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


def _ensure_user(*, username: str, password_hash: str, **fields) -> tuple[User, bool]:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing, False
    return user_create(username=username, password_hash=password_hash, **fields), True


def demo_users(*, commune: Commune, password: str) -> list[DemoLogin]:
    """The demo users that are missing, created with this password; those that exist are left alone."""
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
    return logins


# --- more communes, for a province-sized demo --------------------------------------------------------------

# Demo communes' names: the first words and the last words of commune names of the south-east.
NAME_FIRST = ("Tân", "Thanh", "Minh", "Phước", "Lộc", "Long", "Đồng", "Phú", "An", "Bình", "Thuận", "Hưng")
NAME_LAST = ("Hưng", "Khai", "An", "Phú", "Hiệp", "Quan", "Bình", "Thành", "Tiến", "Lập", "Hòa", "Thịnh", "Tâm",
             "Lợi", "Sơn")  # fmt: skip
SIGNERS = ("Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Tuấn", "Phạm Văn Thành", "Huỳnh Thị Lệ", "Võ Quốc Bảo",
           "Đặng Văn Lâm", "Bùi Thị Hương", "Điểu Văn Ren", "Hồ Văn Phúc")  # fmt: skip
HAMLETS_PER_COMMUNE = (10, 16)  # about 13, as Tân Lợi has


def demo_commune_names(count: int, *, taken: set[str]) -> list[str]:
    """`count` commune names, none of them in `taken` (the first words, then the last, vary slowest)."""
    names: list[str] = []
    round_ = 1
    while len(names) < count:
        for first in NAME_FIRST:
            for last in NAME_LAST:
                name = f"{first} {last}" if round_ == 1 else f"{first} {last} {round_}"
                if first != last and name not in taken and len(names) < count:
                    names.append(name)
        round_ += 1
    return names


def commune_code(name: str) -> str:
    """ "Tân Hưng" -> "tan-hung"."""
    return "-".join(fold(name).split())


def _renamed(text: str, like: Commune, name: str) -> str:
    """A text of the first commune said of another one ("Trường Mầm non Tân Lợi", "XÃ TÂN LỢI")."""
    return text.replace(like.name, name).replace(like.name.upper(), name.upper())


@transaction.atomic
def demo_communes(*, like: Commune, count: int, seed: int = 2025) -> list[Commune]:
    """`count` more demo communes beside `like`, under the same level above: each with its hamlets (about 13,
    "Ấp 1", "Ấp 2", ...), a copy of its units and of its reporting chain (renamed). A commune of the same code
    that exists already is taken as it is. Deterministic for a seed."""
    existing = {c.code: c for c in Commune.objects.all()}
    names = demo_commune_names(count, taken={like.name})
    units = list(Unit.objects.filter(commune=like).order_by("pk"))
    chains = list(ReportingChain.objects.filter(commune=like).order_by("valid_from"))
    communes: list[Commune] = []
    for index, name in enumerate(names, start=1):
        code = commune_code(name)
        if code in existing:
            communes.append(existing[code])
            continue
        rng = random.Random(seed * 1000 + index)
        commune = Commune(code=code, name=name, authority_name=f"UBND XÃ {name.upper()}", province=like.province,
                          report_cutoff=like.report_cutoff)  # fmt: skip
        commune.full_clean()
        commune.save()
        Hamlet.objects.bulk_create(
            [
                Hamlet(commune=commune, code=f"ap-{n}", name=f"Ấp {n}", position=n)
                for n in range(1, rng.randint(*HAMLETS_PER_COMMUNE) + 1)
            ]
        )
        copies: dict[int, Unit] = {}
        for unit in units:  # parents come first: they were created first
            copies[unit.pk] = Unit.objects.create(
                commune=commune,
                code=unit.code,
                name_vi=_renamed(unit.name_vi, like, name),
                name_en=unit.name_en and _renamed(unit.name_en, like, name),
                kind=unit.kind,
                parent=copies.get(unit.parent_id),
                plan_section=unit.plan_section,
                tasks=unit.tasks,
            )
        signer = rng.choice(SIGNERS)
        for chain in chains:
            ReportingChain.objects.create(
                commune=commune,
                valid_from=chain.valid_from,
                valid_until=chain.valid_until,
                parent_body=chain.parent_body,
                body=f"XÃ {name.upper()}",
                place=name,
                level_above=chain.level_above,
                addressees=chain.addressees,
                recipients=chain.recipients,
                signer_name=signer,
                signer=chain.signer,
            )
        communes.append(commune)
    return communes


def demo_officers(*, communes: list[Commune], password: str) -> list[DemoLogin]:
    """An officer for each of these communes (officer-<code>), created when missing."""
    password_hash = make_password(password)
    logins: list[DemoLogin] = []
    for commune in communes:
        user, created = _ensure_user(
            username=f"officer-{commune.code}",
            password_hash=password_hash,
            full_name=f"Công chức VH-XH xã {commune.name}",
            role=Role.OFFICER,
            commune=commune,
        )
        logins.append(DemoLogin(user.username, user.get_role_display(), commune.name, created))
    return logins
