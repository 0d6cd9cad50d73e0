"""Reads of collaborators' household updates: the officer's queue and a collaborator's own list."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet
from django.shortcuts import get_object_or_404

from children.models import HouseholdUpdate
from tanloi_portal.models import Role


def updates_visible_to(*, user) -> QuerySet[HouseholdUpdate]:
    """The officer sees the commune's updates; a collaborator only their own."""
    qs = HouseholdUpdate.objects.select_related("household__hamlet", "child", "submitted_by", "reviewed_by")
    if user.role == Role.OFFICER:
        return qs.filter(household__commune_id=user.commune_id)
    if user.role == Role.COLLABORATOR:
        return qs.filter(submitted_by=user)
    return qs.none()


def review_queue(*, user, state: str = "", hamlet: int | None = None, kind: str = "") -> QuerySet[HouseholdUpdate]:
    qs = updates_visible_to(user=user)
    if state:
        qs = qs.filter(state=state)
    if hamlet:
        qs = qs.filter(household__hamlet_id=hamlet)
    if kind:
        qs = qs.filter(kind=kind)
    # Oldest first while waiting (first in, first reviewed); newest first once reviewed.
    return qs.order_by("submitted_at", "pk") if state == HouseholdUpdate.State.WAITING else qs.order_by("-submitted_at")


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    oldest_waiting_at: datetime | None
    by_kind: dict[str, int]


def queue_counts(*, user) -> QueueCounts:
    """Reports waiting for review. Safety concerns are in `by_kind` but not in `waiting`/`oldest_waiting_at`:
    they are received elsewhere (RECEIVED_ELSEWHERE), where they are counted on their own."""
    waiting = updates_visible_to(user=user).filter(state=HouseholdUpdate.State.WAITING).order_by()
    summary = waiting.exclude(kind=HouseholdUpdate.Kind.SAFETY_CONCERN).aggregate(
        n=Count("pk"), oldest=Min("submitted_at")
    )
    by_kind = dict(waiting.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return QueueCounts(waiting=summary["n"], oldest_waiting_at=summary["oldest"], by_kind=by_kind)


def get_update_for_user(*, user, pk: int) -> HouseholdUpdate:
    return get_object_or_404(updates_visible_to(user=user), pk=pk)
