from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from children.ages import age_on

register = template.Library()


@register.filter
def age(date_of_birth):
    """Completed years today (ages are never stored)."""
    if not date_of_birth:
        return ""
    return age_on(date_of_birth, timezone.localdate())


# Nutrition classes (children.growth) as shown on the child page: label, and whether it is a severe form.
GROWTH_CLASS_LABELS = {
    "underweight": (_("Suy dinh dưỡng nhẹ cân"), False),
    "severe_underweight": (_("Nhẹ cân nặng"), True),
    "stunting": (_("Thấp còi"), False),
    "severe_stunting": (_("Thấp còi nặng"), True),
    "wasting": (_("Gầy còm"), False),
    "severe_wasting": (_("Gầy còm nặng"), True),
    "thinness": (_("Gầy"), False),
    "severe_thinness": (_("Gầy nặng"), True),
    "overweight": (_("Thừa cân"), False),
    "obesity": (_("Béo phì"), True),
}


@register.filter
def growth_classes(value: str) -> list[tuple[str, bool]]:
    """ "underweight,stunting" -> [(_("Suy dinh dưỡng nhẹ cân"), False), (_("Thấp còi"), False)]."""
    return [GROWTH_CLASS_LABELS.get(c, (c, False)) for c in (value or "").split(",") if c]
