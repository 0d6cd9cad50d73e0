"""Signals the indicators app sends for changes that bypass model signals (bulk writes).

`figures_changed(sender, communes=)`: after a commit that changed what the communes' figures show (computed
values stored or told their new time, figures marked stale or their marks removed); `communes` the ids of the
communes whose figures changed. The reports app listens (reports/dashboard_cache.py) and forgets their cached
dashboards.
"""

from django.db import transaction
from django.dispatch import Signal

figures_changed = Signal()


def send_figures_changed(communes) -> None:
    """Tell the listeners once the current transaction commits (at once outside one)."""
    ids = frozenset(communes)
    if ids:
        transaction.on_commit(lambda: figures_changed.send(sender=figures_changed, communes=ids))
