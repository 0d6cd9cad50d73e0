"""Demo indicator data for `seed_demo`: hamlet assessments, values the units enter by hand, and computed
values for every year of the plan so far, so that the board and the charts have something to show.

For a province-sized demo: the first commune's plan copied to each other commune, the same kind of
assessments and entered values written in bulk, and the computed figures left to the worker (marked stale)."""

import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.calculators import Period, Scope
from indicators.freshness import mark_year, recompute_year
from indicators.models import HamletAssessment, Indicator, Measurement, Metric, Objective, Plan, PlanText, Target
from indicators.selectors import current_plan
from indicators.services import enter_value
from tanloi_portal.bulk import BulkTable, reserve_ids
from tanloi_portal.models import Hamlet

# Entered metrics: a plausible value in the base year and its yearly change towards the target.
ENTERED = {"6": ("4", "-0.5"), "7": ("85", "3"), "12": ("100", "0"), "15": ("97.5", "0.3"), "19": ("40", "8"),
           "20a": ("30", "4"), "22": ("15", "3"), "23": ("60", "5"), "24": ("12", "3")}  # fmt: skip


def _assessment(plan, year: int, index: int) -> tuple[bool, bool]:
    """(child-friendly, play space) of the hamlet at `index` (by position) in a year."""
    friendly = 6 + min(year - plan.base_year, 4)  # 6 hamlets in 2021, 10 from 2025
    return index < friendly, index < 3 + (year - plan.base_year) // 2


def _entered(plan, code: str, year: int, rng: random.Random) -> Decimal:
    start, step = ENTERED[code]
    value = Decimal(start) + Decimal(step) * (year - plan.base_year) + Decimal(rng.randint(-5, 5)) / 10
    return max(Decimal(0), min(Decimal(100), value))


def seed_indicators(*, plan, years: list[int], by=None, seed: int = 2025, compute: bool = True) -> int:
    """Hamlet assessments and entered values, committed; then every year given recomputed (which clears the
    marks those changes left), so that the demo board is fresh from its first page. With compute=False the
    years are marked stale instead, for the worker to compute."""
    rng = random.Random(seed)
    commune = plan.commune
    hamlets = list(commune.hamlets.order_by("position"))
    stored = 0
    with transaction.atomic():
        for year in range(plan.base_year, max(years) + 1):
            for index, hamlet in enumerate(hamlets):
                friendly, play_space = _assessment(plan, year, index)
                HamletAssessment.objects.update_or_create(
                    hamlet=hamlet, year=year, defaults={"child_friendly": friendly, "play_space": play_space}
                )
        metrics = {m.code: m for m in Metric.objects.filter(indicator__plan=plan)}
        for year in sorted({plan.base_year, *years}):
            for code in ENTERED:
                enter_value(metric=metrics[code], scope=Scope(commune), period=Period(year),
                            value=_entered(plan, code, year, rng), by=by, note="Số liệu mẫu")  # fmt: skip
                stored += 1
    for year in sorted({plan.base_year, *years}):
        if compute:
            stored += recompute_year(plan=plan, year=year)
        else:
            mark_year(plan=plan, year=year)
    return stored


# --- a province: many communes ------------------------------------------------------------------------------


@transaction.atomic
def copy_plan(*, plan: Plan, commune) -> Plan:
    """The commune's own copy of a plan: its objectives, indicators (led by the commune's unit of the same
    code), metrics, targets and words (the first commune's name replaced by this one's). The commune's
    current plan if it has one already."""
    existing = current_plan(commune=commune)
    if existing is not None:
        return existing
    old_name = plan.commune.name

    def renamed(text: str) -> str:
        return text.replace(old_name, commune.name)

    copy = Plan.objects.create(commune=commune, code=plan.code, title=renamed(plan.title), start_year=plan.start_year,
                               end_year=plan.end_year, base_year=plan.base_year)  # fmt: skip
    text = PlanText.objects.filter(plan=plan).first()
    if text is not None:
        PlanText.objects.create(plan=copy, number="", issued_on=None, grounds=text.grounds, purposes=text.purposes,
                                general_objective=text.general_objective, activities=text.activities,
                                solutions=text.solutions, closing=renamed(text.closing),
                                recipients=text.recipients)  # fmt: skip
    objectives = {
        o.pk: Objective(plan=copy, number=o.number, title_vi=o.title_vi, title_en=o.title_en)
        for o in plan.objectives.order_by("number")
    }
    Objective.objects.bulk_create(objectives.values())
    units = {u.code: u for u in commune.units.all()}
    indicators = {
        i.pk: Indicator(
            plan=copy,
            objective=objectives[i.objective_id],
            number=i.number,
            title_vi=i.title_vi,
            title_en=i.title_en,
            plan_text=renamed(i.plan_text),
            lead_unit=units[i.lead_unit.code],
        )
        for i in plan.indicators.select_related("lead_unit").order_by("number")
    }
    Indicator.objects.bulk_create(indicators.values())
    metrics = {
        m.pk: Metric(
            indicator=indicators[m.indicator_id],
            code=m.code,
            position=m.position,
            title_vi=m.title_vi,
            title_en=m.title_en,
            unit=m.unit,
            direction=m.direction,
            source=m.source,
        )
        for m in Metric.objects.filter(indicator__plan=plan).order_by("pk")
    }
    Metric.objects.bulk_create(metrics.values())
    Target.objects.bulk_create(
        Target(metric=metrics[t.metric_id], year=t.year, value=t.value)
        for t in Target.objects.filter(metric__indicator__plan=plan).order_by("pk")
    )
    return copy


def seed_indicators_bulk(*, plans: list[Plan], years: list[int], by=None, seed: int = 2025) -> int:
    """seed_indicators' assessments and entered values for many communes at once, written in bulk (only those
    missing), and every year marked stale for the worker to compute: nothing is computed here. Returns the
    number of values written."""
    now = timezone.now()
    assessments = BulkTable(HamletAssessment, ("id", "hamlet_id", "year", "child_friendly", "play_space"), now=now)
    measurements = BulkTable(
        Measurement,
        ("id", "metric_id", "commune_id", "hamlet_id", "year", "half", "value", "source", "note", "by_id"),
        now=now,
    )
    plan_ids = [plan.pk for plan in plans]
    assessed = set(
        HamletAssessment.objects.filter(hamlet__commune__plans__in=plan_ids).values_list("hamlet_id", "year")
    )
    entered = set(
        Measurement.objects.filter(
            metric__indicator__plan__in=plan_ids, source=Measurement.Source.ENTERED, half=0, hamlet=None
        ).values_list("metric_id", "year")
    )
    metrics: dict[int, dict[str, int]] = {}
    for pk, plan_id, code in Metric.objects.filter(indicator__plan__in=plan_ids, code__in=ENTERED).values_list(
        "pk", "indicator__plan_id", "code"
    ):
        metrics.setdefault(plan_id, {})[code] = pk
    hamlets: dict[int, list[int]] = {}
    in_order = Hamlet.objects.filter(commune__in=[plan.commune_id for plan in plans]).order_by("commune", "position")
    for pk, commune_id in in_order.values_list("pk", "commune_id"):
        hamlets.setdefault(commune_id, []).append(pk)
    rows_a, rows_m = [], []
    for plan in plans:
        rng = random.Random(seed + plan.commune_id)
        for year in range(plan.base_year, max(years) + 1):
            for index, hamlet in enumerate(hamlets.get(plan.commune_id, [])):
                if (hamlet, year) not in assessed:
                    rows_a.append((hamlet, year, *_assessment(plan, year, index)))
        for year in sorted({plan.base_year, *years}):
            for code in ENTERED:
                value = _entered(plan, code, year, rng)
                metric = metrics[plan.pk][code]
                if (metric, year) not in entered:
                    rows_m.append((metric, plan.commune_id, None, year, 0, value, Measurement.Source.ENTERED.value,
                                   "Số liệu mẫu", getattr(by, "pk", None)))  # fmt: skip
    with transaction.atomic():
        ids = reserve_ids(HamletAssessment, len(rows_a))
        assessments.write([(pk, *row) for pk, row in zip(ids, rows_a, strict=True)])
        ids = reserve_ids(Measurement, len(rows_m))
        measurements.write([(pk, *row) for pk, row in zip(ids, rows_m, strict=True)])
    for plan in plans:
        for year in sorted({plan.base_year, *years}):
            mark_year(plan=plan, year=year)
    return len(rows_m)
