from django import template
from django.utils import timezone

from children.ages import age_on

register = template.Library()


@register.filter
def age(date_of_birth):
    """Completed years today (ages are never stored)."""
    if not date_of_birth:
        return ""
    return age_on(date_of_birth, timezone.localdate())
