"""`make bench` (dashboard): the chairman's dashboard, median response time through the Django test client for a
logged-in chairman, at the demo size (3,500 children) and at 10x, with the ratio and each size's query count.

Each size is a fresh demo commune (seed_demo: users, registry, facts, collaborators' updates, cases and the
stored figures of every year from the plan's base year): the dashboard reads stored figures, so its queries
and, nearly, its time should not grow with the number of children.

Run: python -m benchmarks.dashboard [SIZE ...]; BENCH_DATABASE_URL=postgres://... for PostgreSQL;
BENCH_REPEAT requests per size (20 by default).
"""

import os
import statistics
import sys
import time

from benchmarks import start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def main(sizes: list[int]) -> None:
    tmp = start_django(client=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from benchmarks import reset_database
    from demo.seed import seed_demo
    from indicators.reference_data import load_reference_data
    from tanloi_portal.models import Commune, User

    year = timezone.localdate().year
    results = {}
    for size in sizes:
        reset_database()
        load_reference_data()
        commune = Commune.objects.get(code="tan-loi")
        start = time.perf_counter()
        seed_demo(commune=commune, children=size, password="bench-only-password", seed=2025)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after such a load
        built = time.perf_counter() - start
        client = Client()
        client.force_login(User.objects.get(username="chairman"))
        path = f"{reverse('home-chairman')}?nam={year}"
        if client.get(path).status_code != 200:  # also warms the session and caches
            raise SystemExit(f"{path} did not answer 200")
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results[size] = (statistics.median(times), len(queries.captured_queries))
        print(
            f"{connection.vendor:<10} {size:>7,} children (seeded in {built:.0f} s): chairman's dashboard {year}, "
            f"{REPEAT} requests: median {results[size][0]:7.1f} ms, max {max(times):7.1f} ms, "
            f"queries {results[size][1]}",
            flush=True,
        )
    if len(results) > 1:
        small, large = min(results), max(results)
        ratio = results[large][0] / results[small][0]
        print(
            f"{large:,} / {small:,} children ({large / small:.0f}x): median {ratio:.2f}x, "
            f"queries {results[small][1]} -> {results[large][1]}"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [3_500, 35_000])
