"""`seed_demo`: each app's demo module, in the order of the flow (users, the registry and its facts, the
collaborators' reports, cases, indicator values). This app only orchestrates; each app owns its demo data.

One commune (the default) is seeded as it always was, its figures computed. Several communes make a province:
the first commune as above but for its figures, then more communes like it (tanloi_portal.demo), each with a
copy of its plan (indicators.demo) and its share of the children; the registry and facts are written in bulk,
one transaction per commune, then the figures of every year computed for all communes at once
(indicators.services.recompute_communes)."""

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cases.demo import demo_cases
from children.demo import demo_updates, generate_registry
from children.demo_facts import generate_facts
from children.models import Child
from indicators.calculators import Period
from indicators.demo import copy_plan, seed_indicators, seed_indicators_bulk
from indicators.models import StaleFigure
from indicators.selectors import current_plan
from indicators.services import recompute_communes
from tanloi_portal.demo import DemoLogin, demo_communes, demo_officers, demo_users
from tanloi_portal.models import Commune, User


@dataclass(frozen=True)
class DemoReport:
    logins: list[DemoLogin]
    households: int
    children: int
    registry_skipped: bool
    facts: dict[str, int] = field(default_factory=dict)
    communes: int = 1
    # Seconds per stage, in order (a province only): "communes", "registry", "facts", ..., "total".
    timings: dict[str, float] = field(default_factory=dict)
    # How the computed figures were left: "computed", "marked" (for the worker) or "recompute_communes".
    figures: str = "computed"
    marked_years: int = 0


def seed_demo(
    *, commune: Commune, children: int, password: str, seed: int = 2025, communes: int = 1, progress=None
) -> DemoReport:
    """Create the demo users that are missing and, if the commune has no child yet, a demo registry; then
    its figures, computed once the registry has committed (so that nothing is left marked stale).

    With `communes` > 1: a province of that many communes, `commune` the first (see seed_province)."""
    if communes > 1:
        return seed_province(
            first=commune, communes=communes, children=children, password=password, seed=seed, progress=progress
        )
    with transaction.atomic():
        logins = demo_users(commune=commune, password=password)
        if Child.objects.filter(commune=commune).exists():
            return DemoReport(logins=logins, households=0, children=0, registry_skipped=True)
        today = timezone.localdate()
        made = generate_registry(commune=commune, children=children, today=today, seed=seed)
        facts = generate_facts(commune=commune, today=today, seed=seed).rows
        demo_updates(commune=commune, today=today)
        demo_cases(commune=commune)
    plan = current_plan(commune=commune)
    if plan is not None:
        officer = User.objects.filter(username="officer").first()
        years = list(range(plan.base_year, today.year + 1))
        facts = {**facts, "số liệu chỉ tiêu": seed_indicators(plan=plan, years=years, by=officer)}
    return DemoReport(
        logins=logins, households=made.households, children=made.children, registry_skipped=False, facts=facts
    )


def split_children(total: int, communes: int, seed: int = 2025) -> list[int]:
    """`total` children shared between communes, roughly equally (each within about a quarter of the mean),
    adding up exactly. Deterministic for a seed."""
    rng = random.Random(seed)
    weights = [rng.uniform(0.75, 1.25) for _ in range(communes)]
    exact = [total * w / sum(weights) for w in weights]
    shares = [int(x) for x in exact]
    # The children left by rounding down go to the largest remainders.
    for index in sorted(range(communes), key=lambda i: exact[i] - shares[i], reverse=True)[: total - sum(shares)]:
        shares[index] += 1
    return shares


def commune_seed(seed: int, index: int) -> int:
    """The seed of the index-th commune of a province (the first keeps the demo's own)."""
    return seed + 1000 * index


def seed_province(
    *,
    first: Commune,
    communes: int,
    children: int,
    password: str,
    seed: int = 2025,
    progress: Callable[[int, int, Commune, int], None] | None = None,
    compute: bool = True,
) -> DemoReport:
    """`communes` communes under the same level above: `first` with today's demo users, cases and reports,
    the others each with an officer (officer-<code>), and `children` shared between them. A commune that has
    children already is left as it is (a second run only completes the first). `progress(done, total,
    commune, children)` after each commune. `compute`: the figures of every year computed at the end (else
    left marked stale, for the worker, or for a benchmark that times the computation itself)."""
    timings: dict[str, float] = {}
    started = stage = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal stage
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - stage
        stage = now

    today = timezone.localdate()
    with transaction.atomic():
        logins = demo_users(commune=first, password=password)
        others = demo_communes(like=first, count=communes - 1, seed=seed)
        logins += demo_officers(communes=others, password=password)
        template = current_plan(commune=first)
        plans = [] if template is None else [template, *(copy_plan(plan=template, commune=c) for c in others)]
    lap("communes")

    province = [first, *others]
    households = made_children = 0
    facts: Counter = Counter()
    seeded: list[Commune] = []
    for index, (commune, share) in enumerate(zip(province, split_children(children, communes, seed), strict=True)):
        if Child.objects.filter(commune=commune).exists():
            continue
        with transaction.atomic():  # a commune whole or not at all: a run stopped midway is completed by the next
            made = generate_registry(commune=commune, children=share, today=today, seed=commune_seed(seed, index))
            lap("registry")
            facts.update(generate_facts(commune=commune, today=today, seed=commune_seed(seed, index)).rows)
            lap("facts")
        households, made_children = households + made.households, made_children + made.children
        seeded.append(commune)
        if progress:
            progress(index + 1, communes, commune, made.children)
    if first in seeded:
        with transaction.atomic():
            demo_updates(commune=first, today=today)
            demo_cases(commune=first)
    stage = time.perf_counter()  # what the progress printed is no stage's

    figures, marked_years = "marked", 0
    seeded_ids = {commune.pk for commune in seeded}
    chosen = [plan for plan in plans if plan.commune_id in seeded_ids]
    if chosen:
        officer = User.objects.filter(username="officer").first()
        years = list(range(min(p.base_year for p in chosen), today.year + 1))
        facts["số liệu chỉ tiêu nhập tay"] += seed_indicators_bulk(plans=chosen, years=years, by=officer, seed=seed)
        marked_years = len(years)
        lap("indicators")
    if connection.vendor == "postgresql":
        # Statistics of the tables just filled, for every query after (the recompute's first).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("ANALYZE")
    if chosen and compute:
        computed_from = timezone.now()
        for year in years:
            facts["số liệu chỉ tiêu tính được"] += recompute_communes(plans=chosen, period=Period(year), by=officer)
        # The marks of what it computed (the worker's would compute it again).
        StaleFigure.objects.filter(
            commune__in=[p.commune_id for p in chosen], year__in=years, changed_at__lte=computed_from
        ).delete()
        figures = "recompute_communes"
        lap("recompute_communes")
    timings["total"] = time.perf_counter() - started
    return DemoReport(
        logins=logins,
        households=households,
        children=made_children,
        registry_skipped=not seeded,
        facts=dict(facts),
        communes=len(province),
        timings=timings,
        figures=figures,
        marked_years=marked_years,
    )
