"""Who counts as a child of the commune during a period: defined once, for the indicators' calculators and the
dashboards' registry aggregates alike.

A child lived in the scope during [start, end] when born by its end, not gone (moved away or died) before its
start, and not arrived after its end. Ages are completed years on a date, compared through birth-date bounds so
that the database can use its index.
"""

from datetime import date

from django.db.models import Q, QuerySet

from children.ages import birth_date_bounds_for_age
from children.models import Child


def living_between(qs: QuerySet[Child], start: date, end: date) -> QuerySet[Child]:
    gone_before = Q(status__in=[Child.Status.MOVED_AWAY, Child.Status.DECEASED], status_date__lt=start)
    return qs.filter(date_of_birth__lte=end).exclude(gone_before).exclude(moved_in_on__gt=end)


def aged(qs: QuerySet[Child], youngest: int, oldest: int, on: date) -> QuerySet[Child]:
    earliest, latest = birth_date_bounds_for_age(youngest, oldest, on)
    return qs.filter(date_of_birth__range=(earliest, latest))
