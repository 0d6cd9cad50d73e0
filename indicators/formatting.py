"""Displaying metric values the Vietnamese way: decimal comma, the unit's sign (76,9% · 9,5‰ · 550/100.000)."""

from decimal import Decimal

from django.utils.formats import number_format

from indicators.models import Metric

_SUFFIX = {
    Metric.Unit.PERCENT: "%",
    Metric.Unit.PER_1000_LIVE_BIRTHS: "‰",
    Metric.Unit.PER_100000_CHILDREN: "/100.000",
    Metric.Unit.PERCENT_YEARLY_REDUCTION: "%/năm",
}


def format_number(value: Decimal | float | int | None, max_decimals: int = 2) -> str:
    """76.900 -> "76,9"; 80 -> "80"; None -> "-"."""
    if value is None:
        return "-"
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-max_decimals))
    text = format(quantized.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(quantized, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_metric_value(value: Decimal | float | int | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{format_number(value)}{_SUFFIX.get(unit, '')}"
