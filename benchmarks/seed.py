"""`make bench` (seed): the demo registry and facts of one commune written two ways in the same run, the same
rows each time (same seed): the ORM's bulk_create in large batches (model instances, then their history with
bulk_create_with_history, as the demo wrote them before) against tanloi_portal.bulk (COPY on PostgreSQL,
executemany on SQLite), with the ratio. Then, optionally, the province seed itself (--communes N).

Run: python -m benchmarks.seed [CHILDREN] [COMMUNES]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
Figures printed, nothing asserted.
"""

import sys
import time

from benchmarks import start_django

ORM_BATCH = 10_000


def _orm_write(self, rows):
    """BulkTable.write as the ORM would do it: model instances, bulk_create, their history records."""
    from simple_history.utils import bulk_create_with_history

    if not rows:
        return 0
    objs = [self.model(**dict(zip(self.columns, row, strict=True)), **self.constants) for row in rows]
    if self.history is not None:
        bulk_create_with_history(objs, self.model, batch_size=ORM_BATCH, default_date=self.now)
    else:
        self.model.objects.bulk_create(objs, batch_size=ORM_BATCH)
    self.written += len(rows)
    return len(rows)


def main(children: int, communes: int) -> None:
    tmp = start_django()
    from django.db import connection, transaction
    from django.utils import timezone

    from benchmarks import reset_database
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from indicators.reference_data import load_reference_data
    from tanloi_portal import bulk
    from tanloi_portal.demo import demo_communes

    reset_database()
    load_reference_data()
    from tanloi_portal.models import Commune

    first = Commune.objects.get(code="tan-loi")
    orm_commune, copy_commune = demo_communes(like=first, count=2)
    today = timezone.localdate()
    copy_write = bulk.BulkTable.write
    times = {}
    for name, commune, write in (("bulk_create", orm_commune, _orm_write), ("bulk", copy_commune, copy_write)):
        bulk.BulkTable.write = write
        try:
            start = time.perf_counter()
            with transaction.atomic():
                generate_registry(commune=commune, children=children, today=today, seed=2025)
                registry = time.perf_counter() - start
                rows = sum(generate_facts(commune=commune, today=today, seed=2025).rows.values())
            times[name] = (registry, time.perf_counter() - start - registry, rows)
        finally:
            bulk.BulkTable.write = copy_write
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"{connection.vendor}: {children:,} children of one commune, the same rows written both ways")
    for name, (registry, facts, rows) in times.items():
        label = f"bulk_create ({ORM_BATCH:,} a batch)" if name == "bulk_create" else f"tanloi_portal.bulk ({method})"
        print(
            f"  {label:<32} registry {registry:6.1f} s, facts ({rows:,} rows) {facts:6.1f} s, "
            f"in all {registry + facts:6.1f} s ({children / (registry + facts):,.0f} children/s)"
        )
    orm, fast = (sum(times[n][:2]) for n in ("bulk_create", "bulk"))
    print(f"  bulk_create / {method}: {orm / fast:.1f}x the time")

    if communes > 1:
        from demo.seed import seed_province

        reset_database()
        load_reference_data()
        first = Commune.objects.get(code="tan-loi")
        report = seed_province(first=first, communes=communes, children=children, password="bench-only-password")
        print(f"seed_demo --communes {communes} --children {children}:")
        for stage, seconds in report.timings.items():
            print(f"  {stage:<20} {seconds:7.1f} s")
    tmp.cleanup()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 20_000, args[1] if len(args) > 1 else 1)
