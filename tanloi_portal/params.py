"""Query-string parameters shared by several pages."""

from django.utils import timezone


def year_param(request, *, first: int = 2015) -> int:
    """The year asked for (?nam=), between `first` and this year; anything else is this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("nam") or this_year)
    except (ValueError, OverflowError):
        return this_year
    return year if first <= year <= this_year else this_year
