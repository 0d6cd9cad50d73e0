from django import template

from indicators.formatting import format_target
from indicators.selectors import metric_targets

register = template.Library()


@register.filter
def target_text(metric, year):
    """The metric's target for a year as the plan states it ("≥ 99%"), or "—" where it sets none."""
    return format_target(metric.direction, metric_targets(metric).get(int(year)), metric.unit)
