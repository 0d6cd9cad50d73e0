"""The indicators' figures of a report period: every metric of the plan computed for exactly the period's days
(indicators.report_periods; the stored yearly figures are calendar years), with its status by the progress rule.
A selector: it reads, never writes. `indicator_values --period` prints it; the reports store it frozen beside an
issued report and write it into the workbook for the level above (reports.figures).

Numbers are strings of decimals, written without exponent or trailing zeros ("96.154", "12", "0"), or None where
there is no value: JSON keeps them exact, and Decimal(text) reads them back.
"""

from decimal import Decimal

from django.conf import settings

from indicators.calculators import CALCULATORS, Scope, value_of
from indicators.models import Measurement, Metric, MetricBaseline, Plan
from indicators.progress import LABELS, PERCENT_LIMITS, choose_base, is_complete, passed_target, progress
from indicators.report_periods import ReportPeriod

TARGET_YEARS = (2025, 2030)


class TotalsMismatch(ValueError):
    """A total that is not the sum of its parts: a figure would be wrong, so nothing is written."""


def check_total(parts, total, what: str) -> int:
    """`total`, after checking that it is the sum of `parts` (TotalsMismatch otherwise)."""
    added = sum(parts)
    if added != total:
        raise TotalsMismatch(f"{what}: total {total} is not the sum of its parts ({added})")
    return total


def decimal_text(value) -> str | None:
    """A number as this module stores it: "96.154", "12", "0"; None stays None."""
    if value is None:
        return None
    number = Decimal(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _stored_series(plan: Plan, metrics: list[Metric], *, before: int) -> dict[int, dict[int, Measurement]]:
    """{metric id: {year: measurement}} of the commune's stored yearly values before `before`, an entered value
    over a computed one (as the board chooses them)."""
    first_year = min(plan.start_year, plan.base_year)
    rows = Measurement.objects.filter(
        metric__in=metrics, commune=plan.commune, hamlet__isnull=True, half=0, year__gte=first_year, year__lt=before
    ).order_by("year", "pk")
    series: dict[int, dict[int, Measurement]] = {}
    for m in rows:
        years = series.setdefault(m.metric_id, {})
        if m.year not in years or m.source == Measurement.Source.ENTERED:
            years[m.year] = m
    return series


def _entered(plan: Plan, metrics: list[Metric], period: ReportPeriod) -> dict[int, Measurement]:
    """The entered values of the period itself: the year's (half 0), or the first half-year's (half 1)."""
    rows = Measurement.objects.filter(
        metric__in=metrics,
        commune=plan.commune,
        hamlet__isnull=True,
        year=period.year,
        half=period.half,
        source=Measurement.Source.ENTERED,
    )
    return {m.metric_id: m for m in rows}


def period_figures(*, plan: Plan, period: ReportPeriod) -> list[dict]:
    """Every metric of the plan (by indicator number, then position) for the commune and exactly that period.

    A metric with a calculator is computed from the registry for the period's days; an entered value of the
    period (the officer's, or a unit's) takes its place, as it does on the board; a metric without a calculator
    has its entered value or none. The status is indicators/progress.py's rule, over the stored yearly values of
    the years before plus this period's value; the 2025 verdict from the 2025 value (this one, in 2025)."""
    metrics = list(
        Metric.objects.filter(indicator__plan=plan)
        .select_related("indicator")
        .prefetch_related("targets")
        .order_by("indicator__number", "position")
    )
    baselines = dict(MetricBaseline.objects.filter(metric__in=metrics).values_list("metric_id", "year"))
    series = _stored_series(plan, metrics, before=period.year)
    entered = _entered(plan, metrics, period)
    threshold = float(settings.FIGURES_COMPLETE_PERCENT)
    first_year = min(plan.start_year, plan.base_year)
    scope = Scope(plan.commune)
    calculator_period = period.calculator_period()
    figures = []
    for metric in metrics:
        numerator = denominator = value = completeness = None
        source = None
        calculate = CALCULATORS.get(metric.code)
        if metric.pk in entered:
            m = entered[metric.pk]
            numerator, denominator, value, source = m.numerator, m.denominator, m.value, Measurement.Source.ENTERED
        elif calculate is not None:
            result = calculate(calculator_period, scope)
            numerator, denominator = result.numerator, result.denominator
            value, completeness = value_of(result, metric.unit), result.completeness
            source = Measurement.Source.COMPUTED
        targets = {t.year: t.value for t in metric.targets.all()}
        years = {y: (m.value, m.completeness) for y, m in series.get(metric.pk, {}).items()}
        years[period.year] = (value, completeness)
        base_year, base_value = choose_base(
            years,
            start_year=first_year,
            year=period.year,
            threshold=threshold,
            chosen_year=baselines.get(metric.pk),
        )
        passed_year, _goal = passed_target(targets, period.year)
        passed_value = years.get(passed_year, (None, None))[0] if passed_year else None
        status = progress(
            direction=metric.direction,
            targets=targets,
            base_year=base_year,
            base_value=base_value,
            year=period.year,
            value=value,
            limits=PERCENT_LIMITS if metric.unit == Metric.Unit.PERCENT else None,
            passed_value=passed_value,
        )
        figures.append(
            {
                "code": metric.code,
                "indicator": metric.indicator.number,
                "name": metric.title,
                "unit": metric.unit,
                "unit_label": str(metric.get_unit_display()),
                "direction": metric.direction,
                "value": decimal_text(value),
                "numerator": decimal_text(numerator),
                "denominator": decimal_text(denominator),
                **{f"target_{year}": decimal_text(targets.get(year)) for year in TARGET_YEARS},
                "verdict_2025": status.verdict.achieved
                if status.verdict is not None and status.verdict.year == 2025
                else None,
                "status": status.status,
                "status_label": str(LABELS[status.status]),
                "reason": status.reason_label,
                "base_year": status.base_year,
                "target_year": status.target_year,
                "completeness": decimal_text(completeness),
                "complete": is_complete(completeness, threshold),
                "source": source,
            }
        )
    return figures
