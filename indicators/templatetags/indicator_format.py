from django import template

from indicators.formatting import format_metric_value

register = template.Library()


@register.filter
def metric_value(value, unit):
    return format_metric_value(value, unit)
