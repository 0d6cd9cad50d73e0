"""Storing measurements: computed ones from the calculators, entered ones from the units and the officer."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from indicators.calculators import CALCULATORS, Period, Scope, ScopeKey, calculate_all_scopes, value_of
from indicators.models import Measurement, Metric, MetricBaseline, Plan, PlanText
from indicators.signals import send_figures_changed
from tanloi_portal.bulk import BulkTable, reserve_ids


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
    """Recompute a period for the commune and its hamlets (all of them, or those given): `recompute_communes`
    for the scopes asked. Returns the number of values stored."""
    chosen = plan.commune.hamlets.all() if hamlets is None else hamlets
    scopes = {(plan.commune_id, h.pk) for h in chosen}
    if commune_too:
        scopes.add((plan.commune_id, None))
    return recompute_communes(plans=[plan], period=period, scopes=scopes, progress=progress)


# The fields a recompute stores: a row whose stored values are these is left as it is (but for its time).
COMPUTED_FIELDS = ("numerator", "denominator", "value", "completeness")


def recompute_communes(
    *, plans: Iterable[Plan], period: Period, scopes: set[ScopeKey] | None = None, by=None, progress=None
) -> int:
    """Compute and store every metric that has a calculator, for the plans' communes and all their hamlets
    (or only the `scopes` given, as (commune id, hamlet id or None)), each metric in one grouped run for all
    of them, the metrics counted together (indicators/calculators.py `calculate_all_scopes`). `progress(done,
    total)` for each metric once its counts are in.

    Stored in one transaction, in bulk: new values created, changed ones updated with their history, the
    others only told the time they were computed again. Returns the number of values stored."""
    plans = list(plans)
    metrics = defaultdict(dict)  # code: {commune id: metric}
    for metric in Metric.objects.filter(indicator__plan__in=plans).select_related("indicator__plan"):
        if metric.code in CALCULATORS:
            metrics[metric.code][metric.indicator.plan.commune_id] = metric
    computed = {}  # (metric id, commune id, hamlet id): (metric, values)
    # The metrics of the same communes counted together (the plans usually have them all): the rows several
    # metrics count are read once (calculate_all_scopes).
    by_communes = defaultdict(list)
    for code, of_commune in sorted(metrics.items()):
        by_communes[tuple(sorted(of_commune))].append(code)
    done = 0
    for communes, codes in by_communes.items():
        for code, results in calculate_all_scopes(codes, period, list(communes)).items():
            of_commune = metrics[code]
            for (commune, hamlet), result in results.items():
                if scopes is not None and (commune, hamlet) not in scopes:
                    continue
                metric = of_commune[commune]
                computed[(metric.pk, commune, hamlet)] = {
                    "numerator": result.numerator,
                    "denominator": result.denominator,
                    "value": value_of(result, metric.unit),
                    "completeness": result.completeness,
                }
            done += 1
            if progress:
                progress(done, len(metrics))
    _store_computed(computed, period=period, by=by)
    return len(computed)


def _same(stored, value) -> bool:
    return (stored is None and value is None) or (
        stored is not None and value is not None and Decimal(stored) == Decimal(value)
    )


@transaction.atomic
def _store_computed(computed: dict[tuple, dict], *, period: Period, by) -> None:
    now, by_id = timezone.now(), getattr(by, "pk", None)
    metric_ids = {metric for metric, _commune, _hamlet in computed}
    existing = Measurement.objects.filter(
        metric_id__in=metric_ids, year=period.year, half=period.half, source=Measurement.Source.COMPUTED
    ).select_for_update()
    stored = {(m.metric_id, m.commune_id, m.hamlet_id): m for m in existing}
    new, changed, unchanged = [], [], []
    for key, values in computed.items():
        measurement = stored.get(key)
        if measurement is None:
            new.append((*key, *(values[f] for f in COMPUTED_FIELDS)))
        elif all(_same(getattr(measurement, f), values[f]) for f in COMPUTED_FIELDS) and measurement.by_id == by_id:
            unchanged.append(measurement.pk)
        else:
            for field, value in values.items():
                setattr(measurement, field, value)
            measurement.by, measurement.at = by, now
            changed.append(measurement)
    if new:
        # A province's first run creates tens of thousands: COPY on PostgreSQL, each with its "+" history record
        # naming `by`, as bulk_create_with_history would write them (tanloi_portal.bulk).
        columns = ["id", "metric_id", "commune_id", "hamlet_id", *COMPUTED_FIELDS, "year", "half", "source", "by_id"]
        constant = (period.year, period.half, Measurement.Source.COMPUTED, by_id)
        table = BulkTable(Measurement, columns, now=now, history_user_id=by_id)
        for start in range(0, len(new), 5000):
            batch = new[start : start + 5000]
            table.write(
                [(pk, *row, *constant) for pk, row in zip(reserve_ids(Measurement, len(batch)), batch, strict=True)]
            )
    if changed:
        fields = [*COMPUTED_FIELDS, "by", "at"]
        bulk_update_with_history(changed, Measurement, fields, batch_size=1000, default_user=by, default_date=now)
    for start in range(0, len(unchanged), 1000):
        Measurement.objects.filter(pk__in=unchanged[start : start + 1000]).update(at=now)
    send_figures_changed({commune for _metric, commune, _hamlet in computed})


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
