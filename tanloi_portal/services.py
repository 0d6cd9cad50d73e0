"""Writes to users: the role decides the Django admin flags, so they never drift apart."""

from django.db import transaction

from tanloi_portal.models import Role, User


def apply_role_flags(user: User) -> None:
    """Only the admin role may enter the Django admin site, and it may do everything there."""
    user.is_staff = user.role == Role.ADMIN
    user.is_superuser = user.role == Role.ADMIN


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    password_hash: str | None = None,
    full_name: str = "",
    commune=None,
    hamlet=None,
    unit=None,
) -> User:
    user = User(username=username, role=role, full_name=full_name, commune=commune, hamlet=hamlet, unit=unit)
    apply_role_flags(user)
    if password_hash is not None:
        # Already hashed, e.g. one hash shared by many demo users: hashing is deliberately slow.
        user.password = password_hash
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user
