"""What /healthz checks: the parts every page needs (the database, the cache, the built static files)."""

import logging
import uuid

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

# A file every page links to: if it cannot be served, no page can.
PROBE_STATIC = "css/portal.css"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache does not keep what it is given")
    cache.delete(key)


def _static() -> None:
    if settings.WHITENOISE_USE_FINDERS:
        if not finders.find(PROBE_STATIC):
            raise RuntimeError(f"{PROBE_STATIC} not found")
        return
    # With the manifest storage, stored_name raises when collectstatic has not been run (the manifest is
    # missing or lacks the file), exactly as every page's {% static %} would.
    name = staticfiles_storage.stored_name(PROBE_STATIC)
    if not staticfiles_storage.exists(name):
        raise RuntimeError(f"{name} is in the manifest but not in STATIC_ROOT")


CHECKS = {"database": _database, "cache": _cache, "static": _static}


def health() -> dict[str, str]:
    """{part: "ok" or the reason it failed}; each failure is logged with its traceback."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.exception("Health check %s failed", name)
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results
