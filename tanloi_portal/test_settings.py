"""Settings for the test suite: the real settings, plus a development secret and a fast password hasher."""

import os

os.environ.setdefault("TESTING", "true")

from tanloi_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["loggers"]["tanloi_portal.access"]["level"] = "CRITICAL"  # noqa: F405
