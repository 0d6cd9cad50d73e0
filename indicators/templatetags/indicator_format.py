from django import template

from indicators.formatting import format_metric_value, format_number

register = template.Library()


@register.filter
def metric_value(value, unit):
    return format_metric_value(value, unit)


@register.filter
def number(value):
    return format_number(value)
