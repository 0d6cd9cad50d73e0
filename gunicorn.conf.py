"""gunicorn's settings for the portal (`make serve`, docs/deploy.md): several worker processes, each a
separate Django, behind nginx. Environment: PORTAL_ADDRESS (127.0.0.1:8000), GUNICORN_WORKERS (2 x cores + 1,
at most 8), GUNICORN_TIMEOUT (60 s)."""

import multiprocessing
import os

bind = os.environ.get("PORTAL_ADDRESS", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
# A report PDF or a large page can take seconds; anything longer is better killed than left hanging.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, so they do not all restart at once): a slow
# leak in a library cannot grow for ever.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The client's address for the access log comes from the proxy's header (TRUSTED_PROXY_COUNT), not from here.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
