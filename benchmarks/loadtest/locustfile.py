"""The load users, one class per role, for locust (run by `python -m benchmarks.loadtest`, which writes the plan
this file reads from LOADTEST_PLAN and sets each class's count from LOADTEST_MIX).

Each load user logs in once through the login form (its CSRF token, the second factor's code when the role asks
one), then does what that role does most, pausing between steps as a person would: officers browse the child list
and its pages, search without diacritics and open children; collaborators report a measurement or a note from a
household; the health station records doses and task results; chairmen open their dashboards; the level above
opens its communes' dashboards and has a workbook written by the worker, then downloads it.

A request that does not answer what the user should see (the page a form lands on, a file) counts as an error,
whatever its status. The time of a form includes the page it lands on (the redirect is followed). Imports no
Django: everything it needs of the database is in the plan.
"""

import hashlib
import hmac
import html
import itertools
import json
import os
import random
import re
import struct
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

PLAN_PATH = os.environ.get("LOADTEST_PLAN", "")
PLAN = json.loads(Path(PLAN_PATH).read_text(encoding="utf-8")) if PLAN_PATH else {}
MIX = dict(part.split("=") for part in os.environ.get("LOADTEST_MIX", "").split(",") if "=" in part)
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo")
MEASURED_SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
LOGINS_PATH = os.environ.get("LOADTEST_LOGINS", "")
WORKBOOK_WAIT_SECONDS = 180
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT_PAGE = re.compile(r'<a class="page-link" href="([^"]+)"[^>]*>Sau »')
CHILD_LINK = re.compile(r'href="/tre-em/(\d+)/"')
TODAY = date.today().strftime("%d/%m/%Y")


def totp(key_hex: str, at: float) -> str:
    """The 6-digit code an authenticator app shows for this key (RFC 6238: 30-second steps, HMAC-SHA1)."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def csrf(text: str) -> str:
    found = TOKEN.search(text)
    return found.group(1) if found else ""


_accounts = {role: itertools.cycle(PLAN.get("users", {}).get(role) or [None]) for role in PLAN.get("users", {})}

# The pages are measured once every load user has logged in (the statistics are reset then, and the run ends
# MEASURED_SECONDS later): a burst of logins, each a deliberately slow password hash, is not what a working day
# looks like. The logins themselves are kept apart here, for the runner's table.
_logins: dict[str, dict] = {}
_logged_in = 0


@events.request.add_listener
def _keep_logins(name, response_time, exception, **_kwargs):
    if name.startswith("login:"):
        entry = _logins.setdefault(name, {"times": [], "errors": 0})
        entry["times"].append(response_time)
        entry["errors"] += exception is not None


@events.quitting.add_listener
def _write_logins(**_kwargs):
    if LOGINS_PATH:
        Path(LOGINS_PATH).write_text(json.dumps(_logins), encoding="utf-8")


def _one_more_logged_in(environment) -> None:
    global _logged_in
    _logged_in += 1
    runner = environment.runner
    if _logged_in == runner.target_user_count:
        runner.stats.reset_all()
        gevent.spawn_later(MEASURED_SECONDS, runner.quit)


class PortalUser(HttpUser):
    abstract = True
    role = ""
    home = ""
    wait_time = between(0.5, 2.5)

    def on_start(self):
        self.account = next(_accounts.get(self.role, iter([None])))
        if self.account is None:
            raise RuntimeError(f"no {self.role} in the plan")
        self.ready = False
        try:
            self.ready = self.log_in()
        finally:  # counted even when the log-in broke, or the measured run would never start
            _one_more_logged_in(self.environment)

    def log_in(self) -> bool:
        page = self.client.get("/dang-nhap/", name="login: form")
        data = {"csrfmiddlewaretoken": csrf(page.text), "username": self.account["username"], "password": PASSWORD}
        with self.client.post("/dang-nhap/", data=data, name="login: password", catch_response=True) as answer:
            if "/xac-thuc-hai-buoc/ma/" in answer.url and self.account.get("otp_key"):
                answer.success()
                return self.second_factor(answer)
            if not answer.url.endswith(self.home):
                answer.failure(f"{self.account['username']} landed on {answer.url}")
                return False
        return True

    def second_factor(self, page) -> bool:
        target = re.search(r'name="next" value="([^"]*)"', page.text)
        for attempt in range(2):  # a code is taken once: a second session of the same user waits for the next one
            data = {"csrfmiddlewaretoken": csrf(page.text), "code": totp(self.account["otp_key"], time.time()),
                    "next": html.unescape(target.group(1)) if target else ""}  # fmt: skip
            with self.client.post(page.url, data=data, name="login: second factor", catch_response=True) as answer:
                if answer.url.endswith(self.home):
                    return True
                if attempt == 0:
                    answer.success()
                    time.sleep(31 - time.time() % 30)
                    page = answer
                else:
                    answer.failure(f"{self.account['username']}: the code was refused")
        return False

    def page(self, path: str, name: str, *, expect: str = "", lands_on: str = ""):
        """GET a page; an error unless it answers 200 with `expect` in it (at `lands_on`, when given)."""
        with self.client.get(path, name=name, catch_response=True) as answer:
            self._check(answer, expect, lands_on)
            return answer

    def form(self, path: str, data: dict, name: str, *, token_from: str, expect: str = "", lands_on: str = ""):
        with self.client.post(path, data={"csrfmiddlewaretoken": csrf(token_from), **data}, name=name,
                              catch_response=True) as answer:  # fmt: skip
            self._check(answer, expect, lands_on)
            return answer

    @staticmethod
    def _check(answer, expect: str, lands_on: str) -> None:
        if answer.status_code != 200:
            return  # locust counts it an error already
        if lands_on and not re.search(lands_on, urlsplit(answer.url).path):
            answer.failure(f"landed on {answer.url}")
        elif expect and expect not in answer.text:
            answer.failure(f"{expect!r} not on the page")


class Officer(PortalUser):
    role, home = "officer", "/trang-chu/can-bo/"
    fixed_count = int(MIX.get("officer", 0))

    @task(4)
    def child_list(self):
        if not self.ready:
            return
        listing = self.page("/tre-em/", "officer: child list", expect="Trẻ em")
        for _ in range(random.randint(0, 3)):
            found = NEXT_PAGE.search(listing.text)
            if not found:
                break
            listing = self.page(f"/tre-em/{html.unescape(found.group(1))}", "officer: child list, next page")
        self.open_a_child(listing.text)

    @task(4)
    def search(self):
        if not self.ready or not self.account["searches"]:
            return
        term = random.choice(self.account["searches"])
        found = self.page(f"/tre-em/?q={term.replace(' ', '+')}", "officer: search", expect="Trẻ em")
        self.open_a_child(found.text)

    def open_a_child(self, listing: str):
        children = CHILD_LINK.findall(listing)
        if children:
            self.page(f"/tre-em/{random.choice(children)}/", "officer: child page", expect="tuổi")

    @task(1)
    def home_page(self):
        if self.ready:
            self.page(self.home, "officer: home")

    @task(1)
    def review_queue(self):
        if self.ready:
            self.page("/duyet-cap-nhat/", "officer: review queue")

    @task(1)
    def households(self):
        if self.ready:
            self.page("/ho-gia-dinh/", "officer: household list")


class Collaborator(PortalUser):
    role, home = "collaborator", "/trang-chu/cong-tac-vien/"
    fixed_count = int(MIX.get("collaborator", 0))

    @task(4)
    def report_a_change(self):
        if not self.ready or not self.account["households"]:
            return
        household = random.choice(self.account["households"])
        self.page(f"/ho-gia-dinh/{household}/", "collaborator: household")
        self.page(f"/ctv/ho/{household}/bao-cao/", "collaborator: choose a change")
        kind = "growth" if random.random() < 0.7 else "note"
        url = f"/ctv/ho/{household}/bao-cao/{kind}/"
        form = self.page(url, f"collaborator: {kind} form")
        client_id = re.search(r'name="client_id" value="([^"]+)"', form.text)
        if kind == "growth":
            children = re.findall(r'<option value="(\d+)"', form.text)
            if not children:
                return
            weight, height = f"{random.uniform(9, 16):.1f}", f"{random.uniform(75, 100):.1f}"
            data = {"child": random.choice(children), "measured_on": TODAY, "weight_kg": weight, "height_cm": height}
        else:
            data = {"text": "Gia đình đã chuyển chỗ ở trong ấp, số nhà mới 12."}
        self.form(url, {"client_id": client_id.group(1) if client_id else "", **data},
                  f"collaborator: {kind} sent", token_from=form.text, lands_on="^/ctv/da-gui/$",
                  expect="Đã gửi")  # fmt: skip

    @task(1)
    def home_page(self):
        if self.ready:
            self.page(self.home, "collaborator: home")

    @task(1)
    def sent(self):
        if self.ready:
            self.page("/ctv/da-gui/", "collaborator: sent updates")

    @task(1)
    def hamlet_children(self):
        if self.ready:
            self.page("/tre-em/", "collaborator: child list")


class HealthStation(PortalUser):
    role, home = "health", "/trang-chu/don-vi/"
    fixed_count = int(MIX.get("health", 0))

    @task(4)
    def record_a_dose(self):
        if not self.ready or not self.account["doses"]:
            return
        child, vaccine, dose = self.account["doses"].pop()
        self.page(f"/tre-em/{child}/", "health: child page")
        url = f"/tre-em/{child}/tiem-chung/them/"
        form = self.page(url, "health: vaccination form")
        data = {"vaccine": vaccine, "dose_number": dose, "given_on": TODAY, "place": "Trạm Y tế xã"}
        self.form(url, data, "health: vaccination saved", token_from=form.text, lands_on=f"^/tre-em/{child}/$",
                  expect="Đã lưu")  # fmt: skip

    @task(2)
    def task_result(self):
        if not self.ready:
            return
        inbox = self.page("/don-vi/nhiem-vu/", "health: tasks")
        tasks = re.findall(r'href="(/don-vi/nhiem-vu/\d+/)"', inbox.text)
        if not tasks:
            return
        url = random.choice(tasks)
        form = self.page(url, "health: task")
        # A progress note (the task stays open): the next load user finds it again.
        data = {"result": "Đã đến thăm gia đình, hẹn tái khám tuần sau."}
        self.form(url, data, "health: task result saved", token_from=form.text, lands_on=r"^/ho-so/\d+/$",
                  expect="Đã ghi kết quả")  # fmt: skip

    @task(1)
    def home_page(self):
        if self.ready:
            self.page(self.home, "health: home")

    @task(1)
    def child_list(self):
        if self.ready:
            self.page("/tre-em/", "health: child list")


class Chairman(PortalUser):
    role, home = "chairman", "/trang-chu/chu-tich/"
    fixed_count = int(MIX.get("chairman", 0))

    @task(3)
    def dashboard(self):
        if self.ready:
            self.page(self.home, "chairman: dashboard")

    @task(1)
    def last_year(self):
        if self.ready:
            self.page(f"{self.home}?nam={PLAN['year'] - 1}", "chairman: dashboard, last year")

    @task(1)
    def board(self):
        if self.ready:
            self.page("/chi-tieu/", "chairman: indicator board")

    @task(1)
    def case_statistics(self):
        if self.ready:
            self.page("/ho-so/thong-ke/", "chairman: case statistics")


class LevelAbove(PortalUser):
    role, home = "district", "/trang-chu/cap-tren/"
    fixed_count = int(MIX.get("district", 0))

    def on_start(self):
        super().on_start()
        self.communes = []
        if self.ready:
            home = self.page(self.home, "district: all communes")
            self.communes = sorted(set(re.findall(r'href="\?xa=([^&"]+)&amp;nam=', home.text)))

    @task(2)
    def all_communes(self):
        if self.ready:
            self.page(self.home, "district: all communes")

    @task(2)
    def a_commune(self):
        if self.ready and self.communes:
            code = random.choice(self.communes)
            self.page(f"{self.home}?xa={code}&nam={PLAN['year']}", "district: a commune's dashboard")

    @task(1)
    def workbook(self):
        """Last year's workbook of one commune: asked, written by the worker, downloaded (polled as the page
        polls, every second). 'district: workbook ready' is the time from asking to the file being there."""
        if not self.ready:
            return
        form = self.page("/bang-tong-hop/", "district: workbook form")
        code = random.choice(self.communes) if self.communes else ""
        started = time.monotonic()
        data = {"nam": PLAN["year"] - 1, "ky": "", "xa": code}
        job = self.form("/bang-tong-hop/tao/", data, "district: workbook asked", token_from=form.text,
                        lands_on=r"^/bang-tong-hop/[0-9a-f-]{36}/$")  # fmt: skip
        found = re.search(r"/bang-tong-hop/([0-9a-f-]{36})/", job.url)
        if not found:
            return
        pk = found.group(1)
        while time.monotonic() - started < WORKBOOK_WAIT_SECONDS:
            time.sleep(1)
            progress = self.client.get(f"/bang-tong-hop/{pk}/tien-do/", name="district: workbook progress")
            if progress.status_code != 200 or progress.json().get("final"):
                break
        else:
            return
        ready = int((time.monotonic() - started) * 1000)
        with self.client.get(f"/bang-tong-hop/{pk}/tai-ve/", name="district: workbook download",
                             catch_response=True) as answer:  # fmt: skip
            if answer.status_code == 200 and not answer.content.startswith(b"PK"):
                answer.failure("not an .xlsx file")
            elif answer.status_code == 200:
                events.request.fire(request_type="JOB", name="district: workbook ready (asked to file)",
                                    response_time=ready, response_length=0, exception=None, context={})  # fmt: skip
