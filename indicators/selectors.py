"""Reads of the plan: objectives, indicators, metrics and their targets."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from children.selectors import communes_visible_to
from indicators.calculators import CALCULATORS
from indicators.models import Indicator, Measurement, Metric, Objective, Plan, StaleFigure, Target
from indicators.progress import PERCENT_LIMITS, Progress, choose_base, is_complete, passed_target, progress

TARGET_YEARS = (2025, 2030)


def current_plan(*, commune) -> Plan | None:
    """The commune's newest plan."""
    return Plan.objects.filter(commune=commune).order_by("-start_year", "-pk").first()


def _metrics_with_targets() -> QuerySet[Metric]:
    return Metric.objects.order_by("position").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("year"))
    )


def plan_objectives(*, plan: Plan) -> QuerySet[Objective]:
    """Objectives with their indicators, lead units, metrics and targets: four queries whatever the size."""
    indicators = (
        Indicator.objects.select_related("lead_unit")
        .order_by("number")
        .prefetch_related(Prefetch("metrics", _metrics_with_targets()))
    )
    return plan.objectives.order_by("number").prefetch_related(Prefetch("indicators", indicators))


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def metric_targets(metric: Metric) -> dict[int, Decimal]:
    """{year: target} from the metric's prefetched targets."""
    return {t.year: t.value for t in metric.targets.all()}


def plan_export(*, plan: Plan) -> dict:
    """The plan as plain data, in the shape `export_plan --format json` prints for the level above."""
    objectives = []
    for objective in plan_objectives(plan=plan):
        indicators = []
        for indicator in objective.indicators.all():
            metrics = []
            for metric in indicator.metrics.all():
                targets = metric_targets(metric)
                metrics.append(
                    {
                        "code": metric.code,
                        "title": metric.title,
                        "unit": metric.unit,
                        "direction": metric.direction,
                        **{f"target_{year}": _number(targets.get(year)) for year in TARGET_YEARS},
                    }
                )
            indicators.append(
                {
                    "number": indicator.number,
                    "title": indicator.title,
                    "lead_unit": indicator.lead_unit.name,
                    "metrics": metrics,
                }
            )
        objectives.append({"number": objective.number, "title": objective.title, "indicators": indicators})
    return {"commune": plan.commune.name, "objectives": objectives}


def indicators_led_by(*, plan: Plan, unit) -> QuerySet[Indicator]:
    """Indicators a unit leads; a school also leads what its group "Các trường trên địa bàn" leads."""
    unit_ids = [pk for pk in (unit.pk, unit.parent_id) if pk]
    return (
        plan.indicators.filter(lead_unit_id__in=unit_ids)
        .select_related("lead_unit")
        .order_by("number")
        .prefetch_related(Prefetch("metrics", _metrics_with_targets()))
    )


def plan_visible_to(*, user, commune_code: str = "") -> Plan | None:
    """The plan of the user's commune. Those who see several communes (the level above, the admin) pick one
    by its code; with a single commune in the installation, it is that one."""
    communes = communes_visible_to(user=user)
    if commune_code:
        communes = communes.filter(code=commune_code)
    found = list(communes[:2])
    return current_plan(commune=found[0]) if len(found) == 1 else None


@dataclass(frozen=True)
class MetricValue:
    metric: Metric
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    source: str | None
    progress: Progress
    completeness: Decimal | None = None  # percent of the population with records; None: cannot be told
    complete: bool = True  # False: flagged "số liệu chưa đầy đủ"
    computed_at: datetime | None = None
    stale: bool = False  # changed since it was computed: being recomputed
    previous: Decimal | None = None  # the year before's value, for the trend arrow
    base_chosen: bool = False  # the base year is the officer's choice (MetricBaseline)
    base_reason: str = ""
    series: tuple = ()  # (year, value, complete) of every year with a value, up to this one, for sparklines


def _complete_share() -> float:
    return float(settings.FIGURES_COMPLETE_PERCENT)


def stale_since(*, commune, hamlet, year: int) -> datetime | None:
    """When the scope's figures for the year last changed, if they wait for a recompute."""
    row = StaleFigure.objects.filter(commune=commune, hamlet=hamlet, year=year).only("changed_at").first()
    return row.changed_at if row else None


def _plan_metrics(plan: Plan) -> list[Metric]:
    return list(
        _metrics_with_targets()
        .filter(indicator__plan=plan)
        .select_related("indicator", "baseline")
        .order_by("indicator__number", "position")
    )


def _chosen(rows) -> dict[tuple, Measurement]:
    """One measurement per (scope, metric, year): an entered value overrides a computed one."""
    chosen: dict[tuple, Measurement] = {}
    for m in rows:
        key = (m.hamlet_id, m.metric_id, m.year)
        if key not in chosen or m.source == Measurement.Source.ENTERED:
            chosen[key] = m
    return chosen


def metric_values(*, plan: Plan, year: int, hamlet=None, half: int = 0) -> list[MetricValue]:
    """Every metric of the plan for a year and scope: the entered value where there is one (it overrides),
    else the computed one; with its completeness, when it was computed and whether it is being recomputed,
    and its status against the targets from its base (indicators/progress.py). Four queries."""
    metrics = _plan_metrics(plan)
    first_year = min(plan.start_year, plan.base_year)
    rows = Measurement.objects.filter(
        metric__in=metrics, commune=plan.commune, hamlet=hamlet, half=half, year__gte=first_year, year__lte=year
    )
    changed = stale_since(commune=plan.commune, hamlet=hamlet, year=year) if half == 0 else None
    scope = hamlet.pk if hamlet is not None else None
    return _values(metrics, _chosen(rows), scope=scope, year=year, first_year=first_year, changed=changed)


def metric_values_by_hamlet(*, plan: Plan, year: int) -> dict[int, list[MetricValue]]:
    """metric_values for every hamlet of the plan's commune at once: {hamlet id: values}. Four queries, whatever
    the number of hamlets and years."""
    metrics = _plan_metrics(plan)
    first_year = min(plan.start_year, plan.base_year)
    rows = Measurement.objects.filter(
        metric__in=metrics, commune=plan.commune, hamlet__isnull=False, half=0, year__gte=first_year, year__lte=year
    )
    chosen = _chosen(rows)
    changed = dict(
        StaleFigure.objects.filter(commune=plan.commune, year=year, hamlet__isnull=False).values_list(
            "hamlet_id", "changed_at"
        )
    )
    hamlet_ids = {key[0] for key in chosen} | set(changed)
    return {
        pk: _values(metrics, chosen, scope=pk, year=year, first_year=first_year, changed=changed.get(pk))
        for pk in hamlet_ids
    }


def current_plans(*, communes) -> dict[int, Plan]:
    """current_plan of several communes at once: {commune id: its newest plan}. One query."""
    plans: dict[int, Plan] = {}
    for plan in Plan.objects.filter(commune__in=communes).order_by("commune_id", "-start_year", "-pk"):
        plans.setdefault(plan.commune_id, plan)
    return plans


def metric_values_by_commune(*, plans: list[Plan], year: int) -> dict[int, list[MetricValue]]:
    """metric_values of the whole commune (hamlet=None) for several communes' plans at once: {commune id:
    values}, each list as metric_values gives it for that plan. Four queries, whatever the number of communes,
    children and years."""
    if not plans:
        return {}
    by_pk = {plan.pk: plan for plan in plans}
    metrics = list(
        _metrics_with_targets()
        .filter(indicator__plan__in=list(by_pk))
        .select_related("indicator", "baseline")
        .order_by("indicator__number", "position")
    )
    plan_of_metric = {m.pk: m.indicator.plan_id for m in metrics}
    first_year = {pk: min(plan.start_year, plan.base_year) for pk, plan in by_pk.items()}
    rows = Measurement.objects.filter(
        metric__indicator__plan__in=list(by_pk),
        commune__in={plan.commune_id for plan in plans},
        hamlet__isnull=True,
        half=0,
        year__gte=min(first_year.values()),
        year__lte=year,
    )
    # Each plan's rows apart, as metric_values reads them: its own commune, from its own first year.
    rows_of: dict[int, list[Measurement]] = {pk: [] for pk in by_pk}
    for m in rows:
        pk = plan_of_metric[m.metric_id]
        if m.commune_id == by_pk[pk].commune_id and m.year >= first_year[pk]:
            rows_of[pk].append(m)
    changed = dict(
        StaleFigure.objects.filter(
            commune__in={plan.commune_id for plan in plans}, hamlet__isnull=True, year=year
        ).values_list("commune_id", "changed_at")
    )
    metrics_of: dict[int, list[Metric]] = {pk: [] for pk in by_pk}
    for metric in metrics:
        metrics_of[metric.indicator.plan_id].append(metric)
    return {
        plan.commune_id: _values(
            metrics_of[pk],
            _chosen(rows_of[pk]),
            scope=None,
            year=year,
            first_year=first_year[pk],
            changed=changed.get(plan.commune_id),
        )
        for pk, plan in by_pk.items()
    }


def _values(metrics, chosen, *, scope, year: int, first_year: int, changed) -> list[MetricValue]:
    series: dict[int, dict[int, tuple]] = {}
    for (hamlet_id, metric_id, y), m in chosen.items():
        if hamlet_id == scope:
            series.setdefault(metric_id, {})[y] = (m.value, m.completeness)
    threshold = _complete_share()
    out = []
    for metric in metrics:
        current = chosen.get((scope, metric.pk, year))
        baseline = getattr(metric, "baseline", None)
        targets = metric_targets(metric)
        years = series.get(metric.pk, {})
        base_year, base_value = choose_base(
            years,
            start_year=first_year,
            year=year,
            threshold=threshold,
            chosen_year=baseline.year if baseline else None,
        )
        passed_year, _goal = passed_target(targets, year)
        passed = chosen.get((scope, metric.pk, passed_year)) if passed_year else None
        status = progress(
            direction=metric.direction,
            targets=targets,
            base_year=base_year,
            base_value=base_value,
            year=year,
            value=current.value if current else None,
            limits=PERCENT_LIMITS if metric.unit == Metric.Unit.PERCENT else None,
            passed_value=passed.value if passed else None,
        )
        before = chosen.get((scope, metric.pk, year - 1))
        computed = current is not None and current.source == Measurement.Source.COMPUTED
        out.append(
            MetricValue(
                metric=metric,
                numerator=current.numerator if current else None,
                denominator=current.denominator if current else None,
                value=current.value if current else None,
                source=current.source if current else None,
                progress=status,
                completeness=current.completeness if current else None,
                complete=is_complete(current.completeness, threshold) if current else True,
                computed_at=current.at if current else None,
                stale=changed is not None
                and metric.code in CALCULATORS
                and (current is None or (computed and current.at < changed)),
                previous=before.value if before else None,
                base_chosen=baseline is not None,
                base_reason=baseline.reason if baseline else "",
                series=tuple((y, v, is_complete(c, threshold)) for y, (v, c) in sorted(years.items()) if v is not None),
            )
        )
    return out


def metric_of_plan(*, plan: Plan, code: str) -> Metric:
    return get_object_or_404(
        _metrics_with_targets().select_related("indicator__lead_unit", "baseline"), indicator__plan=plan, code=code
    )


@dataclass(frozen=True)
class YearValue:
    year: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    source: str
    by: str
    at: object
    note: str
    completeness: Decimal | None = None
    complete: bool = True


def _preferred(rows) -> dict:
    """One measurement per key: an entered value overrides a computed one."""
    chosen: dict = {}
    for m in rows:
        key = (m.year, m.hamlet_id)
        if key not in chosen or m.source == Measurement.Source.ENTERED:
            chosen[key] = m
    return chosen


def _year_value(m: Measurement) -> YearValue:
    who = (m.by.full_name or m.by.username) if m.by else ""
    complete = is_complete(m.completeness, _complete_share())
    return YearValue(m.year, m.value, m.numerator, m.denominator, m.source, who, m.at, m.note, m.completeness, complete)


def metric_history(*, metric: Metric, commune, hamlet=None) -> list[YearValue]:
    """The metric's yearly values for the commune (or a hamlet), oldest first."""
    rows = Measurement.objects.filter(metric=metric, commune=commune, hamlet=hamlet, half=0).select_related("by")
    return [_year_value(m) for _key, m in sorted(_preferred(rows).items(), key=lambda item: item[0][0])]


def metric_by_hamlet(*, metric: Metric, commune, year: int) -> list[tuple[object, YearValue | None]]:
    """Each hamlet of the commune with the metric's value for the year (None where nothing is stored)."""
    rows = Measurement.objects.filter(
        metric=metric, commune=commune, hamlet__isnull=False, year=year, half=0
    ).select_related("by")
    chosen = {hamlet_id: m for (_y, hamlet_id), m in _preferred(rows).items()}
    return [
        (hamlet, _year_value(chosen[hamlet.pk]) if hamlet.pk in chosen else None)
        for hamlet in commune.hamlets.order_by("position")
    ]


def stored_value(*, metric: Metric, commune, hamlet, year: int) -> YearValue | None:
    """The value the board shows for a metric, year and scope (an entered one over a computed one)."""
    rows = Measurement.objects.filter(metric=metric, commune=commune, hamlet=hamlet, year=year, half=0).select_related(
        "by"
    )
    chosen = _preferred(rows)
    return _year_value(next(iter(chosen.values()))) if chosen else None


def board_plan(*, user, commune_code: str = "") -> Plan | None:
    """The plan the board shows: the chosen commune's; with several communes and none chosen, the first that
    has a plan (the page offers the others)."""
    plan = plan_visible_to(user=user, commune_code=commune_code)
    if plan is None and not commune_code:
        plan = (
            Plan.objects.filter(commune__in=communes_visible_to(user=user))
            .select_related("commune")
            .order_by("commune__name", "-start_year")
            .first()
        )
    return plan


def board_rows(*, plan: Plan, year: int, hamlet=None) -> list[dict]:
    """Every metric's value for the year with its trend against the year before ("up"/"down") and whether
    that trend is good news for the metric's direction."""
    rows = []
    for v in metric_values(plan=plan, year=year, hamlet=hamlet):
        before = v.previous
        trend = None
        if v.value is not None and before is not None and v.value != before:
            trend = "up" if v.value > before else "down"
        better = None if trend is None else (trend == "up") == (v.metric.direction in ("at_least", "more_than"))
        rows.append({"v": v, "trend": trend, "better": better})
    return rows


def board_computed_at(rows: list[dict]) -> datetime | None:
    """When the board's newest computed figure was computed."""
    times = [row["v"].computed_at for row in rows if row["v"].source == Measurement.Source.COMPUTED]
    return max(times) if times else None


def metric_chart(*, metric: Metric, history: list[YearValue]) -> dict:
    """The metric chart's data: its years on a time axis (numbers, so that 2021, 2025 and 2026 are spaced
    as years are), the incomplete years marked, and the 2025 and 2030 targets as lines."""
    targets = metric_targets(metric)
    years = [h.year for h in history] + list(targets)
    return {
        "label": metric.title,
        "points": [{"x": h.year, "y": float(h.value)} for h in history if h.value is not None],
        "incomplete": [h.year for h in history if h.value is not None and not h.complete],
        "targets": [{"year": year, "value": float(value)} for year, value in sorted(targets.items())],
        "from": min(years) if years else None,
        "to": max(years) if years else None,
    }
