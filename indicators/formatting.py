"""Displaying metric values in the active language with the unit's sign: 76,9% · 9,5‰ · 550/100.000 in
Vietnamese, 76.9% · 9.5‰ · 550/100,000 in English."""

from decimal import Decimal

from django.utils.translation import pgettext

from indicators.models import Metric
from tanloi_portal.numbers import format_number


def _suffix(unit: str) -> str:
    match unit:
        case Metric.Unit.PERCENT:
            return "%"
        case Metric.Unit.PER_1000_LIVE_BIRTHS:
            return "‰"
        case Metric.Unit.PER_100000_CHILDREN:
            return f"/{format_number(100_000)}"
        case Metric.Unit.PERCENT_YEARLY_REDUCTION:
            return "%/" + pgettext("mức giảm mỗi năm", "năm")
    return ""


def format_metric_value(value: Decimal | float | int | None, unit: str) -> str:
    if value is None or value == "":
        return "—"
    return f"{format_number(value)}{_suffix(unit)}"


def format_target(direction: str, value: Decimal | float | int | None, unit: str) -> str:
    """A target as the plan states it ("≥ 99%", "< 9,5‰"), or "—" where none is set."""
    if value is None or value == "":
        return "—"
    return f"{Metric.Direction(direction).label} {format_metric_value(value, unit)}"
