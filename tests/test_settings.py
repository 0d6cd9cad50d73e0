"""Settings come from the environment; checked in a fresh interpreter, as a deployment would start."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'key': settings.SECRET_KEY, 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'engine': settings.DATABASES['default']['ENGINE'], 'name': str(settings.DATABASES['default']['NAME']), "
    "'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, 'cache': settings.CACHES['default'], "
    "'mail': settings.MAILERS['default'], 'sms': settings.SMS_BACKEND, 'url': settings.PORTAL_URL}))"
)


def _settings_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "TESTING"}}
    clean.pop("DATABASE_URL", None)
    clean |= {"DJANGO_SETTINGS_MODULE": "tanloi_portal.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", PRINT], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def test_secret_key_is_read_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("khoa-bi-mat-tu-tep\n", encoding="utf-8")
    result = _settings_with(SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="tanloi.example,127.0.0.1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["key"] == "khoa-bi-mat-tu-tep"
    assert values["debug"] is False
    assert values["hosts"] == ["tanloi.example", "127.0.0.1"]


def test_defaults_are_vietnamese_sqlite_and_refuse_to_serve_without_a_secret_when_debug_is_off():
    assert _settings_with().returncode == 0  # management commands still run (migrate, makemigrations)
    serving = subprocess.run(
        [sys.executable, "-c", "import tanloi_portal.wsgi"],
        cwd=settings.BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "TESTING",
             "DJANGO_SETTINGS_MODULE"}},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert serving.returncode != 0 and "SECRET_KEY" in serving.stderr
    values = json.loads(_settings_with(DEBUG="true").stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert (values["lang"], values["tz"]) == ("vi", "Asia/Ho_Chi_Minh")


def test_database_url_selects_postgresql():
    values = json.loads(_settings_with(DEBUG="true", DATABASE_URL="postgres://u@127.0.0.1:5432/tanloi").stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "tanloi"


def test_postgresql_connections_run_without_the_jit_compiler():
    show = PRINT.replace(
        "print(json.dumps({", "print(json.dumps({'options': settings.DATABASES['default']['OPTIONS'], "
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "TESTING"}}
    env |= {"DJANGO_SETTINGS_MODULE": "tanloi_portal.settings", "DEBUG": "true"}
    env["DATABASE_URL"] = "postgres://u@127.0.0.1:5432/tanloi?options=-c%20statement_timeout%3D5000"
    result = subprocess.run([sys.executable, "-c", show], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Added to what the address asks, not instead of it.
    assert json.loads(result.stdout)["options"]["options"] == "-c statement_timeout=5000 -c jit=off"


@pytest.mark.django_db
def test_the_live_postgresql_connection_has_jit_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize(
    "env, backend, culled_at",
    [
        ({}, "django.core.cache.backends.filebased.FileBasedCache", 50_000),
        ({"CACHE_URL": "locmemcache://"}, "django.core.cache.backends.locmem.LocMemCache", 50_000),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "django.core.cache.backends.redis.RedisCache", None),
    ],
)
def test_a_file_or_memory_cache_holds_a_provinces_dashboards_and_redis_is_left_as_it_is(env, backend, culled_at):
    result = _settings_with(SECRET_KEY="x" * 50, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    cache = json.loads(result.stdout)["cache"]
    assert cache["BACKEND"] == backend
    assert cache.get("OPTIONS", {}).get("MAX_ENTRIES") == culled_at


def test_mail_and_text_messages_are_configured_from_the_environment():
    values = json.loads(_settings_with(TESTING="true", DEBUG="true").stdout)
    assert values["mail"] == {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}
    # A server without EMAIL_URL hands its mail to the local mail transfer agent (check --deploy is silent).
    values = json.loads(_settings_with(TESTING="true").stdout)
    assert values["mail"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "localhost", "port": 25},
    }
    assert values["sms"] == "tanloi_portal.sms.ConsoleBackend"
    smtp = "smtp+tls://bvcste%40tanloi.gov.vn:mat-khau@mail.tanloi.gov.vn:587"
    result = _settings_with(
        TESTING="true", EMAIL_URL=smtp, SMS_BACKEND="nha_mang.sms.Backend", PORTAL_URL="https://bvcste.tanloi.vn/"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["mail"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.tanloi.gov.vn",
            "port": 587,
            "username": "bvcste@tanloi.gov.vn",
            "password": "mat-khau",
            "use_tls": True,
        },
    }
    assert (values["sms"], values["url"]) == ("nha_mang.sms.Backend", "https://bvcste.tanloi.vn")
