"""Query-string parameters shared by several pages."""

from django.utils import timezone

# The largest id the database holds (BigAutoField: a signed 64-bit integer on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1


def positive_id(value) -> int | None:
    """An id typed into a URL or a form (?tre=12): ASCII digits naming an id the database can hold, else None.

    Not str.isdigit(), which takes "²" and "١٢" that int() then refuses, and not a bare int(), which takes
    "-1", " 7" and 25 digits that overflow the database's integers."""
    text = value if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_param(request, name: str) -> int | None:
    """A positive id from the query string (?name=), or None when absent or not a usable id."""
    return positive_id(request.GET.get(name))


def year_param(request, *, first: int = 2015) -> int:
    """The year asked for (?nam=), between `first` and this year; anything else is this year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("nam") or this_year)
    except (ValueError, OverflowError):
        return this_year
    return year if first <= year <= this_year else this_year
