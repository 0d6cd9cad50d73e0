"""Uploads refused by their declared length, before anything reads the body.

Django reads a multipart body as soon as something asks for request.POST or request.FILES, writing a large
file to a temporary file as it goes, and CsrfViewMiddleware asks on every POST (for the form's token) before
the view runs: a check in the view comes too late. A view taking a file declares its limit with
``@body_limit(...)``; ``BodyLimitMiddleware``, placed before CsrfViewMiddleware, answers a POST whose
Content-Length is over it with the page it came from and the limit named, without reading the body.
A body sent without a Content-Length is not read by Django at all (it is taken as empty).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.deprecation import MiddlewareMixin

# Room for the form's other fields and the multipart boundaries around the file.
FORM_ROOM = 64 * 1024


@dataclass(frozen=True)
class BodyLimit:
    max_file_bytes: Callable[[], int]  # read on each request: the limit may come from a setting
    message: Callable[[], str]


def body_limit(*, max_file_bytes: Callable[[], int], message: Callable[[], str]) -> Callable:
    """Decorator: a POST declaring more than max_file_bytes() (+ FORM_ROOM) is refused with message()."""

    def mark(view):
        view.body_limit = BodyLimit(max_file_bytes=max_file_bytes, message=message)
        return view

    return mark


def declared_length(request) -> int:
    """The request's Content-Length; 0 when missing or not a number (Django then reads nothing)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_too_large(request, max_file_bytes: int) -> bool:
    return declared_length(request) > max_file_bytes + FORM_ROOM


class BodyLimitMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "body_limit", None)
        if limit is None or request.method != "POST" or not body_too_large(request, limit.max_file_bytes()):
            return None
        # Back to the form (a GET), where the message is shown; the access rule applies to that GET as usual.
        messages.error(request, limit.message())
        return redirect(request.get_full_path())
