"""A user's role and scope hold together: a collaborator has a hamlet of their commune, unit staff a unit."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tanloi_portal.models import Role, User
from tanloi_portal.services import user_create

pytestmark = pytest.mark.django_db


def test_a_collaborator_needs_a_hamlet_of_their_own_commune(commune, other_commune, hamlet_a):
    with pytest.raises(ValidationError) as error:
        user_create(username="ctv-x", role=Role.COLLABORATOR, commune=commune, password="Mat-khau-2026")
    assert "hamlet" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        user_create(
            username="ctv-y",
            role=Role.COLLABORATOR,
            commune=commune,
            hamlet=other_commune.hamlets.get(),
            password="Mat-khau-2026",
        )
    assert "không thuộc xã" in str(error.value.message_dict["hamlet"])
    user = user_create(
        username="ctv-z", role=Role.COLLABORATOR, commune=commune, hamlet=hamlet_a, password="Mat-khau-2026"
    )
    assert user.hamlet == hamlet_a and not User.objects.filter(username__in=["ctv-x", "ctv-y"]).exists()


def test_unit_staff_need_a_unit_and_others_may_not_have_one(commune, other_commune, hamlet_a):
    with pytest.raises(ValidationError) as error:
        user_create(username="u1", role=Role.UNIT_STAFF, commune=commune, password="Mat-khau-2026")
    assert error.value.message_dict == {"unit": ["Cán bộ đơn vị phải gắn với một đơn vị."]}
    foreign_unit = other_commune.units.get()
    with pytest.raises(ValidationError) as error:
        user_create(username="u2", role=Role.UNIT_STAFF, commune=commune, unit=foreign_unit, password="Mat-khau-2026")
    assert error.value.message_dict == {"unit": ["Đơn vị không thuộc xã của người dùng."]}
    with pytest.raises(ValidationError) as error:
        user_create(username="u3", role=Role.OFFICER, commune=commune, hamlet=hamlet_a, password="Mat-khau-2026")
    assert error.value.message_dict == {"hamlet": ["Chỉ cộng tác viên mới gắn với ấp/sóc."]}
    assert not User.objects.filter(username__in=["u1", "u2", "u3"]).exists()


def test_the_database_refuses_a_collaborator_without_a_hamlet(commune):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", role=Role.COLLABORATOR, commune=commune)


def test_createsuperuser_makes_an_admin(db):
    user = User.objects.create_superuser("root-admin", "a@example.org", "Mat-khau-2026")
    assert user.role == Role.ADMIN and user.is_staff


def test_admin_site_sets_the_admin_flags_from_the_role(users, client_for, commune):
    client = client_for(users["admin"])
    for username, role in (("moi-officer", Role.OFFICER), ("moi-admin", Role.ADMIN)):
        response = client.post(
            reverse("admin:tanloi_portal_user_add"),
            {
                "username": username,
                "password1": "Mat-khau-2026-dai",
                "password2": "Mat-khau-2026-dai",
                "full_name": "Người Dùng Mới",
                "role": role,
                "commune": commune.pk if role == Role.OFFICER else "",
                "usable_password": "true",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(username="moi-officer").is_staff
    assert User.objects.get(username="moi-admin").is_superuser


def test_the_admins_view_site_link_opens_the_portal_not_the_admin_again(users, client_for):
    content = client_for(users["admin"]).get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("indicators:board")}"' in content
