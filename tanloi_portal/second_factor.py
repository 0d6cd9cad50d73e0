"""The optional second factor: a six-digit code from an authenticator app (TOTP, django-otp).

Who must use it: the roles the admin ticks in "Yêu cầu xác thực hai bước" (SecondFactorRequirement); anyone else
may turn it on from the user menu. After the password:
- a user with a confirmed device owes its code (VERIFY), asked on `second-factor-verify`;
- a user whose role requires it and who has no device owes a set-up (SETUP) on `second-factor-setup`, which shows
  the secret as a QR code and as text, and confirms it with a first code;
- nobody else owes anything (DONE).
What is owed is worked out at log-in and kept in the session, so that pages cost no query; the middleware sends
a user who owes something to its page before any other (public pages and the pages marked `before_second_factor`
excepted). A user who lost the phone asks the admin, who removes the device (user admin: "Xóa thiết bị xác thực
hai bước"); the next log-in asks for a new set-up if the role requires one.
"""

import time
from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from tanloi_portal.access import rule_for
from tanloi_portal.models import SecondFactorRequirement

SESSION_KEY = "second_factor"
PENDING_KEY = "second_factor_pending_key"
DONE, VERIFY, SETUP = "done", "verify", "setup"


def before_second_factor(view):
    """Marks a view a user may open while the second factor is still owed (its own pages, the idle ping)."""
    view.before_second_factor = True
    return view


def is_required_for(user) -> bool:
    return SecondFactorRequirement.objects.filter(role=user.role, required=True).exists()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def owed(user) -> str:
    if confirmed_device(user) is not None:
        return VERIFY
    return SETUP if is_required_for(user) else DONE


@receiver(user_logged_in)
def ask_for_the_second_factor(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = owed(user)


def state(request) -> str:
    """What the signed-in user still owes; worked out once for a session made before this was kept."""
    value = request.session.get(SESSION_KEY)
    if value is None:
        value = request.session[SESSION_KEY] = owed(request.user)
    if value == VERIFY and request.user.is_verified():
        value = request.session[SESSION_KEY] = DONE
    return value


def mark_done(request, device: TOTPDevice) -> None:
    otp_login(request, device)
    # The session is worth more now: give it a new key, as a log-in does.
    request.session.cycle_key()
    request.session[SESSION_KEY] = DONE


class SecondFactorMiddleware(MiddlewareMixin):
    """After the authentication, OTP and idle middleware; before the access checks."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        rule = rule_for(view_func, match.namespace if match else "")
        if (rule is not None and rule.public) or getattr(view_func, "before_second_factor", False):
            return None
        owes = state(request)
        if owes == DONE:
            return None
        page = "second-factor-verify" if owes == VERIFY else "second-factor-setup"
        return redirect_to_login(request.get_full_path(), reverse(page))


# --- set-up: the secret waits in the session until a first code confirms it ----------------------------------


def pending_key(request) -> str:
    key = request.session.get(PENDING_KEY)
    if key is None:
        key = request.session[PENDING_KEY] = random_hex(20)
    return key


def pending_device(request) -> TOTPDevice:
    """The device being set up, unsaved: for its otpauth:// address and secret."""
    return TOTPDevice(user=request.user, key=pending_key(request), name="Ứng dụng xác thực", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(unhexlify(device.key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def second_factor_confirm(*, request, token: str) -> TOTPDevice | None:
    """The first code from the app: right, and the device is saved, confirmed and this session verified."""
    device = pending_device(request)
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    token = token.strip().replace(" ", "")
    if not token.isdigit() or not totp.verify(int(token), device.tolerance):
        return None
    device.confirmed = True
    device.last_t = totp.t()  # the same code is not accepted twice
    device.full_clean()
    device.save()
    # One device per user: a new set-up replaces the old one.
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    del request.session[PENDING_KEY]
    mark_done(request, device)
    return device


@transaction.atomic
def second_factor_verify(*, request, token: str) -> TOTPDevice | None:
    """A code after the password, checked with django-otp's throttling (each wrong code doubles the wait)."""
    device = TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True).first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return None
    mark_done(request, device)
    return device


def second_factor_remove(*, user) -> int:
    """The device is lost or the user turns the second factor off. Returns the devices removed."""
    return TOTPDevice.objects.filter(user=user).delete()[0]
