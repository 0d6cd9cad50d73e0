"""The notices page: what waits for the user (reports/notices.py)."""

from django.shortcuts import render

from reports.notices import notices_of
from tanloi_portal.access import allow_any_user


@allow_any_user
def notices_view(request):
    return render(request, "reports/notices.html", {"notices": notices_of(request)})
