"""`make loadtest`: the portal under a mix of users, as production serves it, on this machine only.

Starts gunicorn (LOADTEST_WEB_WORKERS workers, 4 by default, with gunicorn.conf.py) and the Celery worker with its
schedule (as Procfile.serve runs them: DEBUG off, static files collected) against DATABASE_URL (by default the
province data set, postgres://postgres@127.0.0.1:5432/tanloi_province) and Redis (LOADTEST_REDIS_URL, by default
database 15 of 127.0.0.1:6379: broker, cache and sessions, as the province layout has them; it is emptied
before and after the run), on a free port of 127.0.0.1. Then locust (benchmarks/loadtest/locustfile.py) runs
headless for LOADTEST_SECONDS (60) with the users of LOADTEST_MIX, which log in once each with the demo password
(LOADTEST_PASSWORD, "demo"). While it runs, the peak memory (VmHWM) of every gunicorn worker and of the Celery
processes is read from /proc every half second. At the end: a table per page (requests, requests per second,
median and 95th-percentile latency, errors), the totals, the peak memory of each process; then everything
started is stopped, and the second-factor devices the set-up added are removed.

The database must hold demo users (seed_demo); what the load users write stays (waiting household updates,
doses, task notes, workbooks asked): run it on a demo database only. Nothing is asserted: a benchmark.

Run: python -m benchmarks.loadtest (DATABASE_URL=... for another database).
"""

import csv
import json
import math
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/tanloi_province"
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
WEB_WORKERS = int(os.environ.get("LOADTEST_WEB_WORKERS", "4"))
MIX = os.environ.get("LOADTEST_MIX", "officer=8,collaborator=10,health=4,chairman=4,district=2")
SPAWN_RATE = os.environ.get("LOADTEST_SPAWN_RATE", "4")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
START_SECONDS = 90
RAMP_UP_LIMIT = 300  # seconds for every load user to log in


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(*, database_url: str, port: int, workdir: Path) -> dict:
    dropped = {"TESTING", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL",
               "CELERY_BROKER_URL", "DATABASE_REPLICA_URL"}  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return env | {
        "DJANGO_SETTINGS_MODULE": "tanloi_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": f"loadtest-{uuid.uuid4().hex[:10]}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_ADDRESS": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WEB_WORKERS),
        "PRIVATE_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
    }


# --- memory: VmHWM of every process of the servers, sampled while they run ------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _peak_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """Every half second, the peak resident memory of each server process (a worker gunicorn replaced after its
    max_requests stays in the table with its last figure)."""

    def __init__(self, roots: dict[tuple[str, str], int]):
        super().__init__(daemon=True)
        self.roots, self.peaks, self.labels, self.alive = roots, {}, {}, set()
        self.done = threading.Event()

    def sample(self) -> None:
        alive = set()
        for name, root in self.roots.items():
            kids = sorted(_children(root))
            for pid, label in [(root, name[0])] + [(k, name[1]) for k in kids]:
                peak = _peak_kib(pid)
                if peak is None:
                    continue
                alive.add(pid)
                self.labels.setdefault(pid, label)
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
        self.alive = alive

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()


# --- the servers ------------------------------------------------------------------------------------------------


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(condition, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    tails = "\n".join(f"--- {log}\n{log.read_text()[-3000:]}" for log in logs)
    raise SystemExit(f"{what}: not within {START_SECONDS} s\n{tails}")


def _healthy(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen, wait: int = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- the report -------------------------------------------------------------------------------------------------


def _table(stats_csv: Path) -> str:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    # The log-ins were counted before the statistics were reset: their rows are empty here (see _logins).
    pages = sorted((r for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])), key=lambda r: r["Name"])
    total = next(r for r in rows if r["Name"] == "Aggregated")
    width = max(len(r["Name"]) for r in pages)
    lines = [f"{'page':<{width}}  {'requests':>8}  {'req/s':>6}  {'median ms':>9}  {'95% ms':>7}  {'errors':>6}"]
    for r in [*pages, None, total]:
        if r is None:
            lines.append("-" * len(lines[0]))
            continue
        name = "all requests" if r is total else r["Name"]
        lines.append(
            f"{name:<{width}}  {int(r['Request Count']):>8}  {float(r['Requests/s']):>6.2f}  "
            f"{float(r['50%'] or 0):>9.0f}  {float(r['95%'] or 0):>7.0f}  {int(r['Failure Count']):>6}"
        )
    return "\n".join(lines)


def _logins(path: Path) -> str:
    """The log-ins, from the ramp-up (locustfile: kept apart from the pages' statistics)."""
    if not path.exists():
        return ""
    lines = []
    for name, entry in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        times = sorted(entry["times"])
        p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
        lines.append(f"  {name:<22} {len(times):>5} requests, median {statistics.median(times):,.0f} ms, "
                     f"95% {p95:,.0f} ms, {entry['errors']} errors")  # fmt: skip
    return "\n".join(lines)


def _failures(failures_csv: Path, limit: int = 10) -> str:
    if not failures_csv.exists():
        return ""
    rows = list(csv.DictReader(failures_csv.open(encoding="utf-8")))[:limit]
    return "\n".join(f"  {r['Occurrences']:>5} x {r['Name']}: {r['Error'][:160]}" for r in rows)


def _memory(sampler: MemorySampler) -> str:
    lines = []
    for pid in sorted(sampler.peaks, key=lambda p: (sampler.labels[p], p)):
        gone = "" if pid in sampler.alive else "  (replaced during the run)"
        lines.append(f"  {sampler.labels[pid]:<28} pid {pid:<8} {sampler.peaks[pid] / 1024:>7.1f} MiB{gone}")
    return "\n".join(lines)


def main() -> None:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    for url in (database_url, REDIS_URL):
        if urlparse(url).hostname not in LOOPBACK:
            raise SystemExit(f"the load test runs on this machine only: {url} is not on 127.0.0.1")
    workdir = Path(tempfile.mkdtemp(prefix="tanloi-loadtest-"))
    (workdir / "private").mkdir()
    port = _free_port()
    env = _server_env(database_url=database_url, port=port, workdir=workdir)
    counts = {k: int(v) for k, v in (part.split("=") for part in MIX.split(","))}

    # The set-up, in this process, with the servers' settings.
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from benchmarks.loadtest.prepare import forget, prepare, registry_size

    size = registry_size()
    plan = prepare(counts=counts)
    connections.close_all()
    found = {role: len(users) for role, users in plan["users"].items()}
    mix = {role: count if found.get(role) else 0 for role, count in counts.items()}
    plan_path = workdir / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    print(f"Database: {urlparse(database_url).path.lstrip('/')}: {size['communes']} communes, "
          f"{size['children']:,} children", flush=True)  # fmt: skip
    print("Load users (accounts): " + ", ".join(f"{r} {mix[r]} ({found.get(r, 0)})" for r in mix), flush=True)
    if plan["devices"]:
        print(f"Second factor: a TOTP device added for {len(plan['devices'])} users (removed at the end)")

    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env,
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode:
        raise SystemExit(result.stderr[-3000:])
    _empty_redis()
    web_log, worker_log = workdir / "gunicorn.log", workdir / "worker.log"
    logs = [web_log, worker_log]
    web = _start([sys.executable, "-m", "gunicorn", "tanloi_portal.wsgi", "--config", "gunicorn.conf.py"], env, web_log)
    worker = _start([sys.executable, "-m", "celery", "-A", "tanloi_portal", "worker", "--beat", "--loglevel=INFO",
                     "--concurrency=2"], env, worker_log)  # fmt: skip
    sampler = MemorySampler({("gunicorn master", "gunicorn worker"): web.pid,
                             ("celery worker (main)", "celery pool or beat"): worker.pid})  # fmt: skip
    try:
        _wait_for(lambda: web_log.read_text().count("Booting worker") >= WEB_WORKERS, "gunicorn's workers", logs)
        _wait_for(lambda: " ready." in worker_log.read_text(), "the Celery worker", logs)
        _wait_for(lambda: _healthy(port), "/healthz", logs)
        sampler.start()
        users = sum(mix.values())
        print(f"{users} load users log in, then {SECONDS} s measured, against http://127.0.0.1:{port} "
              f"({WEB_WORKERS} gunicorn workers, the Celery worker with 2 processes and beat)", flush=True)  # fmt: skip
        locust_env = env | {
            "LOADTEST_PLAN": str(plan_path),
            "LOADTEST_LOGINS": str(workdir / "logins.json"),
            "LOADTEST_SECONDS": str(SECONDS),
            "LOADTEST_MIX": ",".join(f"{k}={v}" for k, v in mix.items()),
        }
        # The locustfile ends the run SECONDS after the last log-in; -t only bounds a ramp-up that never ends.
        command = [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
                   "--headless", "-u", str(users), "-r", SPAWN_RATE, "-t", f"{SECONDS + RAMP_UP_LIMIT}s",
                   "--stop-timeout", "10",
                   "--host", f"http://127.0.0.1:{port}", "--csv", str(workdir / "locust"), "--only-summary",
                   "--loglevel", "WARNING"]  # fmt: skip
        with (workdir / "locust.log").open("w") as out:
            subprocess.run(command, cwd=ROOT, env=locust_env, stdout=out, stderr=subprocess.STDOUT,
                           timeout=SECONDS + RAMP_UP_LIMIT + 120)  # fmt: skip
        sampler.sample()
    finally:
        sampler.done.set()
        _stop(web)
        _stop(worker)
        _empty_redis()
        connections.close_all()
        forget(plan)
    restarts = web_log.read_text().count("Booting worker") - WEB_WORKERS
    print()
    print(f"Pages, over the {SECONDS} s after every load user had logged in:")
    print(_table(workdir / "locust_stats.csv"))
    print("\nLog-ins (during the ramp-up, all users at once; not in the figures above):")
    print(_logins(workdir / "logins.json"))
    if failures := _failures(workdir / "locust_failures.csv"):
        print("\nErrors (first kinds):\n" + failures)
    print(f"\nPeak memory (VmHWM, sampled every 0.5 s); gunicorn workers replaced during the run: {restarts}")
    print(_memory(sampler))
    print(f"\nLogs: {workdir}")


if __name__ == "__main__":
    main()
