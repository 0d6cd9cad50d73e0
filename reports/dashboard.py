"""The chairman's dashboard: every metric of the year as a tile, the hamlet x metric heat table, children in
special circumstances by group x hamlet, the cases, and the registry's own health.

It reads what is stored (the computed figures, a few aggregates): a fixed number of queries whatever the number
of children, hamlets or years (tests/reports/test_dashboard.py counts them).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from cases.selectors import CaseStatistics, case_statistics
from children.selectors import GroupTable, HamletHealth, group_hamlet_table, registry_health
from indicators.selectors import MetricValue, metric_values, metric_values_by_hamlet
from tanloi_portal.models import Hamlet

REVIEW_MONTHS = 6


@dataclass(frozen=True)
class HeatRow:
    value: MetricValue  # the commune's
    cells: list[MetricValue | None]  # one per hamlet, in the table's order


@dataclass(frozen=True)
class Dashboard:
    plan: object
    year: int
    objectives: list[tuple[object, list[MetricValue]]]
    hamlets: list[Hamlet]
    heat: list[HeatRow]
    groups: GroupTable
    groups_on: object  # the day the groups are counted on: the year's last, or today in the current year
    cases: CaseStatistics
    health: list[HamletHealth]
    waiting: int
    oldest_waiting: object
    incomplete: list[MetricValue]
    stale: int
    computed_at: object


def dashboard(*, user, plan, year: int) -> Dashboard:
    commune = plan.commune
    values = metric_values(plan=plan, year=year)
    by_objective: dict = {}
    for v in values:
        by_objective.setdefault(v.metric.indicator.objective_id, []).append(v)
    objectives = [(o, by_objective.get(o.pk, [])) for o in plan.objectives.order_by("number")]
    hamlets = list(commune.hamlets.order_by("position", "name"))
    per_hamlet = {pk: {v.metric.pk: v for v in vs} for pk, vs in metric_values_by_hamlet(plan=plan, year=year).items()}
    heat = [HeatRow(v, [per_hamlet.get(h.pk, {}).get(v.metric.pk) for h in hamlets]) for v in values]
    since = timezone.now() - timedelta(days=round(REVIEW_MONTHS * 30.44))
    health = registry_health(commune=commune, since=since)
    groups_on = min(timezone.localdate(), date(year, 12, 31))
    oldest = [h.oldest_waiting for h in health if h.oldest_waiting]
    computed = [v.computed_at for v in values if v.computed_at and v.source == "computed"]
    return Dashboard(
        plan=plan,
        year=year,
        objectives=objectives,
        hamlets=hamlets,
        heat=heat,
        groups=group_hamlet_table(commune=commune, on=groups_on),
        groups_on=groups_on,
        cases=case_statistics(user=user, year=year, commune_id=commune.pk),
        health=health,
        waiting=sum(h.waiting for h in health),
        oldest_waiting=min(oldest) if oldest else None,
        incomplete=[v for v in values if not v.complete],
        stale=sum(v.stale for v in values),
        computed_at=max(computed) if computed else None,
    )
