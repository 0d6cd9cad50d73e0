"""`make bench` (indicators): every metric of a year computed and stored for every commune and every hamlet
(indicators.services.recompute_communes: one grouped run per metric for all scopes), at a commune's size and at
a province's, in the same run, with the ratio of the times against the ratio of the children.

Each size is a fresh province (demo.seed.seed_province: the same registry and facts as `seed_demo --communes N
--children M`, figures not computed), then timed: the year computed once with nothing stored yet, then again (the
worker's usual run: most figures unchanged), with the number of grouped counts (one per distinct set of rows
the metrics count, whatever the number of communes and hamlets), read over FIGURES_COUNT_CONNECTIONS
connections on PostgreSQL.

Run: python -m benchmarks.indicators [COMMUNES:CHILDREN ...] (default 1:5000 100:500000);
BENCH_DATABASE_URL=postgres://... for PostgreSQL (the issue's figures are PostgreSQL's; SQLite works too).
"""

import sys
import time

from benchmarks import parse_size, start_django


def main(sizes: list[tuple[int, int]]) -> None:
    tmp = start_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks import reset_database
    from demo.seed import seed_province
    from indicators import calculators
    from indicators.calculators import Period
    from indicators.reference_data import load_reference_data
    from indicators.selectors import current_plans
    from indicators.services import recompute_communes
    from tanloi_portal.models import Commune

    read: list = []  # the grouped counts of the last recompute
    fetched = calculators.fetched
    calculators.fetched = lambda querysets: (read.extend(querysets), fetched(querysets))[1]
    readers = settings.FIGURES_COUNT_CONNECTIONS if connection.vendor == "postgresql" else 1
    year = timezone.localdate().year
    timings = {}
    for communes, children in sizes:
        reset_database()
        load_reference_data()
        start = time.perf_counter()
        first = Commune.objects.get(code="tan-loi")
        seed_province(first=first, communes=communes, children=children, password="bench-only-password", compute=False)
        built = time.perf_counter() - start
        plans = list(current_plans(communes=Commune.objects.all()).values())
        hamlets = sum(c.hamlets.count() for c in Commune.objects.all())

        read.clear()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            stored = recompute_communes(plans=plans, period=Period(year))
        first_run = time.perf_counter() - start
        grouped = len(read)  # read over several connections, which the capture above does not see
        start = time.perf_counter()
        recompute_communes(plans=plans, period=Period(year))
        again = time.perf_counter() - start
        timings[(communes, children)] = first_run
        print(
            f"{connection.vendor:<10} {communes:>3} commune(s), {hamlets:>5} hamlets, {children:>8,} children "
            f"(seeded in {built:.0f} s): all metrics of {year}, {stored:,} values, {first_run:6.2f} s "
            f"({grouped} grouped counts over {readers} connection(s), "
            f"{len(queries) + grouped} queries in all; again, mostly unchanged: {again:6.2f} s)",
            flush=True,
        )
    if len(timings) > 1:
        small, large = min(timings, key=lambda s: s[1]), max(timings, key=lambda s: s[1])
        print(
            f"{large[1]:,} children in {large[0]} communes / {small[1]:,} in {small[0]} "
            f"({large[1] / small[1]:.0f}x the children): {timings[large] / timings[small]:.1f}x the time"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main([parse_size(a) for a in sys.argv[1:]] or [(1, 5_000), (100, 500_000)])
