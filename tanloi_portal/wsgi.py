import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanloi_portal.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)

if not settings.SECRET_KEY_CONFIGURED:
    # A random per-process key would silently log everyone out and break every signed link between workers.
    raise ImproperlyConfigured("Đặt SECRET_KEY hoặc SECRET_KEY_FILE khi DEBUG tắt.")
