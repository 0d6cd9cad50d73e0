"""Storing measurements: computed ones from the calculators, entered ones from the units and the officer."""

from decimal import Decimal

from django.db import transaction

from indicators.calculators import CALCULATORS, Period, Scope, value_of
from indicators.models import Measurement, Metric, Plan


def _store(*, metric: Metric, scope: Scope, period: Period, source: str, numerator, denominator, value, by, note=""):
    measurement, _created = Measurement.objects.update_or_create(
        metric=metric,
        commune=scope.commune,
        hamlet=scope.hamlet,
        year=period.year,
        half=period.half,
        source=source,
        defaults={"numerator": numerator, "denominator": denominator, "value": value, "by": by, "note": note},
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
                by=by,
            )
        )
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
