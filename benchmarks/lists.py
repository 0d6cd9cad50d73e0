"""`make bench` (lists): the pages an officer reads most, at sizes given as COMMUNES:CHILDREN (by default a commune
of 5,000 children, one commune of 500,000, the hardest case, and a province of 500,000 in 100 communes, the
officer's one of them): the child list's first page, a page in the middle of it, a search without
diacritics (a name and a given name), a child's page and the case list (open cases; all cases, page 2).

Each is the median of BENCH_REPEAT requests (20 by default) through the Django test client for the commune's
officer, logged in, with the page's query count; then, for each larger size, the ratio of its median to the
smallest size's. The lists read a page by keyset within the commune's own index (children migrations 0014 and
0015) and never count the whole list (tanloi_portal.pagination), and the searches read PostgreSQL's trigram
indexes, so the medians should stay close while the registry grows a hundredfold. A search's cost follows the
number of children it matches, which grows with the registry.

Each size is a fresh commune (generate_registry and generate_facts, children.demo) or province (seed_province,
figures not computed), and one case per hundred of the officer's commune's children written directly (a fifth
open, at every step; units' tasks on those carried out).

Run: python -m benchmarks.lists [COMMUNES:CHILDREN ...]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import os
import random
import statistics
import sys
import time
from datetime import timedelta

from benchmarks import parse_size, print_page_ratios, start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
SEARCHES = ("nguyen van", "khang")


def _cases(*, commune, officer, count: int, seed: int = 2025) -> None:
    """`count` cases of the commune's children, most of them closed over three years, the rest open at every
    step (with a unit's task on those carried out), written in bulk with the deadline the services would store."""
    from django.utils import timezone

    from cases.deadlines import end_of, own_due_at
    from cases.models import Assignment, Case, Task
    from children.models import Child

    rng = random.Random(seed)
    now, today = timezone.now(), timezone.localdate()
    health = commune.units.get(code="tram-y-te")
    children = list(Child.objects.filter(commune=commune, status=Child.Status.LIVING).values_list("pk", flat=True))
    open_steps = ["intake", "assessed", "detailed", "plan_drafted", "in_progress", "reviewed"]
    cases = []
    for i in range(count):
        closed = rng.random() < 0.8
        received = now - timedelta(days=rng.randrange(1, 3 * 365) if closed else rng.randrange(0, 40), hours=1)
        case = Case(
            commune=commune, child_id=rng.choice(children), concern=rng.choice(("violence", "neglect")),
            channel="family", received_at=received, description="Mô tả", opened_by=officer, updated_by=officer,
            status="closed" if closed else open_steps[i % len(open_steps)],
        )  # fmt: skip
        if case.status == "closed":
            case.closed_at, case.outcome_kind = received + timedelta(days=30), "safe_with_family"
        if case.status in ("in_progress", "reviewed"):
            case.review_on = today + timedelta(days=rng.randrange(1, 60))
        if case.status == "reviewed":
            case.recommendation = "close"
        case.due_at = own_due_at(case)
        cases.append(case)
    created = Case.objects.bulk_create(cases, batch_size=2000)
    # Those it wrote (a province's first commune has the demo's cases, assigned already).
    carried_out = [c for c in created if c.status == "in_progress"]
    assignments = Assignment.objects.bulk_create([Assignment(case=c, unit=health) for c in carried_out])
    tasks = []
    for assignment in assignments:
        due = today + timedelta(days=rng.randrange(-5, 20))
        tasks.append(Task(assignment=assignment, what="Khám sức khỏe", due_on=due, due_at=end_of(due)))
    Task.objects.bulk_create(tasks, batch_size=2000)


def main(sizes: list[tuple[int, int]]) -> None:
    tmp = start_django(client=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from benchmarks import reset_database
    from cases.models import Case
    from cases.selectors import case_list_page
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from children.models import Child
    from children.selectors import ChildFilters, child_list
    from children.selectors.registry import CHILD_LIST_ORDER
    from demo.seed import seed_province
    from indicators.reference_data import load_reference_data
    from tanloi_portal.models import Commune, Role
    from tanloi_portal.pagination import Cursor, encode
    from tanloi_portal.services import user_create

    results: dict[tuple[int, int], dict[str, tuple[float, int]]] = {}
    for communes, total in sizes:
        reset_database()
        load_reference_data()
        commune = Commune.objects.get(code="tan-loi")
        today = timezone.localdate()
        start = time.perf_counter()
        if communes == 1:
            generate_registry(commune=commune, children=total, today=today)
            generate_facts(commune=commune, today=today)
        else:  # a province: the officer's commune is one of them, with its share of the children
            seed_province(first=commune, communes=communes, children=total, password="bench-only-pw", compute=False)
        size = Child.objects.filter(commune=commune).count()
        officer = user_create(username="b-officer", role=Role.OFFICER, commune=commune, password="bench-pw-12345")
        _cases(commune=commune, officer=officer, count=max(size // 100, 20))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after such a load
        built = time.perf_counter() - start

        # A page in the middle of the list: the link "Sau »" would carry from the row before it.
        middle = child_list(user=officer, filters=ChildFilters())[size // 2]
        values = tuple(getattr(middle, key.name) for key in CHILD_LIST_ORDER)
        middle_token = encode(Cursor(0, values, size // 2 + 1, False))
        # A child with a history: under 5 (growth, vaccination), in special circumstances, in the middle by number.
        mine = Child.objects.filter(commune=commune)
        child = (
            mine.filter(
                status=Child.Status.LIVING,
                date_of_birth__gte=today - timedelta(days=4 * 365),
                circumstancemembership__isnull=False,
                pk__gte=mine.order_by("pk")[size // 2].pk,
            )
            .order_by("pk")
            .first()
        ) or mine.filter(status=Child.Status.LIVING).order_by("pk")[size // 2]  # a small commune may have none
        client = Client()
        client.force_login(officer)
        all_cases = case_list_page(user=officer, open_only=False)
        pages = {
            "child list, first page": (reverse("children:child-list"), {}),
            "child list, middle page": (reverse("children:child-list"), {"trang": middle_token}),
            **{f'search "{q}"': (reverse("children:child-list"), {"q": q}) for q in SEARCHES},
            "child page": (reverse("children:child-detail", args=[child.pk]), {}),
            "case list (open)": (reverse("cases:list"), {}),
            "case list (all), page 2": (reverse("cases:list"), {"tat-ca": "1", "trang": all_cases.next_token}),
        }
        cases = Case.objects.filter(commune=commune)
        print(
            f"{connection.vendor}: {size:,} children in the officer's commune ({total:,} in {communes} communes), "
            f"{cases.count():,} cases "
            f"({cases.exclude(status='closed').count():,} open), built in {built:.0f} s; "
            f"{REPEAT} requests per page as its officer",
            flush=True,
        )
        measured = {}
        for label, (path, params) in pages.items():
            response = client.get(path, params)  # warms the caches
            if response.status_code != 200:
                raise SystemExit(f"{path} {params} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(path, params)
            count = len(queries.captured_queries)
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                client.get(path, params)
                times.append((time.perf_counter() - start) * 1000)
            measured[label] = (statistics.median(times), count)
            print(f"    {label:<28} median {measured[label][0]:7.1f} ms, max {max(times):7.1f} ms, {count} queries")
        results[(communes, total)] = measured
    small = min(results, key=lambda s: s[1])
    for large in [size for size in results if size != small]:  # each layout of the larger sizes
        print(
            f"{large[1]:,} children in {large[0]} commune(s) / {small[1]:,} in {small[0]} "
            f"({large[1] / small[1]:.0f}x), median ratio per page:"
        )
        print_page_ratios(results[small], results[large], 28)
    tmp.cleanup()


if __name__ == "__main__":
    main([parse_size(a) for a in sys.argv[1:]] or [(1, 5_000), (1, 500_000), (100, 500_000)])
