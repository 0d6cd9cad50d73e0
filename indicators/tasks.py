"""The worker's tasks for the figures (indicators/freshness.py says when each runs)."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from indicators import freshness
from indicators.models import Plan

PROGRESS_TTL = 3600


# A recompute that fails (the database restarting, say) is tried again; one that finds another at work waits
# for it. Either way the marks stay until a run has computed them.
RETRY = {"bind": True, "autoretry_for": (Exception,), "retry_backoff": 30, "max_retries": 8}
BUSY_RETRY_SECONDS = 30


@shared_task(**RETRY)
def refresh_stale_figures(self) -> int:
    """The debounced recompute of every stale year and scope."""
    try:
        return freshness.refresh_stale()
    except freshness.Busy:
        raise self.retry(countdown=BUSY_RETRY_SECONDS) from None


@shared_task(**RETRY)
def recompute_year(self, plan_id: int, year: int) -> int:
    """The officer's "Tính lại": a whole year, commune and hamlets, with its progress in the cache."""
    plan = Plan.objects.select_related("commune").get(pk=plan_id)
    key = freshness.progress_key(plan.commune_id, year)

    def progress(done, total):
        cache.set(key, {"done": done, "total": total}, PROGRESS_TTL)

    try:
        return freshness.recompute_year(plan=plan, year=year, progress=progress)
    except freshness.Busy:
        raise self.retry(countdown=BUSY_RETRY_SECONDS) from None
    finally:
        cache.delete(key)


@shared_task(**RETRY)
def recompute_recent_years(self) -> int:
    """Nightly: the current and previous year of every commune's current plan (children age into cohorts),
    all communes in one grouped run a year, then whatever is still marked, of any year."""
    this_year = timezone.localdate().year
    try:
        stored = freshness.recompute_years_everywhere(years=[this_year - 1, this_year], wait_seconds=60)
        return stored + freshness.refresh_stale(wait_seconds=60)
    except freshness.Busy:
        raise self.retry(countdown=BUSY_RETRY_SECONDS) from None
