from django import template

from tanloi_portal.numbers import format_number

register = template.Library()


@register.filter
def number(value):
    return format_number(value)
