"""`make bench` (indicators): time to compute every metric of a year, for the whole commune and for every
hamlet, at the sizes given (the demo's 3,500 children and 10x that; 500,000 on PostgreSQL), and the ratio
between the smallest and the largest.

Run: python -m benchmarks.indicators [SIZE ...]; BENCH_DATABASE_URL=postgres://... for PostgreSQL (the issue's
figures are PostgreSQL's; SQLite works too).
"""

import sys
import time

from benchmarks import start_django


def main(sizes: list[int]) -> None:
    tmp = start_django()
    from django.db import connection
    from django.utils import timezone

    from benchmarks import reset_database
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from indicators.calculators import Period, Scope
    from indicators.reference_data import load_reference_data
    from indicators.selectors import current_plan
    from indicators.services import recompute
    from tanloi_portal.models import Commune

    timings = {}
    for size in sizes:
        reset_database()
        load_reference_data()
        commune = Commune.objects.get(code="tan-loi")
        plan = current_plan(commune=commune)
        today = timezone.localdate()
        start = time.perf_counter()
        generate_registry(commune=commune, children=size, today=today)
        generate_facts(commune=commune, today=today)
        if connection.vendor == "postgresql":
            # As autovacuum would after such a load: the planner needs the new tables' statistics.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - start
        period = Period(today.year)
        start = time.perf_counter()
        recompute(plan=plan, period=period, scope=Scope(commune))
        whole = time.perf_counter() - start
        start = time.perf_counter()
        for hamlet in commune.hamlets.all():
            recompute(plan=plan, period=period, scope=Scope(commune, hamlet))
        hamlets = time.perf_counter() - start
        timings[size] = (whole, hamlets)
        print(
            f"{connection.vendor:<10} {size:>8,} children (built in {built:.0f} s): all metrics for {period.year} "
            f"{whole:6.2f} s for the commune, {hamlets:6.2f} s for its 13 hamlets, {whole + hamlets:6.2f} s in all",
            flush=True,
        )
    if len(timings) > 1:
        small, large = min(timings), max(timings)
        commune_ratio = timings[large][0] / timings[small][0]
        hamlet_ratio = timings[large][1] / timings[small][1]
        print(
            f"{large:,} / {small:,} children ({large / small:.0f}x): commune {commune_ratio:.1f}x slower, "
            f"hamlets {hamlet_ratio:.1f}x slower"
        )
    tmp.cleanup()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5_000, 500_000])
