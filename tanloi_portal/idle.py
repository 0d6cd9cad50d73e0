"""Ending idle sessions: a phone or a shared office computer left signed in must not stay open on children's data.

The session keeps the time of its last request. A request after more than IDLE_TIMEOUT_SECONDS of silence
logs the user out and goes to the log-in page, which says why; the page asked for is kept as `next`. The page
itself warns IDLE_WARNING_SECONDS before (static/js/session.js, told the time left through <body data-...>), and
its "stay signed in" button pings `keepalive`, as typing in a long form does now and then.

The last activity is written at most once a minute (TOUCH_EVERY), so that pages do not write the session on
every request; the time left given to the page is counted from that write, so the page never promises more than
the server keeps. SESSION_COOKIE_AGE stays an absolute limit counted from the log-in: those writes would
otherwise push the session's expiry forward.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import ngettext

LAST_ACTIVITY = "last_activity"
TOUCH_EVERY = 60


def keepalive_endpoint(view):
    """Marks the view whose only purpose is to say "still here": it always records the activity."""
    view.idle_keepalive = True
    return view


def _now() -> int:
    return int(time.time())


def seconds_left(request) -> int:
    last = request.session.get(LAST_ACTIVITY, _now())
    return max(0, settings.IDLE_TIMEOUT_SECONDS - (_now() - last))


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    session[LAST_ACTIVITY] = _now()
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))


class IdleTimeoutMiddleware(MiddlewareMixin):
    """After the authentication and messages middleware; before the access checks, so an idle session ends first."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        now = _now()
        last = request.session.get(LAST_ACTIVITY)
        if last is not None and now - last > settings.IDLE_TIMEOUT_SECONDS:
            return self._expire(request, keepalive=getattr(view_func, "idle_keepalive", False))
        # A timeout of a few minutes (tests, a stricter deployment) gets a finer record of the activity.
        touch_every = min(TOUCH_EVERY, settings.IDLE_TIMEOUT_SECONDS // 10)
        if last is None or now - last >= touch_every or getattr(view_func, "idle_keepalive", False):
            request.session[LAST_ACTIVITY] = now
        return None

    def _expire(self, request, *, keepalive: bool):
        # Back to the page after logging in again; a form sent after the timeout comes back empty (not re-sent).
        path = request.get_full_path() if request.method == "GET" else request.path
        logout(request)
        minutes = max(1, settings.IDLE_TIMEOUT_SECONDS // 60)
        messages.info(
            request,
            ngettext(
                "Phiên làm việc đã kết thúc vì không có thao tác nào trong %(minutes)d phút. Vui lòng đăng nhập lại.",
                "Phiên làm việc đã kết thúc vì không có thao tác nào trong %(minutes)d phút. Vui lòng đăng nhập lại.",
                minutes,
            )
            % {"minutes": minutes},
        )
        login_url = resolve_url(settings.LOGIN_URL)
        if keepalive:
            # The page's script goes to the log-in page itself; the message waits there, unread.
            return JsonResponse({"expired": True, "login_url": login_url}, status=401)
        response = redirect_to_login(path, login_url)
        if request.headers.get("HX-Request"):
            # htmx would put the log-in page inside the fragment it polls: have it load the whole page.
            htmx = HttpResponse(status=204)
            htmx["HX-Redirect"] = response.url
            return htmx
        return response


def idle_timeout(request) -> dict:
    """Context processor: what <body> tells static/js/session.js."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "idle_timeout": {
            "left": seconds_left(request),
            "warning": settings.IDLE_WARNING_SECONDS,
            "timeout": settings.IDLE_TIMEOUT_SECONDS,
        }
    }
