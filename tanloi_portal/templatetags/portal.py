from django import template

from tanloi_portal.numbers import format_elapsed, format_number

register = template.Library()


@register.filter
def number(value):
    return format_number(value)


@register.filter
def elapsed(since):
    """How long ago, in the largest two units: "2 ngày 3 giờ", "45 phút" (Django's timesince is English here)."""
    return format_elapsed(since)
