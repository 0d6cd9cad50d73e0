"""Base views: the landing redirect to each role's home page (reports/), the help page of each role, the health check,
the language switch."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.i18n import set_language

from tanloi_portal.access import allow_any_user, public
from tanloi_portal.health import health
from tanloi_portal.roles import home_url_for


@allow_any_user
def home(request):
    return redirect(home_url_for(request.user))


@public
def healthz(request):
    """200 when the database, the cache and the static files all answer, else 503, with each part's state."""
    results = health()
    status = 200 if all(v == "ok" for v in results.values()) else 503
    return JsonResponse({"status": "ok" if status == 200 else "error", **results}, status=status)


@public
def set_language_view(request):
    """Switch between Vietnamese and English; open to anonymous visitors (the log-in page has the switch)."""
    return set_language(request)


@allow_any_user
def help_view(request):
    """What each role does on the portal, in plain words: a page per role (templates/help/)."""
    return render(request, f"help/{request.user.role}.html")
