"""`make bench` (freshness): the time from a registry change to its fresh figure, through the real worker.

A demo commune (seed_demo, 3,500 children) on a database of its own; a Celery worker started on a queue of
its own. Each round registers the birth of a child under 5 (as the officer's form would save it) and polls
the board's reading (indicators.selectors.metric_values) until metric 14 shows the new figure and is no
longer marked as being recomputed. The debounce (FIGURES_DEBOUNCE_SECONDS, 60 by default) is part of the
figure: it is what a user waits for.

Run: python -m benchmarks.freshness [ROUNDS]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(rounds: int) -> None:
    tmp = tempfile.TemporaryDirectory()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3",
        "DJANGO_SETTINGS_MODULE": "tanloi_portal.settings",
        "DEBUG": "true",
        "CELERY_QUEUE": queue,
        "CACHE_URL": f"filecache://{tmp.name}/cache",
        "PRIVATE_ROOT": f"{tmp.name}/private",
    }
    os.environ.update(env)
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.utils import timezone

    from benchmarks import reset_database
    from children.models import BirthRegistration, Child
    from demo.seed import seed_demo
    from indicators.freshness import recompute_year
    from indicators.reference_data import load_reference_data
    from indicators.selectors import current_plan, metric_values
    from tanloi_portal.models import Commune

    reset_database()
    load_reference_data()
    commune = Commune.objects.get(code="tan-loi")
    seed_demo(commune=commune, children=3500, password="bench-only-password", seed=2025)
    plan = current_plan(commune=commune)
    year = timezone.localdate().year
    start = time.perf_counter()
    recompute_year(plan=plan, year=year)
    one_year = time.perf_counter() - start
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    children = Child.objects.count()
    print(f"{vendor:<10} {children:,} children: one year recomputed (commune and 13 hamlets) in {one_year:.2f} s")

    log = Path(tmp.name) / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "tanloi_portal", "worker", "--pool=solo", "-Q", queue,
               "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    with log.open("w") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    try:
        while "ready" not in log.read_text():
            time.sleep(0.2)
        waiting = list(
            Child.objects.filter(commune=commune, birth_registration__isnull=True, status="living")
            .filter(date_of_birth__year__gte=year - 4)
            .order_by("pk")[:rounds]
        )
        delays = []
        for child in waiting:
            before = next(v for v in metric_values(plan=plan, year=year) if v.metric.code == "14")
            changed = time.perf_counter()
            BirthRegistration.objects.create(child=child, registered_on=timezone.localdate())
            while True:
                now = next(v for v in metric_values(plan=plan, year=year) if v.metric.code == "14")
                if now.numerator != before.numerator and not now.stale:
                    break
                time.sleep(0.2)
            delays.append(time.perf_counter() - changed)
            print(f"  change -> fresh figure on the board: {delays[-1]:.1f} s", flush=True)
        print(
            f"registry change -> fresh figure, {len(delays)} changes (debounce {settings.FIGURES_DEBOUNCE_SECONDS} s): "
            f"median {statistics.median(delays):.1f} s, min {min(delays):.1f} s, max {max(delays):.1f} s"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        tmp.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
