"""`make bench` (dashboard): the dashboards' median response time through the Django test client, at a commune's
size and at a province's, in the same run, with the ratios and each page's query count: the chairman's
dashboard, the level above's dashboard of that commune, and (a province) all its communes side by side.

Each size is a fresh province (demo.seed.seed_province, as `seed_demo --communes N --children M`: users, the
registry, facts, the first commune's collaborators' updates and cases, and the figures of every year computed).
The dashboards read stored figures, kept in the cache between writes (reports/dashboard_cache.py), so their time
should not grow with the number of children; the first request of each page, which fills the cache, is printed
apart ("cold").

Run: python -m benchmarks.dashboard [COMMUNES:CHILDREN ...] (default 1:5000 100:500000);
BENCH_DATABASE_URL=postgres://... for PostgreSQL; BENCH_REPEAT requests per page (20 by default).
"""

import os
import statistics
import sys
import time

from benchmarks import parse_size, print_page_ratios, start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def main(sizes: list[tuple[int, int]]) -> None:
    tmp = start_django(client=True)
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from benchmarks import reset_database
    from demo.seed import seed_province
    from indicators.reference_data import load_reference_data
    from tanloi_portal.models import Commune, User

    year = timezone.localdate().year
    results = {}
    for communes, children in sizes:
        reset_database()
        cache.clear()
        load_reference_data()
        start = time.perf_counter()
        first = Commune.objects.get(code="tan-loi")
        seed_province(first=first, communes=communes, children=children, password="bench-only-password")
        built = time.perf_counter() - start
        pages = {
            "chairman's dashboard": ("chairman", reverse("home-chairman"), {"nam": year}),
            "level above, one commune": ("district", reverse("home-district"), {"nam": year, "xa": "tan-loi"}),
        }
        if communes > 1:
            pages["level above, all communes"] = ("district", reverse("home-district"), {"nam": year})
        print(
            f"{connection.vendor}: {communes} commune(s), {children:,} children (seeded in {built:.0f} s), "
            f"{REPEAT} requests per page",
            flush=True,
        )
        measured = {}
        for label, (username, path, params) in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            start = time.perf_counter()
            if client.get(path, params).status_code != 200:
                raise SystemExit(f"{path} {params} did not answer 200")
            cold = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                client.get(path, params)
                times.append((time.perf_counter() - start) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(path, params)
            measured[label] = (statistics.median(times), len(queries.captured_queries))
            print(
                f"    {label:<26} median {measured[label][0]:7.1f} ms, max {max(times):7.1f} ms, "
                f"cold {cold:7.1f} ms, {measured[label][1]} queries",
                flush=True,
            )
        results[(communes, children)] = measured
    if len(results) > 1:
        small, large = min(results, key=lambda s: s[1]), max(results, key=lambda s: s[1])
        print(f"{large[1]:,} children / {small[1]:,} ({large[1] / small[1]:.0f}x), median ratio per page:")
        print_page_ratios(results[small], results[large], 26)
    tmp.cleanup()


if __name__ == "__main__":
    main([parse_size(a) for a in sys.argv[1:]] or [(1, 5_000), (100, 500_000)])
