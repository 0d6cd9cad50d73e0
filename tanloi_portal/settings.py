"""Settings for tanloi_portal, read from the environment (django-environ).

Safe defaults for local use: a SQLite file in the project folder, DEBUG off unless asked for, and a
development secret key that is only accepted while DEBUG is on.
"""

import warnings
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.management.utils import get_random_secret_key
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py is optional; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> tuple[str, bool]:
    """(key, configured). Without a configured key outside DEBUG, management commands that never sign
    anything (migrate, makemigrations, compilemessages) still run; serving refuses (tanloi_portal/wsgi.py)."""
    path = env.str("SECRET_KEY_FILE", default="")
    if path:
        return Path(path).read_text(encoding="utf-8").strip(), True
    key = env.str("SECRET_KEY", default="")
    if key:
        return key, True
    if DEBUG or env.bool("TESTING", default=False):
        return "insecure-development-key-only-for-debug-and-tests", True
    return get_random_secret_key(), False


SECRET_KEY, SECRET_KEY_CONFIGURED = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# e.g. https://tanloi.example.vn when the portal is served over HTTPS behind a proxy.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies of ours stand in front of the portal (nginx: 1). They set X-Forwarded-Proto
# and X-Forwarded-For; with none, both headers are ignored because a client could forge them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "modeltranslation",  # English names of the reference data (before the admin, as it asks)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "tanloi_portal.apps.AxesConfig",  # django-axes, named in Vietnamese
    # The optional second factor: a code from an authenticator app (TOTP), tanloi_portal/second_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "tanloi_portal",
    "children",
    "indicators",
    "cases",
    "reports",
    # The top of the flow: seed_demo orchestrates each app's demo module.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or a form: a NUL byte anywhere is a 400 (tanloi_portal.middleware).
    "tanloi_portal.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tanloi_portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware, which reads a POST's body: an upload over its view's @body_limit is refused
    # by its Content-Length, unread (tanloi_portal/uploads.py).
    "tanloi_portal.uploads.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Writes down refused requests for an object (403/404) in the access log.
    "tanloi_portal.audit.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session idle longer than IDLE_TIMEOUT_SECONDS (tanloi_portal/idle.py); before the access checks.
    "tanloi_portal.idle.IdleTimeoutMiddleware",
    # Records the signed-in user on every history row (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A strict Content-Security-Policy on every response (SECURE_CSP below).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Sends a user who owes the second factor to its code or set-up page before anything else.
    "tanloi_portal.second_factor.SecondFactorMiddleware",
    # Refuses every view that does not declare who may use it (tanloi_portal.access).
    "tanloi_portal.access.AccessMiddleware",
    # Must be last: it turns failed log-ins into a lock-out (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tanloi_portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tanloi_portal.context_processors.navigation",
                "reports.context_processors.notices",
                "tanloi_portal.idle.idle_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "tanloi_portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica of the primary (PostgreSQL streaming replication): the dashboards, the documents and the
# workbook read from it (tanloi_portal/replica.py); everything else, and every write, uses the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
DATABASE_ROUTERS = ["tanloi_portal.replica.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing: a transaction takes the write lock when it begins
    # (no "database is locked" when a reader turns writer) and waits up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # The portal's queries are many short ones and a few grouped counts over the registry; PostgreSQL's JIT
        # compiler costs about 1.4 s on each of the latter at 500,000 children and saves nothing (EXPLAIN ANALYZE).
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tanloi_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Fit for children's abuse records: long (a passphrase is easiest), not a common password, not all digits, not
# close to the user name or the full name (compared with and without accents: tanloi_portal/password_validation.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tanloi_portal.password_validation.VietnameseAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, two rules: tanloi_portal/login_throttle.py): five failures for one user name from
# one address lock it there for an hour; twenty from one address, whatever the user names (password spraying),
# block that address for an hour. The admin can lift either at once; the lock-out page says when it ends.
# History is a record, not an undo: the admin reads a row's past versions but never reverts to one (an issued
# report, a reporting chain or the plan's words brought back wholesale would bypass their services' checks).
SIMPLE_HISTORY_REVERT_DISABLED = True

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "tanloi_portal.login_throttle.PortalAxesHandler"
AXES_LOCKOUT_CALLABLE = "tanloi_portal.login_throttle.lockout_response"
# Tries made while locked are refused without being counted, so a lock ends when its page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tanloi_portal.client_ip.client_ip"
# The name authenticator apps show beside the user name.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="BVCSTE Tân Lợi")

SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS in production set SECURE_COOKIES=true.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# At most 8 hours from the log-in, and ended after 30 minutes without a request (the page warns 2 minutes before).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
IDLE_TIMEOUT_SECONDS = env.int("IDLE_TIMEOUT_SECONDS", default=30 * 60)
IDLE_WARNING_SECONDS = env.int("IDLE_WARNING_SECONDS", default=2 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS in production (docs/security.md): HSTS for this many seconds (0: none), plain HTTP redirected.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The proxy's health check may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# No inline script or style anywhere: every script and style sheet is a static file of our own. Bootstrap
# draws its form icons as data: images.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates as dd/mm/yyyy and a decimal comma in both languages: the portal's figures follow Vietnamese use.
FORMAT_MODULE_PATH = ["tanloi_portal.formats"]
# The reference data's names in both languages (django-modeltranslation: name_vi/name_en beside name, the
# translation.py of each app): Vietnamese is the default, and a name without English shows in Vietnamese.
MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_LANGUAGES = ("vi", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("vi",)
# A name given in code (a factory, the demo's other communes) is the Vietnamese one.
MODELTRANSLATION_AUTO_POPULATE = "default"

# Uploads waiting to be imported and case attachments: never under the web root, served only
# through views that check permissions.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=BASE_DIR / "private")
# Case attachments (PDF, JPEG, PNG): the largest file accepted, in bytes.
CASE_ATTACHMENT_MAX_BYTES = env.int("CASE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Excel imports and exports run in the worker and report their progress through the cache (a file cache by
# default, shared by the processes of one machine; point CACHE_URL at Redis for several).
# Exported workbooks hold children's personal data: removed this many hours after they are written.
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=1)
# With REDIS_URL (several processes or servers, docs/deploy.md) Redis is the cache, and sessions are kept in it
# in front of the database (a session survives a Redis restart). CACHE_URL, when given, wins.
REDIS_URL = env.str("REDIS_URL", default="")
# The dashboards keep a version and a few entries per commune (reports/dashboard_cache.py): a file or memory
# cache culled at Django's default of 300 entries would drop them on every page of a province's 100 communes.
CACHE_MAX_ENTRIES = 50_000
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tanloi",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(BASE_DIR / "private" / "cache")}}  # fmt: skip
if "redis" not in CACHES["default"]["BACKEND"].lower():
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", CACHE_MAX_ENTRIES)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# The task worker (tanloi_portal/celery.py): Redis as the broker. Tasks keep their state in the database
# (import jobs, stale figures), so no result backend is needed. A task is acknowledged only once it has
# finished, and put back in the queue if its worker dies, so a task killed half-way runs again; every task
# is written so that running it twice gives the same result.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
# The queue the portal's tasks go to: one per installation sharing a Redis (and per test run).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing from a request gives up quickly when the broker is down: the change is kept, its figures stay
# marked stale, and the next run (or the nightly one) computes them.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Tests run tasks in the caller (TASKS_EAGER); a real worker runs them everywhere else.
CELERY_TASK_ALWAYS_EAGER = env.bool("TASKS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(Path(PRIVATE_ROOT) / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Children age into and out of cohorts at midnight: the current and previous year, every night.
    "nightly-recompute": {"task": "indicators.tasks.recompute_recent_years", "schedule": crontab(hour=0, minute=10)},
    # Staged uploads nobody confirmed, jobs whose worker died for good, exported files past their time.
    "expire-import-jobs": {"task": "children.tasks.expire_import_jobs", "schedule": crontab(minute="*/15")},
    # What waits for each user, by e-mail and SMS, before the working day starts (reports/notices.py).
    "daily-digests": {"task": "reports.tasks.send_digests", "schedule": crontab(hour=6, minute=30)},
}
# A change to the registry marks its figures stale; one recompute runs this many seconds after the first
# change, however many follow in between (debounce), so that a figure is at most a few minutes old.
FIGURES_DEBOUNCE_SECONDS = env.int("FIGURES_DEBOUNCE_SECONDS", default=60)
# Off: changes are still marked stale, but nothing is queued (the test suite, where tasks run in the caller
# and a debounce cannot be: its freshness tests turn it on).
FIGURES_AUTO_REFRESH = env.bool("FIGURES_AUTO_REFRESH", default=True)
# The dashboards' figures are kept in the cache this long at most; every write that changes them forgets them
# at once (reports/dashboard_cache.py), so this only bounds what a bulk load outside the portal leaves behind.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=600)
# The grouped counts of a recompute are read over this many PostgreSQL connections at once (each of its
# queries runs on one core: their per-child subqueries keep PostgreSQL from spreading one over several); 1
# reads them one after the other. Only outside a transaction, so that every connection sees the same data.
FIGURES_COUNT_CONNECTIONS = env.int("FIGURES_COUNT_CONNECTIONS", default=2)
# A computed value whose records cover less than this share of the population it counts (e.g. the cohort
# with any vaccination record, for 5a) is flagged "số liệu chưa đầy đủ" and never used as a base year.
FIGURES_COMPLETE_PERCENT = env.int("FIGURES_COMPLETE_PERCENT", default=80)

# Mail: EMAIL_URL as smtp://user:password@host:587 (smtp+tls://, smtp+ssl://), or consolemail:// (each message
# printed by the worker: the default with DEBUG on); without it a server hands its mail to the local mail
# transfer agent (smtp://localhost:25, as Django would). The sender as the commune's mailbox.
_mail = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp_options = {"host": "EMAIL_HOST", "port": "EMAIL_PORT", "username": "EMAIL_HOST_USER",
                 "password": "EMAIL_HOST_PASSWORD", "use_tls": "EMAIL_USE_TLS", "use_ssl": "EMAIL_USE_SSL"}  # fmt: skip
MAILERS = {
    "default": {
        "BACKEND": _mail["EMAIL_BACKEND"],
        "OPTIONS": {option: _mail[key] for option, key in _smtp_options.items() if _mail.get(key) not in (None, "")}
        if _mail["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BVCSTE Tân Lợi <bvcste@localhost>")
# Text messages (tanloi_portal/sms.py): the console by default; the commune's provider as a class of its own.
SMS_BACKEND = env.str("SMS_BACKEND", default="tanloi_portal.sms.ConsoleBackend")
# The address users open the portal at, for the links in e-mails and text messages.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env.bool("TESTING", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# In development and tests static files come from the finders; STATIC_ROOT exists only after collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or env.bool("TESTING", default=False)
if WHITENOISE_USE_FINDERS:
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

# One JSON object a line on standard error: the access log's warnings and every server error with its
# traceback (django.request logs a 500 with exc_info), readable by journald or any log collector.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_fields": {"()": "tanloi_portal.logs.RequestFields"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["request_fields"],
        }
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "tanloi_portal": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "tanloi_portal.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
