"""Log-out, the idle-session ping and the second factor's pages."""

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from tanloi_portal.access import allow_any_user, public
from tanloi_portal.idle import keepalive_endpoint, seconds_left


@public
class PortalLogoutView(LogoutView):
    """Log-out also empties this browser's storage for the portal: the collaborators' unsent drafts (a safety
    concern typed on a shared phone) and cached pages. static/js/session.js clears the drafts too, for a browser
    that ignores the header (Clear-Site-Data is honoured over HTTPS and on localhost only)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@allow_any_user
@keepalive_endpoint
@require_POST
def keepalive(request):
    """The idle warning's "stay signed in": the middleware has recorded the activity; say how long it holds."""
    return JsonResponse({"left": seconds_left(request), "timeout": settings.IDLE_TIMEOUT_SECONDS})
