"""Log-in security: throttling by account and by address, the way back from a lock-out, password rules, the idle
timeout and the second factor."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tanloi_portal.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"
ELSEWHERE = "198.51.100.2"
PASSWORD = "matkhau-an-toan"


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 20
    return settings


# --- (9) throttling -------------------------------------------------------------------------------------------


def test_spraying_many_accounts_from_one_address_blocks_that_address(limits):
    """4 wrong passwords on each of 14 accounts: the address is refused from its 20th failure on."""
    names = [UserFactory(role=Role.OFFICER).username for _ in range(14)]
    office = Client(REMOTE_ADDR=OFFICE)
    statuses = [_login(office, name, "sai-mat-khau").status_code for name in names for _ in range(4)]
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    # Even the right password of an account nobody tried is refused from that address ...
    UserFactory(username="chua-ai-thu", role=Role.OFFICER)
    response = _login(office, "chua-ai-thu")
    assert response.status_code == 429
    assert "Địa chỉ mạng này tạm bị chặn đăng nhập" in response.content.decode()
    assert not _signed_in(office)
    # ... while the accounts themselves are not locked: from another address they log in.
    elsewhere = Client(REMOTE_ADDR=ELSEWHERE)
    assert _login(elsewhere, names[0]).status_code == 302 and _signed_in(elsewhere)


def test_a_successful_log_in_does_not_wipe_the_address_count(limits):
    """Someone holding one good account cannot reset the spraying count by logging in with it now and then."""
    UserFactory(username="co-mat-khau", role=Role.OFFICER)
    names = [UserFactory(role=Role.OFFICER).username for _ in range(5)]
    office = Client(REMOTE_ADDR=OFFICE)
    for name in names:
        for _ in range(3):
            assert _login(office, name, "sai").status_code == 200
    assert _login(office, "co-mat-khau").status_code == 302
    office.logout()
    for _ in range(4):
        assert _login(office, names[0] + "x", "sai").status_code == 200
    assert _login(office, names[1] + "x", "sai").status_code == 429


def test_a_colleague_behind_the_same_address_keeps_logging_in(limits):
    UserFactory(username="bi-thu", role=Role.OFFICER)
    UserFactory(username="dong-nghiep", role=Role.OFFICER)
    office = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        _login(office, "bi-thu", "sai")
    assert _login(office, "bi-thu").status_code == 429
    colleague = Client(REMOTE_ADDR=OFFICE)
    assert _login(colleague, "dong-nghiep").status_code == 302 and _signed_in(colleague)


def test_the_lock_out_page_says_when_the_lock_ends(limits):
    UserFactory(username="bi-khoa", role=Role.OFFICER)
    office = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        response = _login(office, "bi-khoa", "sai")
    assert response.status_code == 429
    last = AccessAttempt.objects.get(username="bi-khoa").attempt_time
    ends = timezone.localtime(last + timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    content = response.content.decode()
    assert "Tài khoản tạm bị khóa" in content
    assert ends in content
    assert "quản trị hệ thống có thể mở khóa" in content.lower()
    # Trying again while locked does not push the end further away (the page keeps telling the truth).
    again = _login(office, "bi-khoa").content.decode()
    assert ends in again
    assert AccessAttempt.objects.get(username="bi-khoa").attempt_time == last


def test_the_lock_out_page_speaks_english_after_the_switch(limits):
    UserFactory(username="bi-khoa", role=Role.OFFICER)
    office = Client(REMOTE_ADDR=OFFICE)
    office.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(5):
        response = _login(office, "bi-khoa", "sai")
    assert "temporarily locked" in response.content.decode()


def test_the_admin_sees_who_is_locked_and_unlocks_them(limits, users, client_for):
    office = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        _login(office, "officer", "sai")
    assert _login(office, "officer").status_code == 429

    admin = client_for(users["admin"])
    changelist = reverse("admin:tanloi_portal_user_changelist")
    locked_list = admin.get(changelist, {"khoa_dang_nhap": "co"}).content.decode()
    assert ">officer<" in locked_list and ">chairman<" not in locked_list
    response = admin.post(
        changelist, {"action": "unlock_login", "_selected_action": [users["officer"].pk]}, follow=True
    )
    assert "Đã mở khóa đăng nhập cho 1 người dùng" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="officer").exists()
    assert _login(office, "officer").status_code == 302 and _signed_in(office)


def test_the_admin_unblocks_an_address(limits, users, client_for):
    office = Client(REMOTE_ADDR=OFFICE)
    for n in range(20):
        _login(office, f"khong-co-{n}", "sai")
    assert _login(office, "officer").status_code == 429

    admin = client_for(users["admin"])
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist).content.decode()
    assert OFFICE in page
    one = AccessAttempt.objects.filter(ip_address=OFFICE).first()
    response = admin.post(changelist, {"action": "unlock_addresses", "_selected_action": [one.pk]}, follow=True)
    assert "Đã mở khóa 1 địa chỉ mạng" in response.content.decode()
    assert not AccessAttempt.objects.filter(ip_address=OFFICE).exists()
    assert _login(office, "officer").status_code == 302


# --- (10) passwords ---------------------------------------------------------------------------------------------


def _change_password(client: Client, new: str):
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    form = response.context["form"] if response.status_code == 200 else None
    return response, ({e.code for e in form.errors.as_data().get("new_password2", [])} if form else set())


@pytest.mark.parametrize(
    ("new", "code"),
    [
        ("Sen-hong-26", "password_too_short"),  # 11 characters
        ("123456789012", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("nguyenthihongnhung", "password_too_similar"),  # the full name without its accents
        ("Nhung-Nguyen-Thi-Hong", "password_too_similar"),
        ("cb-hongnhung", "password_too_similar"),  # the user name
    ],
)
def test_passwords_fit_for_sensitive_data(client_for, new, code):
    user = UserFactory(username="cb-hongnhung", full_name="Nguyễn Thị Hồng Nhung", role=Role.OFFICER)
    response, codes = _change_password(client_for(user), new)
    assert response.status_code == 200
    assert code in codes
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_long_passphrase_is_accepted(client_for):
    user = UserFactory(username="cb-hongnhung", full_name="Nguyễn Thị Hồng Nhung", role=Role.OFFICER)
    response, _ = _change_password(client_for(user), "sông Tiền chảy qua 13 ấp")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("sông Tiền chảy qua 13 ấp")
