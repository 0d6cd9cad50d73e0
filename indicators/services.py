"""Storing measurements: computed ones from the calculators, entered ones from the units and the officer."""

from decimal import Decimal

from django.db import transaction

from indicators.calculators import CALCULATORS, Period, Scope, value_of
from indicators.models import Measurement, Metric, MetricBaseline, Plan, PlanText


def _store(
    *, metric: Metric, scope: Scope, period: Period, source: str, numerator, denominator, value, by, note="", **extra
):
    measurement, _created = Measurement.objects.update_or_create(
        metric=metric,
        commune=scope.commune,
        hamlet=scope.hamlet,
        year=period.year,
        half=period.half,
        source=source,
        defaults={
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "by": by,
            "note": note,
            **extra,
        },
    )
    return measurement


@transaction.atomic
def recompute(*, plan: Plan, period: Period, scope: Scope, by=None) -> list[Measurement]:
    """Compute and store every metric that has a calculator, for one period and scope."""
    stored = []
    for metric in Metric.objects.filter(indicator__plan=plan).order_by("indicator__number", "position"):
        calculate = CALCULATORS.get(metric.code)
        if calculate is None:
            continue
        result = calculate(period, scope)
        stored.append(
            _store(
                metric=metric,
                scope=scope,
                period=period,
                source=Measurement.Source.COMPUTED,
                numerator=result.numerator,
                denominator=result.denominator,
                value=value_of(result, metric.unit),
                completeness=result.completeness,
                by=by,
            )
        )
    return stored


def recompute_scopes(*, plan: Plan, period: Period, hamlets=None, commune_too: bool = True, progress=None) -> int:
    """Recompute a period for the commune and its hamlets (all of them, or those given), each scope in its
    own transaction; `progress(done, total)` after each. Returns the number of values stored."""
    commune = plan.commune
    scopes = [Scope(commune)] if commune_too else []
    chosen = commune.hamlets.order_by("position") if hamlets is None else hamlets
    scopes += [Scope(commune, hamlet) for hamlet in chosen]
    stored = 0
    for done, scope in enumerate(scopes, start=1):
        stored += len(recompute(plan=plan, period=period, scope=scope))
        if progress:
            progress(done, len(scopes))
    return stored


@transaction.atomic
def enter_value(
    *,
    metric: Metric,
    scope: Scope,
    period: Period,
    value: Decimal | None,
    by,
    numerator=None,
    denominator=None,
    note="",
) -> Measurement:
    """A value entered by hand: for the metrics no registry can give, or to override a computed one (with
    the reason in the note)."""
    return _store(
        metric=metric,
        scope=scope,
        period=period,
        source=Measurement.Source.ENTERED,
        numerator=numerator,
        denominator=denominator,
        value=value,
        by=by,
        note=note,
    )


@transaction.atomic
def baseline_set(*, metric: Metric, year: int | None, reason: str, by) -> MetricBaseline | None:
    """The officer's base year for a metric, with the reason; None: back to the first complete year."""
    if year is None:
        MetricBaseline.objects.filter(metric=metric).delete()
        return None
    baseline, _created = MetricBaseline.objects.update_or_create(
        metric=metric, defaults={"year": year, "reason": reason.strip(), "by": by}
    )
    return baseline


PLAN_TEXT_FIELDS = (
    "number", "issued_on", "grounds", "purposes", "general_objective", "activities", "solutions", "closing",
    "recipients",
)  # fmt: skip


@transaction.atomic
def plan_text_update(*, text: PlanText, by, **values) -> PlanText:
    """Store the officer's edit of the plan's words (with history: who changed what, when)."""
    changed = [f for f in PLAN_TEXT_FIELDS if f in values and getattr(text, f) != values[f]]
    for f in changed:
        setattr(text, f, values[f])
    if changed:
        text.updated_by = by
        text.full_clean()
        text.save(update_fields=[*changed, "updated_by", "updated_at"])
    return text
