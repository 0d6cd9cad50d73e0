"""The worker's tasks for the figures (indicators/freshness.py says when each runs)."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from indicators import freshness
from indicators.models import Plan

PROGRESS_TTL = 3600


@shared_task
def refresh_stale_figures() -> int:
    """The debounced recompute of every stale year and scope."""
    return freshness.refresh_stale()


@shared_task
def recompute_year(plan_id: int, year: int) -> int:
    """The officer's "Tính lại": a whole year, commune and hamlets, with its progress in the cache."""
    plan = Plan.objects.select_related("commune").get(pk=plan_id)
    key = freshness.progress_key(plan.commune_id, year)

    def progress(done, total):
        cache.set(key, {"done": done, "total": total}, PROGRESS_TTL)

    try:
        return freshness.recompute_year(plan=plan, year=year, progress=progress)
    finally:
        cache.delete(key)


@shared_task
def recompute_recent_years() -> int:
    """Nightly: the current and previous year of every commune's plan (children age into cohorts)."""
    this_year = timezone.localdate().year
    stored = 0
    for plan in Plan.objects.select_related("commune").order_by("commune_id", "-start_year").distinct():
        for year in (this_year - 1, this_year):
            stored += freshness.recompute_year(plan=plan, year=year)
    return stored
