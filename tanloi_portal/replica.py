"""Reads that may go to a read replica (DATABASE_REPLICA_URL, docs/deploy.md): the dashboards, the documents
and the workbook for the level above read a great deal and write nothing the same request reads back. Inside
`replica_reads()` (or a view wrapped in `on_replica`) the router sends reads to the "replica" database when one
is configured; writes, and reads that lock rows (select_for_update), always go to the primary. Without a
replica everything reads the primary, as before."""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "READ_FROM_REPLICA", True)


@contextmanager
def replica_reads():
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def on_replica(view):
    """A read-only view whose reads go to the replica. Its access rule (tanloi_portal.access) is kept."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is the primary's copy: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
