"""Writing history rows for many new records at once, in the database.

django-simple-history's bulk helper builds a Python object per history row, which doubles the cost of a
large import. Rows that were just inserted can instead be copied into their history table by one
INSERT ... SELECT per batch: the same rows, written by the database (SQLite and PostgreSQL alike).
"""

from django.db import connection
from django.utils import timezone

HISTORY_ONLY = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def record_creations(model, pks: list[int], *, by, reason: str, batch: int = 900) -> None:
    history = model.history.model
    quote = connection.ops.quote_name
    columns = [f.column for f in history._meta.concrete_fields if f.name not in HISTORY_ONLY]
    listed = ", ".join(quote(c) for c in columns)
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(pks), batch):
            chunk = pks[start : start + batch]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "
                f"({listed}, history_date, history_change_reason, history_type, history_user_id) "
                f"SELECT {listed}, %s, %s, '+', %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({marks})",
                [now, reason, by.pk if by else None, *chunk],
            )
