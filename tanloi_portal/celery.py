"""The portal's task worker: Celery with Redis as its broker.

Everything slow or that must outlive a request runs here: recomputing the figures after a change (debounced),
the nightly recompute, Excel imports and exports. Start it with `celery -A tanloi_portal worker --beat`
(`make run` does, beside the web server). Settings are the Django settings prefixed CELERY_.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.settings")

app = Celery("tanloi_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
