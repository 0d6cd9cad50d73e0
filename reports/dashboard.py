"""The chairman's dashboard: every metric of the year as a tile, the hamlet x metric heat table, children in
special circumstances by group x hamlet, the cases, and the registry's own health (with the completeness of
each hamlet's figures). The level above reads it for one commune, and all its communes side by side
(communes_dashboard): a commune x metric heat table, each commune's totals and the completeness of its figures.

Both read what is stored (the computed figures, a few aggregates): a fixed number of queries whatever the number
of children, hamlets, communes or years (tests/reports/test_dashboard.py counts them), and keep it in the cache
until a write changes it (reports/dashboard_cache.py).
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cases.deadlines import with_deadlines
from cases.models import Case, Task
from cases.selectors import CaseStatistics, case_statistics
from children.selectors import (
    GroupTable,
    HamletHealth,
    circumstance_memberships_on,
    commune_summary,
    group_hamlet_table,
    registry_health,
)
from indicators.models import Metric, Plan
from indicators.selectors import MetricValue, metric_values, metric_values_by_commune, metric_values_by_hamlet
from reports.dashboard_cache import cached, cached_each
from tanloi_portal.models import Commune, Hamlet

REVIEW_MONTHS = 6


def counted_on(year: int) -> date:
    """The day the year's children in special circumstances are counted on: its last, or today in this year."""
    return min(timezone.localdate(), date(year, 12, 31))


@dataclass(frozen=True)
class FiguresCompleteness:
    """How complete a scope's figures of the year are: of its metric values, how many are complete (their
    records cover enough of what they count, MetricValue.complete), and the one with the lowest completeness."""

    values: int  # metric values the year has (a metric without a value is not counted)
    complete: int
    lowest: MetricValue | None  # None: no value tells its completeness

    @property
    def share(self) -> Decimal | None:
        """Percent of the values that are complete; None without values."""
        return Decimal(100 * self.complete) / self.values if self.values else None


def figures_completeness(values: list[MetricValue]) -> FiguresCompleteness:
    with_value = [v for v in values if v.value is not None]
    measured = [v for v in with_value if v.completeness is not None]
    return FiguresCompleteness(
        values=len(with_value),
        complete=sum(v.complete for v in with_value),
        lowest=min(measured, key=lambda v: v.completeness) if measured else None,
    )


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
    health_rows: list[tuple[HamletHealth, FiguresCompleteness]]  # the completeness of each hamlet's figures
    waiting: int
    oldest_waiting: object
    incomplete: list[MetricValue]
    stale: int
    computed_at: object


def dashboard(*, user, plan, year: int) -> Dashboard:
    """The commune's dashboard for a year: its figures from the cache while nothing changed them
    (reports/dashboard_cache.py), its case counts always counted."""
    figures = cached("commune", [plan.commune_id], lambda: _commune_figures(plan=plan, year=year), plan.pk, year)
    return Dashboard(**figures, cases=case_statistics(user=user, year=year, commune_id=plan.commune_id))


def _commune_figures(*, plan, year: int) -> dict:
    commune = plan.commune
    values = metric_values(plan=plan, year=year)
    by_objective: dict = {}
    for v in values:
        by_objective.setdefault(v.metric.indicator.objective_id, []).append(v)
    objectives = [(o, by_objective.get(o.pk, [])) for o in plan.objectives.order_by("number")]
    hamlets = list(commune.hamlets.order_by("position", "name"))
    by_hamlet = metric_values_by_hamlet(plan=plan, year=year)
    per_hamlet = {pk: {v.metric.pk: v for v in vs} for pk, vs in by_hamlet.items()}
    heat = [HeatRow(v, [per_hamlet.get(h.pk, {}).get(v.metric.pk) for h in hamlets]) for v in values]
    since = timezone.now() - timedelta(days=round(REVIEW_MONTHS * 30.44))
    health = registry_health(commune=commune, since=since)
    groups_on = counted_on(year)
    oldest = [h.oldest_waiting for h in health if h.oldest_waiting]
    computed = [v.computed_at for v in values if v.computed_at and v.source == "computed"]
    return {
        "plan": plan,
        "year": year,
        "objectives": objectives,
        "hamlets": hamlets,
        "heat": heat,
        "groups": group_hamlet_table(commune=commune, on=groups_on),
        "groups_on": groups_on,
        "health": health,
        "health_rows": [(h, figures_completeness(by_hamlet.get(h.hamlet.pk, []))) for h in health],
        "waiting": sum(h.waiting for h in health),
        "oldest_waiting": min(oldest) if oldest else None,
        "incomplete": [v for v in values if not v.complete],
        "stale": sum(v.stale for v in values),
        "computed_at": max(computed) if computed else None,
    }


@dataclass(frozen=True)
class CommuneRow:
    commune: Commune  # annotated by children.selectors.commune_summary (hamlets, households, children)
    plan: Plan | None
    cells: list[MetricValue | None]  # one per column of the heat table; None: the plan has no such metric
    circumstances: int  # distinct children in special circumstances on the day (as the groups table counts)
    open_cases: int  # now
    overdue_cases: int  # now
    figures: FiguresCompleteness


@dataclass(frozen=True)
class CommunesDashboard:
    year: int
    on: date  # the day children in special circumstances are counted on
    columns: list[Metric]  # one per metric code, in the plans' order
    rows: list[CommuneRow]
    children: int
    circumstances: int
    open_cases: int
    overdue_cases: int


def communes_dashboard(*, communes: list[Commune], plans: dict[int, Plan], year: int) -> CommunesDashboard:
    """Every commune the level above oversees, side by side for a year: each metric's value and status (the
    same MetricValue each commune's own dashboard shows), its totals and the completeness of its figures.
    `communes` come annotated by commune_summary, `plans` from indicators.selectors.current_plans. A fixed
    number of queries whatever the number of communes, children or years; the figures from the cache while
    none of the communes changed (reports/dashboard_cache.py), the case counts always counted."""
    ids = [c.pk for c in communes]
    pieces = cached_each("communes-row", ids, lambda missing: _commune_rows(missing, plans, year), year)
    empty = {"values": [], "circumstances": 0, "figures": figures_completeness([])}
    pieces = {pk: pieces.get(pk, empty) for pk in ids}  # a commune deleted meanwhile: an empty row
    columns: dict[str, Metric] = {}
    for pk in ids:
        for v in pieces[pk]["values"]:
            columns.setdefault(v.metric.code, v.metric)
    cases = _cases_by_commune(ids)
    rows = []
    for commune in communes:
        piece = pieces[commune.pk]
        by_code = {v.metric.code: v for v in piece["values"]}
        open_cases, overdue = cases.get(commune.pk, (0, 0))
        rows.append(
            CommuneRow(
                commune=commune,
                plan=plans.get(commune.pk),
                cells=[by_code.get(code) for code in columns],
                circumstances=piece["circumstances"],
                open_cases=open_cases,
                overdue_cases=overdue,
                figures=piece["figures"],
            )
        )
    return CommunesDashboard(
        year=year,
        on=counted_on(year),
        columns=list(columns.values()),
        rows=rows,
        children=sum(c.child_count for c in communes),
        circumstances=sum(r.circumstances for r in rows),
        open_cases=sum(r.open_cases for r in rows),
        overdue_cases=sum(r.overdue_cases for r in rows),
    )


def _light(metric: Metric) -> Metric:
    """The metric as the side-by-side table shows it (code, title, unit), without its indicator, baseline and
    targets: a hundred communes' rows stay small in the cache."""
    return Metric(pk=metric.pk, indicator_id=metric.indicator_id, code=metric.code, position=metric.position,
                  title=metric.title, unit=metric.unit, direction=metric.direction)  # fmt: skip


def _commune_rows(ids: list[int], plans: dict[int, Plan], year: int) -> dict[int, dict]:
    """{commune id: its values of the year (light: no series), its children in special circumstances, the
    completeness of its figures}, for the communes given in a fixed number of queries."""
    values = metric_values_by_commune(plans=[plans[pk] for pk in ids if pk in plans], year=year)
    circumstances = _circumstance_children_by_commune(ids, counted_on(year))
    pieces = {}
    for pk in ids:
        mine = [replace(v, metric=_light(v.metric), series=()) for v in values.get(pk, [])]
        pieces[pk] = {"values": mine, "circumstances": circumstances.get(pk, 0), "figures": figures_completeness(mine)}
    return pieces


def summarised_communes(*, communes: QuerySet[Commune]) -> list[Commune]:
    """The communes with their hamlet, household and child counts (children.selectors.commune_summary), by name,
    each commune's from the cache while it has not changed: counting a province's children is the dashboard's
    dearest read."""
    ids = list(communes.order_by("name", "pk").values_list("pk", flat=True))
    counted = cached_each(
        "communes-summary",
        ids,
        lambda missing: {c.pk: c for c in commune_summary(communes=Commune.objects.filter(pk__in=missing))},
    )
    return [counted[pk] for pk in ids if pk in counted]  # a commune deleted meanwhile is left out


def _circumstance_children_by_commune(commune_ids: list[int], on: date) -> dict[int, int]:
    """{commune id: distinct children in any of the 14 groups on the day}: the figure of the last row of each
    commune's groups table (children.selectors.group_hamlet_table), for all communes in one query."""
    return dict(
        circumstance_memberships_on(on=on, communes=commune_ids)
        .values("child__commune_id")
        .annotate(n=Count("child", distinct=True))
        .values_list("child__commune_id", "n")
    )


def _cases_by_commune(commune_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{commune id: (open cases, overdue cases)} now, overdue as cases.selectors.overdue_in_commune counts it
    (cases.deadlines.with_deadlines), for all communes in one query."""
    open_cases = Case.objects.filter(commune_id__in=commune_ids).exclude(status=Case.Status.CLOSED)
    annotated = with_deadlines(open_cases, open_tasks=Task.objects.filter(status=Task.Status.OPEN), now=timezone.now())
    return {
        row["commune_id"]: (row["open"], row["overdue"])
        for row in annotated.order_by()
        .values("commune_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(overdue=True)))
    }
