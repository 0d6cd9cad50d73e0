import re

from django.conf import settings
from django.http import HttpResponseBadRequest, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

# Control characters no one types: C0 except tab, line feed and carriage return. They are legal in the
# database but not in the XML of an Excel export.
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
NUL = "\x00"


def chosen_language(request) -> str:
    """The language chosen with the language switch (a cookie), else Vietnamese."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many officers' phones and
    computers are set to English: the portal must still open in Vietnamese for them.
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


def _without_control_characters(data: QueryDict) -> QueryDict:
    if not any(CONTROL.search(key) or any(CONTROL.search(v) for v in values) for key, values in data.lists()):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(CONTROL.sub("", key), [CONTROL.sub("", v) for v in values])
    cleaned._mutable = False
    return cleaned


def _body_checked_here(request) -> bool:
    """A form body small enough to read here. A larger multipart body (an attachment) is left to its view,
    which refuses an oversized file before reading it; its text fields are Django form fields, which
    refuse a NUL themselves."""
    if request.content_type == "application/x-www-form-urlencoded":
        return True
    if request.content_type != "multipart/form-data":
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE


class HostileInputMiddleware:
    """A NUL byte in the path, the query string, a form field or a header is refused with a 400: PostgreSQL
    cannot store or compare text holding one, and no browser sends it. Other control characters are taken
    out of query and form values; a cookie holding any of them is ignored (the session cookie is looked up
    in the database)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, value in request.COOKIES.items() if NUL in value or CONTROL.search(value)]:
            del request.COOKIES[name]
        if self._refused(request):
            with translation.override(chosen_language(request)):
                return HttpResponseBadRequest(render_to_string("400_input.html"))
        request.GET = _without_control_characters(request.GET)
        if request.method == "POST" and _body_checked_here(request):
            request.POST = _without_control_characters(request.POST)
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        if NUL in request.path_info or _has_nul(request.GET):
            return True
        headers = (v for k, v in request.META.items() if k.startswith("HTTP_") and k != "HTTP_COOKIE")
        if any(isinstance(value, str) and NUL in value for value in headers):
            return True
        if request.method == "POST" and _body_checked_here(request):
            return _has_nul(request.POST) or any(NUL in (f.name or "") for f in request.FILES.values())
        return False
