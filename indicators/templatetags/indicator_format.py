import json

from django import template

from indicators.formatting import format_metric_value

register = template.Library()


@register.filter
def metric_value(value, unit):
    return format_metric_value(value, unit)


@register.filter
def series_json(series) -> str:
    """A metric's (year, value, complete) series as JSON, for a sparkline's data attribute (escaped there)."""
    return json.dumps([[year, float(value), complete] for year, value, complete in series])
