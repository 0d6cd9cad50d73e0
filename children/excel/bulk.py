"""Inserting many new records of plain values at once, without a model object per record.

bulk_create needs a model instance per row and prepares every value of every row through its field: for an
import of 50,000 children and their households and registrations that is most of the write's time. The import
already holds each row's values as the database takes them (str, int, date, bool, None), so they are sent as
they are; the columns the import does not set take their field's default (now for auto_now and auto_now_add),
prepared once for all the rows.

PostgreSQL: the primary keys are taken from the table's sequence first (one query), then the rows are sent
with COPY, which PostgreSQL reads far faster than INSERT. Elsewhere (SQLite): multi-row INSERT ... RETURNING,
as many rows per statement as the variables allowed, as bulk_create does.
"""

import io
from collections.abc import Sequence
from datetime import date, datetime

from django.db import connection
from django.db.models import Model
from django.utils import timezone

COPY_SPECIALS = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _defaults(model: type[Model], fields: Sequence[str]) -> list[tuple[str, object]]:
    """(column, value prepared for the database) of every column `fields` leave out, but the primary key."""
    now = timezone.now()
    given = set(fields)
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or field.name in given:
            continue
        value = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else None
        if value is None:
            value = field.get_default()
        columns.append((field.column, field.get_db_prep_save(value, connection)))
    return columns


def insert(model: type[Model], fields: Sequence[str], rows: Sequence[tuple]) -> list[int]:
    """Insert one record of `model` per row (the values of `fields`, by attribute name: "household_id");
    return their primary keys, in the rows' order."""
    if not rows:
        return []
    opts = model._meta
    columns = [opts.get_field(f).column for f in fields]
    defaults = _defaults(model, fields)
    columns += [column for column, _value in defaults]
    constants = tuple(value for _column, value in defaults)
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows, constants)
    return _insert_returning(model, columns, rows, constants)


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(COPY_SPECIALS)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _copy(model, columns: list[str], rows: Sequence[tuple], constants: tuple) -> list[int]:
    opts, quote = model._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(opts.db_table), opts.pk.column, len(rows)],
        )
        pks = sorted(pk for (pk,) in cursor.fetchall())
        tail = "".join("\t" + _copy_text(v) for v in constants) + "\n"
        text = io.StringIO()
        write = text.write
        for pk, row in zip(pks, rows, strict=True):
            write(f"{pk}\t" + "\t".join([_copy_text(v) for v in row]) + tail)
        text.seek(0)
        listed = ", ".join(quote(c) for c in (opts.pk.column, *columns))
        cursor.copy_expert(f"COPY {quote(opts.db_table)} ({listed}) FROM STDIN", text)
    return pks


def _insert_returning(model, columns: list[str], rows: Sequence[tuple], constants: tuple) -> list[int]:
    opts, quote = model._meta, connection.ops.quote_name
    width = len(columns)
    per_statement = max(1, min(2000, connection.features.max_query_params // width))
    listed = ", ".join(quote(c) for c in columns)
    one = "(" + ", ".join(["%s"] * width) + ")"
    pks: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params = [value for row in batch for value in (*row, *constants)]
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({listed}) VALUES {', '.join([one] * len(batch))} "
                f"RETURNING {quote(opts.pk.column)}",
                params,
            )
            pks.extend(pk for (pk,) in cursor.fetchall())
    return pks
