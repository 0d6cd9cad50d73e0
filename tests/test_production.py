"""Production as documented: static files built with DEBUG off, pages served through the WSGI application,
errors logged as JSON with their tracebacks, `check --deploy` silent with the HTTPS settings set, and the
production processes (gunicorn with several workers, the Celery worker) carrying a user's journey end to end.

Each check runs in a fresh interpreter with the real settings (not the test settings), as gunicorn would.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from children.models import Child, HouseholdUpdate
from tanloi_portal.models import Commune, Role
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

# The production process's view of the test database: the URL of the database this test run uses.


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def production_env(**extra) -> dict:
    # As a server starts: no test switches (the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE fails check --deploy).
    dropped = {"TESTING", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tanloi_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,localhost",
        "CACHE_URL": "locmemcache://",
    }
    env |= {k: str(v) for k, v in extra.items()}
    return env


def run(args: list[str], env: dict, timeout: int = 240) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    result = run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], production_env(STATIC_ROOT=root))
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def test_collectstatic_with_debug_off_builds_every_file_and_its_manifest(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    paths = manifest["paths"]
    for name in ("css/portal.css", "vendor/chartjs-4/chart.umd.min.js", "vendor/bootstrap-5.3.8/bootstrap.min.css"):
        assert (static_root / paths[name]).is_file(), name
    # A vendored file's source-map reference resolves (the map is there), or the build would have failed.
    assert "vendor/chartjs-4/chart.umd.min.js.map" in paths


# Runs inside the production process: calls the WSGI application as gunicorn would, and prints what it got.
SERVE = r"""
import io, json, sys
from wsgiref.util import setup_testing_defaults

from tanloi_portal.wsgi import application

import django.contrib.auth as auth
from django.contrib.sessions.backends.db import SessionStore
from tanloi_portal.models import User


def call(path, cookie=""):
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver", "wsgi.errors": sys.stderr}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(application(environ, start_response))
    return got["status"], got["headers"], body.decode("utf-8", "replace")


user = User.objects.get(username=sys.argv[1])
session = SessionStore()
session[auth.SESSION_KEY] = str(user.pk)
session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
cookie = f"sessionid={session.session_key}"

out = {}
status, headers, body = call("/dang-nhap/")
out["login"] = {"status": status, "csp": headers.get("Content-Security-Policy", ""), "body": body}
status, headers, body = call("/trang-chu/can-bo/", cookie)
out["home"] = {"status": status, "body": body}
import re
css = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', out["login"]["body"]).group(1)
status, headers, body = call(css)
out["static"] = {"status": status, "type": headers.get("Content-Type", ""), "path": css}
status, headers, body = call("/healthz")
out["healthz"] = {"status": status, "body": json.loads(body)}

# A server error: the view breaks; the visitor gets the error page, the log gets the traceback.
import tanloi_portal.views
def broken():
    raise RuntimeError("health check exploded")
tanloi_portal.views.health = broken
status, headers, body = call("/healthz")
out["error"] = {"status": status, "body": body}
print(json.dumps(out))
"""


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_application_serves_pages_static_files_and_logs_errors_with_debug_off(
    static_root, committed_reference_data, tmp_path
):
    UserFactory(username="can-bo-san-xuat", role=Role.OFFICER)
    env = production_env(STATIC_ROOT=static_root, DATABASE_URL=_database_url(), PRIVATE_ROOT=tmp_path)
    result = run([sys.executable, "-c", SERVE, "can-bo-san-xuat"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    log = result.stderr[-3000:]

    assert out["login"]["status"] == 200, log
    assert "/static/css/portal." in out["login"]["body"]  # the hashed name from the manifest
    assert "script-src 'self'" in out["login"]["csp"] and "unsafe-inline" not in out["login"]["csp"]
    assert out["home"]["status"] == 200 and "Đăng xuất" in out["home"]["body"], log
    assert out["static"]["status"] == 200 and out["static"]["type"].startswith("text/css")
    assert out["healthz"] == {"status": 200, "body": {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}}

    assert out["error"]["status"] == 500
    assert "Đã có lỗi ở máy chủ" in out["error"]["body"] and "health check exploded" not in out["error"]["body"]
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("logger") == "django.request" and line["level"] == "ERROR"]
    assert len(errors) == 1, result.stderr[-3000:]
    assert errors[0]["path"] == "/healthz" and errors[0]["status_code"] == 500
    assert "Traceback" in errors[0]["exc_info"] and "health check exploded" in errors[0]["exc_info"]


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_naming_the_part_when_static_files_are_not_built(committed_reference_data, tmp_path):
    env = production_env(STATIC_ROOT=tmp_path / "never-built", DATABASE_URL=_database_url(), PRIVATE_ROOT=tmp_path)
    probe = (
        "import json, sys; from tanloi_portal.wsgi import application; from django.test import Client; "
        "r = Client().get('/healthz'); print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = run([sys.executable, "-c", probe], env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 503
    assert out["body"]["static"].startswith("error") and out["body"]["database"] == "ok"


def test_check_deploy_is_silent_with_https_settings_and_a_strong_key():
    env = production_env(SECURE_COOKIES="true", SECURE_HSTS_SECONDS="31536000", SECURE_SSL_REDIRECT="true")
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_the_https_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy"], production_env())
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_portal_with_several_workers(committed_reference_data, static_root, tmp_path):
    """`make serve`'s web process: gunicorn with its config (gunicorn.conf.py), 2 workers, DEBUG off; an officer
    logs in through the real form and reads the home page; the health check answers."""
    # Hashed as production hashes (the test settings' fast hasher is not among production's).
    officer = UserFactory(username="can-bo-gunicorn", role=Role.OFFICER)
    officer.password = PBKDF2PasswordHasher().encode("mat-khau-dai-du-12", "muoi-ngau-nhien-1234")
    officer.save(update_fields=["password"])
    port = _free_port()
    env = production_env(STATIC_ROOT=static_root, DATABASE_URL=_database_url(), PORTAL_ADDRESS=f"127.0.0.1:{port}",
                         GUNICORN_WORKERS=2, ALLOWED_HOSTS="127.0.0.1", PRIVATE_ROOT=tmp_path)  # fmt: skip
    log = tmp_path / "gunicorn.log"
    gunicorn = [sys.executable, "-m", "gunicorn", "tanloi_portal.wsgi", "--config", "gunicorn.conf.py"]
    with log.open("w") as out:
        process = subprocess.Popen(gunicorn, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while log.read_text().count("Booting worker") < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.read_text().count("Booting worker") == 2, log.read_text()[-3000:]
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(50):  # the workers load Django on their first request
            try:
                health = json.loads(opener.open(f"{base}/healthz", timeout=10).read())
                break
            except OSError:
                time.sleep(0.2)
        assert health == {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}
        page = opener.open(f"{base}/dang-nhap/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "can-bo-gunicorn",
                                       "password": "mat-khau-dai-du-12"}).encode()  # fmt: skip
        request = urllib.request.Request(f"{base}/dang-nhap/", data=form, headers={"Referer": f"{base}/dang-nhap/"})
        home = opener.open(request, timeout=30)
        assert home.status == 200 and home.url.endswith("/trang-chu/can-bo/"), (home.url, log.read_text()[-2000:])
        assert "Danh sách trẻ em" in home.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_redis_is_the_cache_and_holds_sessions_when_redis_url_is_set():
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'), "
        "settings.SESSION_ENGINE, settings.CELERY_BROKER_URL]))"
    )

    def values(**extra):
        env = production_env(**extra)
        env.pop("CACHE_URL")
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        result = run([sys.executable, "-c", script], {**env, **{k: str(v) for k, v in extra.items()}})
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout)

    assert values(REDIS_URL="redis://10.0.0.5:6379/2") == [
        "django.core.cache.backends.redis.RedisCache", "redis://10.0.0.5:6379/2",
        "django.contrib.sessions.backends.cached_db", "redis://10.0.0.5:6379/2",
    ]  # fmt: skip
    backend, _location, sessions, broker = values()
    assert backend.endswith("FileBasedCache") and sessions.endswith("backends.db")
    assert broker == "redis://127.0.0.1:6379/0"


# --- The journey: the production processes, end to end -------------------------------------------------------

# A Redis database of its own for the broker, and a queue named for the run: nothing else reads or writes there.
JOURNEY_REDIS = "redis://127.0.0.1:6379/14"
JOURNEY_SECONDS = 60  # the longest any one step may take (a booting process, the export) before the test fails


class Visitor:
    """A person with a browser, as far as the server can tell: cookies, the page's CSRF token sent back with each
    form, redirects followed. `open` answers (status, final path, headers, body) whatever the status."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def open(self, path: str, form: dict | None = None) -> tuple[int, str, dict, bytes]:
        data = None
        if form is not None:
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **form}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read()
        if found := re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body):
            self.token = found.group(1).decode()
        return response.status, response.url.removeprefix(self.base), dict(response.headers), body

    def page(self, path: str, form: dict | None = None, *, lands_on: str | None = None) -> str:
        """A page that must answer 200 (at `lands_on` once redirects are followed, when given), as text."""
        status, url, _headers, body = self.open(path, form)
        assert status == 200, (path, status, body[-2000:])
        assert lands_on is None or url == lands_on, (path, url)
        return body.decode()

    def log_in(self, username: str, password: str, *, home: str) -> str:
        self.page("/dang-nhap/")
        return self.page("/dang-nhap/", {"username": username, "password": password}, lands_on=home)

    def healthy(self) -> bool:
        try:
            return self.open("/healthz")[0] == 200
        except OSError:  # not listening yet
            return False


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait(condition, what: str, logs: list[Path]):
    deadline = time.monotonic() + JOURNEY_SECONDS
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"{what}: not within {JOURNEY_SECONDS} s\n{tails}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _forget_queue(queue: str) -> None:
    """The broker's keys for this run's queue (the queue itself and kombu's bindings of it)."""
    broker = redis.Redis.from_url(JOURNEY_REDIS)
    keys = list(broker.scan_iter(match=f"*{queue}*"))
    if keys:
        broker.delete(*keys)


@pytest.mark.django_db(transaction=True)
def test_a_household_update_goes_from_the_collaborator_to_the_officer_and_into_an_export(
    committed_reference_data, static_root, tmp_path
):
    """The production processes on this machine: gunicorn with 2 workers and a Celery worker, on the test database
    and Redis. A hamlet's collaborator logs in through the form and reports a birth in a household; the officer
    finds it in the review queue and approves it; the child is in the registry (found by a search without
    diacritics); the officer exports the registry, the worker writes the file, the officer downloads it, and the
    new child is in it, beside the household's other child."""
    commune = Commune.objects.get(code="tan-loi")
    password = "mat-khau-dai-du-12"
    hamlet = commune.hamlets.get(code="ap-1")
    cast = (("can-bo-hanh-trinh", Role.OFFICER, None), ("ctv-hanh-trinh", Role.COLLABORATOR, hamlet))
    for username, role, of_hamlet in cast:
        user = UserFactory(username=username, role=role, commune=commune, hamlet=of_hamlet)
        # Hashed as production hashes (the test settings' fast hasher is not among production's).
        user.password = PBKDF2PasswordHasher().encode(password, f"muoi-{username}")
        user.save(update_fields=["password"])
    household = HouseholdFactory(code="01-0777", head="Nguyễn Văn Hậu")
    ChildFactory(household=household, full_name="Nguyễn Thị Ánh Dương")
    born = timezone.localdate() - timedelta(days=20)

    port, queue = _free_port(), f"journey-{uuid.uuid4().hex[:12]}"
    env = production_env(STATIC_ROOT=static_root, DATABASE_URL=_database_url(), PRIVATE_ROOT=tmp_path,
                         PORTAL_ADDRESS=f"127.0.0.1:{port}", GUNICORN_WORKERS=2, ALLOWED_HOSTS="127.0.0.1",
                         CACHE_URL=f"filecache://{tmp_path / 'cache'}", CELERY_BROKER_URL=JOURNEY_REDIS,
                         CELERY_QUEUE=queue,
                         # The approval's debounced recompute (tests/test_worker.py's subject) would be left
                         # waiting in the queue when the worker stops.
                         FIGURES_AUTO_REFRESH="false")  # fmt: skip
    web_log, worker_log = tmp_path / "gunicorn.log", tmp_path / "worker.log"
    logs = [web_log, worker_log]
    web = _start([sys.executable, "-m", "gunicorn", "tanloi_portal.wsgi", "--config", "gunicorn.conf.py"], env, web_log)
    worker = _start([sys.executable, "-m", "celery", "-A", "tanloi_portal", "worker", "--pool=solo",
                     "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
                    env, worker_log)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: web_log.read_text().count("Booting worker") >= 2, "gunicorn's 2 workers booting", logs)
        _wait(lambda: " ready." in worker_log.read_text(), "the Celery worker ready", logs)
        _wait(Visitor(base).healthy, "/healthz answering 200", logs)

        # The collaborator, on a phone: the hamlet's households, the household, the kind of change, the form.
        ctv = Visitor(base)
        home = ctv.log_in("ctv-hanh-trinh", password, home="/trang-chu/cong-tac-vien/")
        assert "Ấp 1" in home and "Hộ gia đình trong ấp" in home
        assert f'href="/ho-gia-dinh/{household.pk}/"' in ctv.page("/ho-gia-dinh/")
        assert f'href="/ctv/ho/{household.pk}/bao-cao/"' in ctv.page(f"/ho-gia-dinh/{household.pk}/")
        choose = ctv.page(f"/ctv/ho/{household.pk}/bao-cao/")
        assert "01-0777" in choose and f"/ctv/ho/{household.pk}/bao-cao/new_birth/" in choose
        form = ctv.page(f"/ctv/ho/{household.pk}/bao-cao/new_birth/")
        client_id = re.search(r'name="client_id" value="([^"]+)"', form).group(1)
        sent = ctv.page(
            f"/ctv/ho/{household.pk}/bao-cao/new_birth/",
            {"client_id": client_id, "full_name": "Nguyễn Văn Phúc Lộc", "sex": "M",
             "date_of_birth": born.strftime("%d/%m/%Y"), "ethnicity": "", "birth_registered": "True"},
            lands_on="/ctv/da-gui/",
        )  # fmt: skip
        assert "Đã gửi. Cán bộ xã sẽ xem và duyệt." in sent
        assert "Nguyễn Văn Phúc Lộc" in sent and "Chờ duyệt" in sent
        update = HouseholdUpdate.objects.get(household=household)
        assert (update.kind, update.state) == ("new_birth", "waiting")

        # The officer: the review queue, the report, approval; the collaborator sees it approved.
        officer = Visitor(base)
        officer.log_in("can-bo-hanh-trinh", password, home="/trang-chu/can-bo/")
        queue_page = officer.page("/duyet-cap-nhat/")
        assert f'href="/duyet-cap-nhat/{update.pk}/"' in queue_page and "Trẻ mới sinh" in queue_page
        review = officer.page(f"/duyet-cap-nhat/{update.pk}/")
        assert "Nguyễn Văn Phúc Lộc" in review and "Duyệt: thêm trẻ vào sổ" in review
        approved = officer.page(f"/duyet-cap-nhat/{update.pk}/", {"action": "approve"}, lands_on="/duyet-cap-nhat/")
        assert "Đã duyệt và cập nhật sổ." in approved
        child = Child.objects.get(full_name="Nguyễn Văn Phúc Lộc")
        assert child.household == household and child.date_of_birth == born
        assert "Đã duyệt" in ctv.page("/ctv/da-gui/")

        # In the registry: found without diacritics, and its page opens.
        found = officer.page("/tre-em/?q=phuc+loc")
        assert f'href="/tre-em/{child.pk}/"' in found and "Nguyễn Thị Ánh Dương" not in found
        assert "Nguyễn Văn Phúc Lộc" in officer.page(f"/tre-em/{child.pk}/")

        # The export: asked from the list, written by the worker, downloaded from the job's page.
        officer.page("/tre-em/")
        status, url, _headers, _body = officer.open("/xuat-excel/tre-em/", {})
        assert status == 200 and re.fullmatch(r"/xuat-excel/[0-9a-f-]{36}/", url), (status, url)
        job = url.removeprefix("/xuat-excel/").strip("/")

        def progress():
            status, _url, _headers, body = officer.open(f"/xuat-excel/{job}/tien-do/")
            assert status == 200, body[-2000:]
            answer = json.loads(body)
            return answer if answer["final"] else None

        assert _wait(progress, "the export written by the worker", logs)["state"] == "done"
        page = officer.page(f"/xuat-excel/{job}/")
        assert "Tệp đã sẵn sàng: 2 dòng." in page and f'href="/xuat-excel/{job}/tai-ve/"' in page
        status, _url, headers, content = officer.open(f"/xuat-excel/{job}/tai-ve/")
        assert status == 200 and headers["Content-Type"].startswith("application/vnd.openxmlformats")
        assert f'filename="tre-em-{timezone.localdate():%Y%m%d}.xlsx"' in headers["Content-Disposition"]
        rows = list(load_workbook(BytesIO(content), read_only=True).active.values)
        header = next(i for i, row in enumerate(rows) if "Họ và tên trẻ" in row)
        name, code = rows[header].index("Họ và tên trẻ"), rows[header].index("Mã hộ")
        children = {(row[code], row[name]) for row in rows[header + 1 :] if any(row)}
        assert children == {("01-0777", "Nguyễn Thị Ánh Dương"), ("01-0777", "Nguyễn Văn Phúc Lộc")}
        assert "Task children.tasks.run_export" in worker_log.read_text()
        assert web.poll() is None and worker.poll() is None
    finally:
        _stop(web)
        _stop(worker)
        _forget_queue(queue)
