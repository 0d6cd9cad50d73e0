"""Rows written in bulk, for loads too large for the ORM (the demo data set of a province: millions of rows).

A load gives plain tuples of column values; they go straight to the table, by COPY on PostgreSQL
(psycopg2's copy_expert, or psycopg 3's copy) and by executemany elsewhere, each with its historical record
("+", created, as django-simple-history's bulk_create_with_history writes it) for the models that keep one.
No model is instantiated, no field is cleaned and no signal is sent (neither does bulk_create): the caller
writes only rows it built valid, and says itself what they change (indicators.freshness marks).

Primary keys are taken from the table's own sequence first (`reserve_ids`), so that a load can refer to the
rows it has just written (a child's facts to the child) without reading them back.
"""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum

from django.db import connection as default_connection
from django.db import models
from django.utils import timezone

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES) if _SPECIAL.search(value) else value
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, Enum):  # a model's choice (TextChoices, IntegerChoices)
        return _copy_text(value.value)
    return str(value)  # int, Decimal, date, aware datetime: PostgreSQL reads them as str() writes them


def reserve_ids(model: type[models.Model], count: int, *, connection=default_connection) -> list[int]:
    """`count` primary keys of the model's table that no other row has or will get."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # From the table's sequence itself, so that concurrent inserts never take them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"reserve_ids: {connection.vendor}")
        # SQLite: past the largest key ever given (the tables are AUTOINCREMENT), then moved past them.
        quote = connection.ops.quote_name
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")
        first = max(row[0] if row else 0, cursor.fetchone()[0] or 0) + 1
        last = first + count - 1
        if row:
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last, table])
        else:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])
    return list(range(first, last + 1))


class BulkTable:
    """Writes rows of one model: `columns` are the attribute names (``child_id``, ``given_on``) of the values in
    each row, in order; every other column takes its field's default (created_at and updated_at: `now`; a
    nullable field without a default: NULL). A model with a history gets a "+" record per row, dated `now`,
    naming `history_user_id` (or nobody); its rows must then carry their primary key (`reserve_ids`)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime | None = None,
                 history_user_id: int | None = None, connection=default_connection):  # fmt: skip
        self.model, self.connection = model, connection
        self.now = now or timezone.now()
        self.history_user_id = history_user_id  # who the historical records name (None: nobody)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
        self.columns = list(columns)
        self.fields = [fields[c] for c in self.columns]
        self.constants = {}  # the columns not given, with the value every row takes
        for attname, field in fields.items():
            if attname in self.columns or field.primary_key:
                continue
            self.constants[attname] = self._constant(field)
        history = getattr(model, "history", None)
        self.history = history.model if history is not None else None
        if self.history is not None and model._meta.pk.attname not in self.columns:
            raise ValueError(f"{model.__name__} keeps a history: give each row its primary key (reserve_ids)")
        if self.history is not None and {f.attname for f in self.history.tracked_fields} != set(fields):
            # Its record is the row itself plus the history's own columns: not so with excluded fields.
            raise ValueError(f"{model.__name__}: its history does not keep every column")
        self.written = 0

    def _constant(self, field: models.Field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.empty_strings_allowed:  # a text field left blank, as the ORM saves it
            return ""
        raise ValueError(f"{self.model.__name__}.{field.attname} has no default: give it in every row")

    def write(self, rows: Sequence[tuple]) -> int:
        """Insert the rows (and their history); returns how many."""
        if not rows:
            return 0
        if self.connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert(rows)
        self.written += len(rows)
        return len(rows)

    # --- PostgreSQL: COPY ... FROM STDIN ----------------------------------------------------------------

    def _copy(self, rows: Sequence[tuple]) -> None:
        meta = self.model._meta
        names = [f.column for f in self.fields] + [meta.get_field(a).column for a in self.constants]
        suffix = "".join("\t" + _copy_text(v) for v in self.constants.values())
        lines = ["\t".join(map(_copy_text, row)) + suffix for row in rows]
        self._copy_lines(meta.db_table, names, lines)
        if self.history is not None:
            history_suffix = f"\t{_copy_text(self.now)}\t\\N\t+\t{_copy_text(self.history_user_id)}"
            history_names = [*names, "history_date", "history_change_reason", "history_type", "history_user_id"]
            self._copy_lines(self.history._meta.db_table, history_names, [line + history_suffix for line in lines])

    def _copy_lines(self, table: str, names: list[str], lines: list[str]) -> None:
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN"
        data = "\n".join(lines) + "\n"
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            if hasattr(raw, "copy_expert"):  # psycopg2
                raw.copy_expert(sql, io.StringIO(data))
            else:  # psycopg 3
                with raw.copy(sql) as copy:
                    copy.write(data)

    # --- elsewhere (SQLite): executemany ------------------------------------------------------------------

    def _insert(self, rows: Sequence[tuple]) -> None:
        meta = self.model._meta
        constants = tuple(self._plain(v) for v in self.constants.values())
        names = [f.column for f in self.fields] + [meta.get_field(a).column for a in self.constants]
        values = [tuple(map(self._plain, row)) + constants for row in rows]
        self._executemany(meta.db_table, names, values)
        if self.history is not None:
            extra = (self._plain(self.now), None, "+", self.history_user_id)
            history_names = [*names, "history_date", "history_change_reason", "history_type", "history_user_id"]
            self._executemany(self.history._meta.db_table, history_names, [v + extra for v in values])

    def _plain(self, value):
        """A value as the backend stores it, where its driver would not (Django's own conversions)."""
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, datetime):
            return self.connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, Decimal):
            return str(value)
        return value

    def _executemany(self, table: str, names: list[str], values: list[tuple]) -> None:
        quote = self.connection.ops.quote_name
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {quote(table)} ({', '.join(map(quote, names))}) VALUES ({marks})"
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, values)


def write_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple], **options) -> int:
    """One BulkTable's write, for a single batch."""
    return BulkTable(model, columns, **options).write(list(rows))
