"""A URL configuration with a view that declares no access rule, to prove the middleware refuses it."""

from django.http import HttpResponse
from django.urls import include, path


def undeclared(request):
    return HttpResponse("should never be served")


urlpatterns = [
    path("undeclared/", undeclared, name="undeclared"),
    path("", include("tanloi_portal.urls")),
]
