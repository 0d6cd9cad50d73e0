"""Log-in security: throttling by account and by address, the way back from a lock-out, password rules, the idle
timeout and the second factor."""

import base64
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
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tanloi_portal.models import Role, SecondFactorRequirement
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


# --- (10) second factor -----------------------------------------------------------------------------------------


def _code(key_hex: str, offset: int = 0) -> str:
    return f"{totp(bytes.fromhex(key_hex), t0=0, step=30, digits=6, drift=offset):06d}"


def _device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _require(role: str) -> None:
    SecondFactorRequirement.objects.update_or_create(role=role, defaults={"required": True})


def test_a_user_with_a_device_is_asked_for_the_code_after_the_password(users):
    device = _device_for(users["officer"])
    client = Client()
    response = _login(client, "officer", next="/tre-em/")
    assert response.status_code == 302
    # Every page sends to the code page first, keeping the page asked for.
    home = client.get(reverse("home-officer"))
    assert home.status_code == 302
    assert home.url == f"{reverse('second-factor-verify')}?next={reverse('home-officer')}"
    assert client.get("/tre-em/").url.startswith(reverse("second-factor-verify"))
    page = client.get(reverse("second-factor-verify"), {"next": "/tre-em/"})
    assert page.status_code == 200 and "Xác thực hai bước" in page.content.decode()

    wrong = client.post(reverse("second-factor-verify"), {"code": "000000", "next": "/tre-em/"})
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # no waiting for the back-off in the test
    device.save()
    right = client.post(reverse("second-factor-verify"), {"code": _code(device.key), "next": "/tre-em/"})
    assert right.status_code == 302 and right.url == "/tre-em/"
    assert client.get(reverse("home-officer")).status_code == 200


def test_a_code_is_not_accepted_twice(users):
    device = _device_for(users["chairman"])
    code = _code(device.key)
    first = Client()
    _login(first, "chairman")
    assert first.post(reverse("second-factor-verify"), {"code": code}).status_code == 302
    second = Client()
    _login(second, "chairman")
    assert second.post(reverse("second-factor-verify"), {"code": code}).status_code == 200
    assert second.get(reverse("home-chairman")).status_code == 302


def test_a_role_that_must_use_it_is_sent_to_set_it_up_before_anything_else(users):
    _require(Role.CHAIRMAN)
    client = Client()
    _login(client, "chairman")
    home = client.get(reverse("home-chairman"))
    assert home.url == f"{reverse('second-factor-setup')}?next={reverse('home-chairman')}"
    page = client.get(home.url)
    content = page.content.decode()
    assert "bắt buộc dùng xác thực hai bước" in content
    assert "<svg" in content and "otpauth://totp/" in content
    key = client.session["second_factor_pending_key"]
    secret = re.search(r"<code[^>]*data-secret>([A-Z2-7 ]+)</code>", content).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == bytes.fromhex(key)
    assert "Tắt xác thực hai bước" not in content

    assert client.post(home.url, {"code": "123"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=users["chairman"]).exists()
    done = client.post(home.url, {"code": _code(key), "next": reverse("home-chairman")})
    assert done.status_code == 302 and done.url == reverse("home-chairman")
    assert TOTPDevice.objects.get(user=users["chairman"]).confirmed
    assert client.get(reverse("home-chairman")).status_code == 200

    # The next log-in asks for a code.
    again = Client()
    _login(again, "chairman")
    assert again.get(reverse("home-chairman")).url.startswith(reverse("second-factor-verify"))


def test_the_admin_site_itself_waits_for_the_admins_second_factor(users):
    _require(Role.ADMIN)
    client = Client()
    _login(client, "admin")
    assert client.get("/quan-tri/").url.startswith(reverse("second-factor-setup"))


def test_roles_not_required_pass_and_may_turn_it_on_and_off(users):
    _require(Role.CHAIRMAN)
    client = Client()
    _login(client, "ctv-a")
    assert client.get(reverse("home-collaborator")).status_code == 200
    page = client.get(reverse("second-factor-setup")).content.decode()
    assert "bắt buộc" not in page
    key = client.session["second_factor_pending_key"]
    assert client.post(reverse("second-factor-setup"), {"code": _code(key)}).status_code == 302
    assert "Tắt xác thực hai bước" in client.get(reverse("second-factor-setup")).content.decode()
    client.post(reverse("second-factor-setup"), {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=users["ctv_a"]).exists()


def test_a_required_role_cannot_turn_it_off(users):
    _require(Role.OFFICER)
    device = _device_for(users["officer"])
    client = Client()
    _login(client, "officer")
    client.post(reverse("second-factor-verify"), {"code": _code(device.key)})
    client.post(reverse("second-factor-setup"), {"action": "remove"})
    assert TOTPDevice.objects.filter(user=users["officer"]).exists()


def test_the_admin_requires_it_for_a_role_and_removes_a_lost_device(users, client_for):
    admin = client_for(users["admin"])
    for role in Role.values:
        SecondFactorRequirement.objects.get_or_create(role=role)
    rows = list(SecondFactorRequirement.objects.order_by("pk"))
    changelist = reverse("admin:tanloi_portal_secondfactorrequirement_changelist")
    assert admin.get(changelist).status_code == 200
    form = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Lưu"}
    for i, row in enumerate(rows):
        form[f"form-{i}-id"] = row.pk
        if row.role in (Role.OFFICER, Role.CHAIRMAN, Role.ADMIN):
            form[f"form-{i}-required"] = "on"
    assert admin.post(changelist, form).status_code == 302
    assert set(SecondFactorRequirement.objects.filter(required=True).values_list("role", flat=True)) == {
        Role.OFFICER,
        Role.CHAIRMAN,
        Role.ADMIN,
    }

    _device_for(users["chairman"])
    users_page = reverse("admin:tanloi_portal_user_changelist")
    response = admin.post(
        users_page, {"action": "remove_second_factor", "_selected_action": [users["chairman"].pk]}, follow=True
    )
    assert "Đã xóa thiết bị xác thực hai bước của 1 người dùng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=users["chairman"]).exists()
    # The chairman's next log-in asks for a new set-up.
    client = Client()
    _login(client, "chairman")
    assert client.get(reverse("home-chairman")).url.startswith(reverse("second-factor-setup"))


def test_the_second_factor_pages_have_no_inline_script_or_style(users):
    _require(Role.CHAIRMAN)
    _device_for(users["officer"])
    setting_up, verifying = Client(), Client()
    _login(setting_up, "chairman")
    _login(verifying, "officer")
    for page in (setting_up.get(reverse("second-factor-setup")), verifying.get(reverse("second-factor-verify"))):
        assert page.status_code == 200
        content = page.content.decode()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", content) == []
        assert " style=" not in content and "<style" not in content
