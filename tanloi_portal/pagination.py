"""Keyset pagination for the long lists (the children, the cases): "Sau »" and "« Trước" carry the position of
the last (first) row shown, and a page is the rows after (before) it in an order made unique by the primary key.

Where an index holds the order, the database reads a page from an index range: it neither skips every row
before the page (OFFSET) nor counts the whole list (the COUNT(*) a numbered paginator needs on every page), so a
page costs about the same at 5,000 rows as at 500,000. The price: the page knows where it starts and whether
more follow, not how many rows there are in all, unless the whole list fits on its first page.

A list may be made of segments read one after another (the cases with a deadline by deadline, then those
without by number): each is a queryset and the keys it is ordered by, ascending and never NULL there.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone

PAGE_PARAM = "trang"
PAGE_SIZE = 50
# A position or a link longer than any the pages write is not one of theirs: read as the first page.
MAX_POSITION = 10**9
MAX_TOKEN = 2000


@dataclass(frozen=True)
class Key:
    """One column of a segment's order: a field or annotation name, and the field that reads its value back
    from a link (and refuses what the database could not compare: too long, out of range, not a date)."""

    name: str
    field: models.Field


@dataclass(frozen=True)
class Segment:
    rows: QuerySet
    keys: tuple[Key, ...]

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.keys]

    def values_of(self, row) -> list:
        return [getattr(row, k.name) for k in self.keys]


@dataclass(frozen=True)
class Cursor:
    segment: int
    values: tuple
    position: int  # the 1-based position in the list of the row the link leads to (a label only)
    backward: bool


class _Row(Func):
    """(a, b, c): a row value, compared column after column by PostgreSQL and SQLite alike."""

    function = ""
    output_field = models.Field()


def _beyond(names: Sequence[str], values: Sequence, *, backward: bool):
    """Rows after (before) `values` in the ascending order of `names`: (a, b, c) > (x, y, z), which the database
    reads as the start of an index range on (a, b, c), and which names each column once (a column computed per
    row, as a case's next deadline, is computed once)."""
    compare = LessThan if backward else GreaterThan
    return compare(_Row(*(F(name) for name in names)), _Row(*(Value(value) for value in values)))


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode(cursor: Cursor) -> str:
    payload = [cursor.segment, cursor.position, int(cursor.backward), [_plain(v) for v in cursor.values]]
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, segments: Sequence[Segment]) -> Cursor | None:
    """The cursor a link carries, or None (the first page) for anything the pages do not write: a token
    typed or cut short, values the keys' fields refuse."""
    if not token or len(token) > MAX_TOKEN or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        segment, position, backward, values = json.loads(raw)
        keys = segments[segment].keys if isinstance(segment, int) and 0 <= segment < len(segments) else None
        if keys is None or not isinstance(values, list) or len(values) != len(keys):
            return None
        if any(not isinstance(v, str | int) or isinstance(v, bool) or "\x00" in str(v) for v in values):
            return None
        typed = tuple(k.field.to_python(v) for k, v in zip(keys, values, strict=True))
        for key, value in zip(keys, typed, strict=True):
            key.field.run_validators(value)  # lengths, the integers' range
    except (binascii.Error, ValueError, TypeError, ValidationError, OverflowError):
        return None
    if any(isinstance(v, datetime) and timezone.is_naive(v) for v in typed):
        return None
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= MAX_POSITION:
        position = 1
    return Cursor(segment, typed, position, bool(backward))


@dataclass
class KeysetPage:
    object_list: list
    start: int  # the position of the first row, 1-based
    has_next: bool
    has_previous: bool
    next_token: str
    previous_token: str
    # The number of rows in the whole list when the page knows it without counting (the whole list is here).
    total: int | None

    @property
    def end(self) -> int:
        return self.start + len(self.object_list) - 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def map(self, make) -> "KeysetPage":
        """The same page with each row made into something else (no query)."""
        self.object_list = [make(row) for row in self.object_list]
        return self


def _read(segments: Sequence[Segment], cursor: Cursor | None, wanted: int) -> list[tuple[int, object]]:
    """Up to `wanted` rows from the cursor on (or back from it), as (segment, row), nearest first."""
    found: list[tuple[int, object]] = []
    backward = bool(cursor and cursor.backward)
    if cursor is None:
        order = range(len(segments))
    elif backward:
        order = range(cursor.segment, -1, -1)
    else:
        order = range(cursor.segment, len(segments))
    for index in order:
        segment = segments[index]
        rows = segment.rows
        if cursor is not None and index == cursor.segment:
            rows = rows.filter(_beyond(segment.names, cursor.values, backward=backward))
        names = [f"-{n}" for n in segment.names] if backward else segment.names
        found += [(index, row) for row in rows.order_by(*names)[: wanted - len(found)]]
        if len(found) >= wanted:
            break
    return found


def keyset_page(segments: Sequence[Segment], *, token: str = "", size: int | None = None) -> KeysetPage:
    """The page a link asks for (`token`, from the PAGE_PARAM of the query string; the first page without), of
    `size` rows (PAGE_SIZE by default)."""
    size = size or PAGE_SIZE
    cursor = decode(token, segments)
    if cursor is not None and cursor.backward:
        found = _read(segments, cursor, size + 1)
        if len(found) <= size:
            # Back at the beginning: the first page as it is, full.
            return keyset_page(segments, size=size)
        found = found[:size][::-1]
        start, has_previous, has_next = max(1, cursor.position - size), True, True
    else:
        found = _read(segments, cursor, size + 1)
        has_next = len(found) > size
        found = found[:size]
        start, has_previous = (cursor.position, True) if cursor else (1, False)
    rows = [row for _index, row in found]
    next_token = previous_token = ""
    if found and has_next:
        index, row = found[-1]
        next_token = encode(Cursor(index, tuple(segments[index].values_of(row)), start + len(rows), False))
    if found and has_previous:
        index, row = found[0]
        previous_token = encode(Cursor(index, tuple(segments[index].values_of(row)), start, True))
    total = len(rows) if cursor is None and not has_next else None
    return KeysetPage(rows, start, has_next, has_previous, next_token, previous_token, total)


def query_without_page(params, *also: str) -> str:
    """The query string of a list without its page (and `also`), for the links that keep its filters."""
    params = params.copy()
    for name in (PAGE_PARAM, "page", *also):
        params.pop(name, None)
    return params.urlencode()
