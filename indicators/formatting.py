"""Displaying metric values the Vietnamese way: decimal comma, the unit's sign (76,9% · 9,5‰ · 550/100.000)."""

from decimal import Decimal

from indicators.models import Metric
from tanloi_portal.numbers import format_number

_SUFFIX = {
    Metric.Unit.PERCENT: "%",
    Metric.Unit.PER_1000_LIVE_BIRTHS: "‰",
    Metric.Unit.PER_100000_CHILDREN: "/100.000",
    Metric.Unit.PERCENT_YEARLY_REDUCTION: "%/năm",
}


def format_metric_value(value: Decimal | float | int | None, unit: str) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_number(value)}{_SUFFIX.get(unit, '')}"


def format_target(direction: str, value: Decimal | float | int | None, unit: str) -> str:
    """A target as the plan states it ("≥ 99%", "< 9,5‰"), or "—" where none is set."""
    if value is None or value == "":
        return "—"
    return f"{Metric.Direction(direction).label} {format_metric_value(value, unit)}"
