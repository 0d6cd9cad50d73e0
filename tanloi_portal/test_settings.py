"""Settings for the test suite: the real settings, plus a development secret and a fast password hasher."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TESTING", "true")

from tanloi_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["loggers"]["tanloi_portal.access"]["level"] = "CRITICAL"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not the shared in-memory database: its table locks would fail concurrent writers at once,
    # where a real SQLite file makes them wait (tests/children/test_concurrent_review.py).
    # TEST_SQLITE_NAME lets two runs on one machine keep apart.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME") or str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"  # noqa: F405

PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="tanloi-private-"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},  # noqa: F405
    }
}
# Tasks run in the caller, at once (the countdown of the debounced recompute is ignored).
CELERY_TASK_ALWAYS_EAGER = True
SMS_BACKEND = "tanloi_portal.sms.LocmemBackend"
# With tasks run in the caller, every save would recompute at once: tests that want it turn it on.
FIGURES_AUTO_REFRESH = False

# A second database alias standing for the replica: the test database itself (a mirror), so that the tests that
# declare it (databases=["default", "replica"], tests/test_replica.py) see the router send reads there. Off
# for every other test, which declares only "default".
if "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
READ_FROM_REPLICA = False
