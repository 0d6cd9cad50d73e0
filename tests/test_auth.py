"""Log-in, landing page per role, log-out, password change and the lock-out after repeated failures."""

import pytest
from django.test import Client
from django.urls import reverse

from tanloi_portal.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANDING = {
    "officer": "/trang-chu/can-bo/",
    "ctv_a": "/trang-chu/cong-tac-vien/",
    "health": "/trang-chu/don-vi/",
    "school": "/trang-chu/don-vi/",
    "chairman": "/trang-chu/chu-tich/",
    "district": "/trang-chu/cap-tren/",
    "admin": "/quan-tri/",
}


def _login(client: Client, username: str, password: str = "matkhau-an-toan", **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra}, follow=True)


@pytest.mark.parametrize("key", sorted(LANDING))
def test_each_role_lands_on_its_own_home_page(users, key):
    response = _login(Client(), users[key].username)
    assert response.redirect_chain[-1][0] == LANDING[key]
    assert response.status_code == 200


def test_log_in_keeps_the_page_asked_for(users):
    response = _login(Client(), "officer", next="/tre-em/")
    assert response.redirect_chain[-1][0] == "/tre-em/"


def test_wrong_password_shows_a_vietnamese_message_and_keeps_the_user_name(users):
    response = _login(Client(), "officer", password="sai")
    content = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in content
    assert 'value="officer"' in content


def test_log_out_ends_the_session(users, client_for):
    client = client_for(users["officer"])
    response = client.post(reverse("logout"))
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert "_auth_user_id" not in client.session
    home = client.get(reverse("home-officer"))
    assert (home.status_code, home.url) == (302, f"{reverse('login')}?next={reverse('home-officer')}")


def test_change_password(users, client_for):
    client = client_for(users["ctv_a"])
    response = client.post(
        reverse("password_change"),
        {"old_password": "matkhau-an-toan", "new_password1": "Ap1-cong-tac-2026", "new_password2": "Ap1-cong-tac-2026"},
    )
    assert response.status_code == 302
    users["ctv_a"].refresh_from_db()
    assert users["ctv_a"].check_password("Ap1-cong-tac-2026")


def test_five_failed_log_ins_lock_the_account_even_with_the_right_password(settings):
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="khoa-thu", role=Role.OFFICER)
    client = Client()
    for _ in range(5):
        _login(client, "khoa-thu", password="sai-mat-khau")
    response = _login(client, "khoa-thu")
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_only_the_admin_role_gets_the_admin_site_flags(commune, hamlet_a):
    """The users service decides the flags from the role (the factory's own flags are not what is tested)."""
    from tanloi_portal.services import user_create

    admin = user_create(username="qt", role=Role.ADMIN, password="Mat-khau-rat-dai-2026")
    officer = user_create(username="cb", role=Role.OFFICER, commune=commune, password="Mat-khau-rat-dai-2026")
    collaborator = user_create(username="ctv", role=Role.COLLABORATOR, commune=commune, hamlet=hamlet_a,
                               password="Mat-khau-rat-dai-2026")  # fmt: skip
    made = User.objects.filter(pk__in=[admin.pk, officer.pk, collaborator.pk])
    stored = {u.username: (u.is_staff, u.is_superuser) for u in made}
    assert stored == {"qt": (True, True), "cb": (False, False), "ctv": (False, False)}
