from django import template

from indicators.selectors import metric_targets

register = template.Library()


@register.filter
def target_for(metric, year):
    """The metric's target for a year, from its prefetched targets (no query)."""
    return metric_targets(metric).get(int(year))
