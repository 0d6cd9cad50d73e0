"""Reads of the registry, always scoped to what the user may see.

Officers and unit staff see their commune; a collaborator sees their hamlet only; every other role sees no
individual record (the chairman and the level above read aggregates). Views never query models directly.
"""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from children.models import Child, Commune, Hamlet, Household
from tanloi_portal.models import Role
from tanloi_portal.text import fold

REGISTRY_COMMUNE_ROLES = frozenset({Role.OFFICER, Role.UNIT_STAFF})


def communes_visible_to(*, user) -> QuerySet[Commune]:
    if user.role == Role.DISTRICT and user.commune_id is None:
        return Commune.objects.all()
    if user.commune_id is None:
        return Commune.objects.none()
    return Commune.objects.filter(pk=user.commune_id)


def hamlets_visible_to(*, user) -> QuerySet[Hamlet]:
    if user.role in REGISTRY_COMMUNE_ROLES:
        return Hamlet.objects.filter(commune_id=user.commune_id)
    if user.role == Role.COLLABORATOR:
        return Hamlet.objects.filter(pk=user.hamlet_id)
    return Hamlet.objects.none()


def households_visible_to(*, user) -> QuerySet[Household]:
    if user.role in REGISTRY_COMMUNE_ROLES:
        return Household.objects.filter(commune_id=user.commune_id)
    if user.role == Role.COLLABORATOR:
        return Household.objects.filter(hamlet_id=user.hamlet_id)
    return Household.objects.none()


def children_visible_to(*, user) -> QuerySet[Child]:
    if user.role in REGISTRY_COMMUNE_ROLES:
        return Child.objects.filter(household__commune_id=user.commune_id)
    if user.role == Role.COLLABORATOR:
        return Child.objects.filter(household__hamlet_id=user.hamlet_id)
    return Child.objects.none()


@dataclass(frozen=True)
class ChildFilters:
    q: str = ""
    hamlet: int | None = None
    sex: str = ""
    status: str = ""


def child_list(*, user, filters: ChildFilters) -> QuerySet[Child]:
    qs = children_visible_to(user=user).select_related("household__hamlet")
    if filters.q:
        needle = fold(filters.q)
        qs = qs.filter(Q(name_search__contains=needle) | Q(household__code__icontains=filters.q.strip()))
    if filters.hamlet:
        qs = qs.filter(household__hamlet_id=filters.hamlet)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name_sort_key", "date_of_birth", "pk")


def household_list(*, user, q: str = "", hamlet: int | None = None) -> QuerySet[Household]:
    qs = households_visible_to(user=user).select_related("hamlet").annotate(child_count=Count("children"))
    if q:
        qs = qs.filter(Q(code__icontains=q.strip()) | Q(head_name_search__contains=fold(q)))
    if hamlet:
        qs = qs.filter(hamlet_id=hamlet)
    return qs.order_by("hamlet__position", "code")


def _count(queryset: QuerySet, outer: str) -> Coalesce:
    """A correlated COUNT(*) subquery: one row per outer object, no join fan-out."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def commune_hamlets(*, commune: Commune) -> QuerySet[Hamlet]:
    """All hamlets of a commune, for aggregate views (no individual record is read through it)."""
    return Hamlet.objects.filter(commune=commune)


def hamlet_summary(*, hamlets: QuerySet[Hamlet]) -> QuerySet[Hamlet]:
    """Hamlets with their number of households and of children living here, counted in the database."""
    return hamlets.annotate(
        household_count=_count(Household.objects.all(), "hamlet"),
        child_count=_count(Child.objects.filter(status=Child.Status.LIVING), "household__hamlet"),
    ).order_by("position", "name")


def commune_summary(*, communes: QuerySet[Commune]) -> QuerySet[Commune]:
    """Communes with their hamlet, household and living-child counts, one query for any number of communes."""
    return communes.annotate(
        hamlet_count=_count(Hamlet.objects.all(), "commune"),
        household_count=_count(Household.objects.all(), "commune"),
        child_count=_count(Child.objects.filter(status=Child.Status.LIVING), "household__commune"),
    ).order_by("name")


@dataclass(frozen=True)
class Totals:
    hamlets: int
    households: int
    children: int


def totals_of(hamlets: list[Hamlet]) -> Totals:
    """Totals of hamlets already annotated by hamlet_summary (no further query)."""
    return Totals(
        hamlets=len(hamlets),
        households=sum(h.household_count for h in hamlets),
        children=sum(h.child_count for h in hamlets),
    )


def get_child_for_user(*, user, pk: int) -> Child:
    """The child if the user may see it, else 404 (never reveal that it exists elsewhere)."""
    return get_object_or_404(children_visible_to(user=user).select_related("household__hamlet"), pk=pk)


def get_household_for_user(*, user, pk: int) -> Household:
    return get_object_or_404(households_visible_to(user=user).select_related("hamlet"), pk=pk)


def household_children(*, household: Household) -> QuerySet[Child]:
    return household.children.order_by("date_of_birth", "pk")
