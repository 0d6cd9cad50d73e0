from django import template

from indicators.formatting import format_metric_value
from indicators.selectors import metric_targets

register = template.Library()


@register.filter
def target_text(metric, year):
    """The metric's target for a year as the plan states it ("≥ 99%"), or "—" where it sets none."""
    target = metric_targets(metric).get(int(year))
    if target is None:
        return "—"
    return f"{metric.get_direction_display()} {format_metric_value(target, metric.unit)}"
