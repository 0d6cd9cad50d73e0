"""`make bench` (workbook): time to build the workbook for the level above (reports.workbook) for one commune and a
report period, at the demo size (3,500 children) and any other size given, with its size in bytes and rows.

Run: python -m benchmarks.workbook [SIZE ...]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import io
import os
import statistics
import sys
import time

from benchmarks import start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def main(sizes: list[int]) -> None:
    tmp = start_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks import reset_database
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from indicators.reference_data import load_reference_data
    from reports.workbook import write_workbook
    from tanloi_portal.models import Commune

    for size in sizes:
        reset_database()
        load_reference_data()
        commune = Commune.objects.get(code="tan-loi")
        today = timezone.localdate()
        start = time.perf_counter()
        generate_registry(commune=commune, children=size, today=today)
        generate_facts(commune=commune, today=today)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - start
        for half, label in ((0, f"{today.year}"), (1, f"{today.year}-H1")):
            times, rows, size_bytes = [], 0, 0
            for _ in range(REPEAT):
                stream = io.BytesIO()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    rows = write_workbook(stream, communes=[commune], period_year=today.year, half=half, user=None)
                    times.append(time.perf_counter() - start)
                size_bytes = len(stream.getvalue())
            print(
                f"{connection.vendor:<10} {size:>8,} children (built in {built:.0f} s): workbook {label:<7} "
                f"median {statistics.median(times):6.2f} s, max {max(times):6.2f} s over {REPEAT}; "
                f"{rows} rows, {size_bytes / 1024:.0f} KiB, {len(queries.captured_queries)} queries",
                flush=True,
            )
    tmp.cleanup()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [3_500])
