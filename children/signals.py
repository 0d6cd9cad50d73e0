"""Signals the registry sends for changes that bypass model signals (bulk writes: the Excel import).

`registry_changed(sender, commune=, hamlets=, first_year=)`: records of the commune changed; `hamlets` is the
hamlets touched (None: any of them), `first_year` the earliest year whose figures the change can move (None:
every year of the plan). Or `registry_changed(sender, child_id=, first_year=)`: records of one child.
The indicators app listens (indicators/freshness.py) and marks those figures stale.
"""

from django.dispatch import Signal

registry_changed = Signal()
