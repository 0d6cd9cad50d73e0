"""Demo users for `seed_demo` (the demo app): one user of each role, a collaborator per hamlet, staff per unit."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from tanloi_portal.models import Commune, Role, Unit, User
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
