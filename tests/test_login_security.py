"""Log-in security: throttling by account and by address, the way back from a lock-out, password rules, the idle
timeout and the second factor."""

import os
import re
import subprocess
import sys
import time
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


# --- (10) idle timeout ------------------------------------------------------------------------------------------


def _signed_in_client(username: str) -> Client:
    client = Client()
    assert _login(client, username).status_code == 302
    return client


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session["last_activity"] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends_and_the_log_in_page_says_why(users):
    client = _signed_in_client("officer")
    _idle_for(client, 30 * 60 + 5)
    response = client.get(reverse("home-officer"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('home-officer')}"
    assert not _signed_in(client)
    page = client.get(response.url).content.decode()
    assert "không có thao tác nào trong 30 phút" in page


def test_a_request_within_the_timeout_keeps_the_session_and_counts_as_activity(users):
    client = _signed_in_client("officer")
    _idle_for(client, 29 * 60)
    assert client.get(reverse("home-officer")).status_code == 200
    assert abs(client.session["last_activity"] - time.time()) < 5
    assert _signed_in(client)


def test_the_timeout_comes_from_the_setting(users, settings):
    settings.IDLE_TIMEOUT_SECONDS = 5 * 60
    client = _signed_in_client("officer")
    _idle_for(client, 5 * 60 + 5)
    assert client.get(reverse("home-officer")).status_code == 302
    assert not _signed_in(client)


def test_the_idle_timeout_setting_is_read_from_the_environment():
    result = subprocess.run(
        [sys.executable, "-c", "from tanloi_portal import settings; print(settings.IDLE_TIMEOUT_SECONDS)"],
        env={**os.environ, "IDLE_TIMEOUT_SECONDS": "900", "TESTING": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "900", result.stderr
    default = subprocess.run(
        [sys.executable, "-c", "from tanloi_portal import settings; print(settings.IDLE_TIMEOUT_SECONDS)"],
        env={k: v for k, v in os.environ.items() if k != "IDLE_TIMEOUT_SECONDS"} | {"TESTING": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert default.stdout.strip() == "1800", default.stderr


def test_the_stay_signed_in_ping_records_activity(users):
    client = _signed_in_client("ctv-a")
    _idle_for(client, 28 * 60)
    response = client.post(reverse("keepalive"))
    assert response.status_code == 200
    assert response.json()["left"] == 30 * 60
    assert abs(client.session["last_activity"] - time.time()) < 5
    assert client.get(reverse("keepalive")).status_code == 405


def test_a_ping_after_the_timeout_is_refused_and_the_reason_waits_on_the_log_in_page(users):
    client = _signed_in_client("ctv-a")
    _idle_for(client, 31 * 60)
    response = client.post(reverse("keepalive"))
    assert response.status_code == 401
    assert response.json()["login_url"] == reverse("login")
    assert not _signed_in(client)
    assert "không có thao tác nào" in client.get(reverse("login")).content.decode()


def test_an_htmx_poll_after_the_timeout_loads_the_log_in_page_whole(users):
    client = _signed_in_client("officer")
    _idle_for(client, 31 * 60)
    response = client.get(reverse("home-officer"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_pages_tell_the_script_the_time_left_without_inline_script(users):
    client = _signed_in_client("officer")
    # Under a minute since the last recorded activity: the request does not write it again, so the page is
    # told the time left from that recorded activity, never more than the server keeps.
    _idle_for(client, 40)
    content = client.get(reverse("home-officer")).content.decode()
    body = re.search(r"<body[^>]*>", content).group(0)
    assert f'data-user-id="{users["officer"].pk}"' in body
    left = int(re.search(r'data-idle-left="(\d+)"', body).group(1))
    assert 30 * 60 - 45 <= left <= 30 * 60 - 40
    assert 'data-idle-warning="120"' in body
    assert f'data-keepalive-url="{reverse("keepalive")}"' in body
    assert "js/session.js" in content
    assert 'id="idle-warning"' in content and "data-idle-stay" in content
    for page in (content, Client().get(reverse("login")).content.decode()):
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
        assert " style=" not in page and "<style" not in page


def test_sessions_still_end_eight_hours_after_the_log_in(users):
    client = _signed_in_client("officer")
    ends = client.session.get_expiry_date()
    assert abs((ends - timezone.now()).total_seconds() - 8 * 3600) < 60
    _idle_for(client, 5 * 60)
    assert client.get(reverse("home-officer")).status_code == 200  # writes the activity, hence the session
    assert client.session.get_expiry_date() == ends


# --- (13) drafts and log-out ------------------------------------------------------------------------------------


def test_log_out_clears_this_browsers_storage(users):
    client = _signed_in_client("ctv-a")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert '"storage"' in response["Clear-Site-Data"]
    assert not _signed_in(client)


def test_the_log_out_form_is_known_to_the_script(users, client_for):
    content = client_for(users["ctv_a"]).get(reverse("home-collaborator")).content.decode()
    assert re.search(r'<form method="post" action="/dang-xuat/" data-logout-form\s+data-msg-unsent="[^"]+"', content)
