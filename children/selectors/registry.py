"""Reads of the registry, always scoped to what the user may see.

Officers and unit staff see their commune; a collaborator sees their hamlet only; every other role sees no
individual record (the chairman and the level above read aggregates). Views never query models directly.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from children.ages import birth_date_bounds_for_age
from children.models import BirthRegistration, Child, CircumstanceMembership, Household, SchoolEnrolment
from children.models.facts import school_year_of
from children.permissions import FILTER_SECTIONS, child_filters_for
from children.rules import Identity, Sameness, sameness
from tanloi_portal.models import Commune, Hamlet, Role
from tanloi_portal.pagination import Key, KeysetPage, Segment, keyset_page
from tanloi_portal.text import fold

# Age bands of the child list filter: (label, youngest, oldest) in completed years.
AGE_BANDS = {
    "0-2": (_("Dưới 3 tuổi"), 0, 2),
    "3-5": (_("3-5 tuổi"), 3, 5),
    "0-4": (_("Dưới 5 tuổi"), 0, 4),
    "6-10": (_("6-10 tuổi"), 6, 10),
    "11-14": (_("11-14 tuổi"), 11, 14),
    "0-15": (_("Trẻ em (dưới 16 tuổi)"), 0, 15),
    "16-17": (_("16-17 tuổi"), 16, 17),
}
NOT_IN_SCHOOL = "not_in_school"

REGISTRY_COMMUNE_ROLES = frozenset({Role.OFFICER, Role.UNIT_STAFF})


def communes_visible_to(*, user) -> QuerySet[Commune]:
    """Communes whose aggregates (never individual records) the user may read."""
    if user.role in (Role.DISTRICT, Role.ADMIN) and user.commune_id is None:
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
    """Children the user may see; records merged into another are aliases and never listed."""
    if user.role in REGISTRY_COMMUNE_ROLES:
        qs = Child.objects.filter(commune_id=user.commune_id)
    elif user.role == Role.COLLABORATOR:
        qs = Child.objects.filter(hamlet_id=user.hamlet_id)
    else:
        return Child.objects.none()
    return qs.exclude(status=Child.Status.MERGED)


def current_school_year(on: date) -> int:
    """School years start in September: on 15/03/2026 the school year is 2025 (2025-2026)."""
    return school_year_of(on)


@dataclass(frozen=True)
class ChildFilters:
    q: str = ""
    hamlet: int | None = None
    sex: str = ""
    status: str = ""
    age_band: str = ""
    group: int | None = None  # a group number 1-14, or 0 for "any of the 14"
    school_status: str = ""  # a SchoolEnrolment status this school year, or "not_in_school"
    no_birth_registration: bool = False
    on: date | None = None  # reference date for ages, groups and the school year; today by default


def filters_asked(filters: ChildFilters) -> dict:
    """The filters that narrow the list (those left at their default omitted), for the access log."""
    blank = ChildFilters()
    return {name: value for name, value in vars(filters).items() if name != "on" and value != getattr(blank, name)}


def reads_protected_sections(filters: ChildFilters) -> bool:
    """Whether a list filtered so tells something of a child beyond the general section (a group, schooling,
    birth registration): such a list is logged like the child page."""
    blank = ChildFilters()
    return any(getattr(filters, name) != getattr(blank, name) for name in FILTER_SECTIONS)


def permitted_filters(*, user, filters: ChildFilters) -> ChildFilters:
    """The filters with those reading a section the user may not read reset: never honoured, whatever the
    query string says."""
    allowed = child_filters_for(user)
    blank = ChildFilters()
    return replace(filters, **{name: getattr(blank, name) for name in FILTER_SECTIONS if name not in allowed})


def child_list(*, user, filters: ChildFilters) -> QuerySet[Child]:
    filters = permitted_filters(user=user, filters=filters)
    on = filters.on or timezone.localdate()
    qs = children_visible_to(user=user).select_related("household__hamlet")
    if filters.q:
        needle, code = fold(filters.q), filters.q.strip()
        if _searched_by_trigrams(filters):
            # The two halves of the match each read their own index, which a condition across the join would not
            # let PostgreSQL do: the households by code first, then the children by name or household.
            by_code = households_visible_to(user=user).filter(code__icontains=code).order_by()
            households = list(by_code.values_list("pk", flat=True))
            qs = qs.filter(Q(name_search__contains=needle) | Q(household_id__in=households))
        else:
            qs = qs.filter(Q(name_search__contains=needle) | Q(household__code__icontains=code))
    if filters.hamlet:
        qs = qs.filter(hamlet_id=filters.hamlet)
    if filters.sex:
        qs = qs.filter(sex=filters.sex)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.age_band in AGE_BANDS:
        _label, youngest, oldest = AGE_BANDS[filters.age_band]
        earliest, latest = birth_date_bounds_for_age(youngest, oldest, on)
        qs = qs.filter(date_of_birth__range=(earliest, latest))
    if filters.group is not None:
        active = CircumstanceMembership.objects.filter(child=OuterRef("pk"), started_on__lte=on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on)
        )
        if filters.group:
            active = active.filter(group__number=filters.group)
        qs = qs.filter(Exists(active))
    if filters.school_status:
        this_year = SchoolEnrolment.objects.filter(child=OuterRef("pk"), school_year=current_school_year(on))
        if filters.school_status == NOT_IN_SCHOOL:
            qs = qs.filter(~Exists(this_year))
        else:
            qs = qs.filter(Exists(this_year.filter(status=filters.school_status)))
    if filters.no_birth_registration:
        qs = qs.filter(~Exists(BirthRegistration.objects.filter(child=OuterRef("pk"))))
    if _searched_by_trigrams(filters):
        return qs.annotate(search_order=Lower("name_sort_key")).order_by(*(k.name for k in SEARCH_ORDER))
    return qs.order_by(*(k.name for k in CHILD_LIST_ORDER))


# The child list's order, made unique by the key: Vietnamese order of the given name, then the eldest first.
# An index holds it (child_list_order_idx), so a page is read from an index range (tanloi_portal.pagination).
CHILD_LIST_ORDER = (
    Key("name_sort_key", Child._meta.get_field("name_sort_key")),
    Key("date_of_birth", Child._meta.get_field("date_of_birth")),
    Key("pk", Child._meta.pk),
)


# pg_trgm serves a LIKE '%...%' of 3 characters or more (children migration 0014 made the indexes).
TRIGRAM_MIN_LENGTH = 3


def _searched_by_trigrams(filters: ChildFilters) -> bool:
    """Whether the list's search reads PostgreSQL's trigram indexes; SQLite, and shorter searches, read the rows
    in the list's order as they always have."""
    q = filters.q.strip()
    return connection.vendor == "postgresql" and min(len(fold(q)), len(q)) >= TRIGRAM_MIN_LENGTH


# The same order for a search read through the trigram indexes, the name's key wrapped in an expression no index
# holds (LOWER of a key made of digits: the same order). Otherwise PostgreSQL may walk the whole list in order
# looking for the matches, which a name clusters: the children called Khang all sort together, 184,000 rows into
# a list of 500,000. So it fetches the matches through the trigram index and sorts them.
SEARCH_ORDER = (
    Key("search_order", Child._meta.get_field("name_sort_key")),
    *CHILD_LIST_ORDER[1:],
)


def child_list_page(*, user, filters: ChildFilters, token: str = "") -> KeysetPage:
    """The page of the child list a link asks for (`token`; the first page without), read without counting
    the list."""
    order = SEARCH_ORDER if _searched_by_trigrams(filters) else CHILD_LIST_ORDER
    return keyset_page([Segment(child_list(user=user, filters=filters), order)], token=token)


def same_child_candidates(*, commune_id: int, identity: Identity, exclude_pk=None) -> list[Child]:
    """Records that are, or may be, the child `identity` describes (children.rules.sameness): the holder of its
    personal ID wherever it is, and the children of the commune with its name and birth date."""
    match = Q(pk__in=[])
    if identity.date_of_birth:
        match |= Q(name_search=identity.name, date_of_birth=identity.date_of_birth, commune_id=commune_id)
    if identity.personal_id:
        match |= Q(personal_id=identity.personal_id)
    qs = Child.objects.filter(match)
    # A record merged into another is an alias, except that the number it carried is still taken.
    qs = qs.exclude(Q(status=Child.Status.MERGED) & ~Q(personal_id=identity.personal_id or ""))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    qs = qs.select_related("household__hamlet").order_by("pk")
    return [c for c in qs if sameness(identity, Identity.of_child(c)) != Sameness.DIFFERENT]


def possible_duplicates(*, child: Child) -> list[Child]:
    """Other records of the child's commune that may be this child, for the child page and the merge."""
    commune_id = child.household.commune_id
    candidates = same_child_candidates(commune_id=commune_id, identity=Identity.of_child(child), exclude_pk=child.pk)
    return [c for c in candidates if c.household.commune_id == commune_id]


def household_list(*, user, q: str = "", hamlet: int | None = None) -> QuerySet[Household]:
    qs = households_visible_to(user=user).select_related("hamlet")
    qs = qs.annotate(child_count=Count("children", filter=~Q(children__status=Child.Status.MERGED)))
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
        child_count=_count(Child.objects.filter(status=Child.Status.LIVING), "hamlet"),
    ).order_by("position", "name")


def commune_summary(*, communes: QuerySet[Commune]) -> QuerySet[Commune]:
    """Communes with their hamlet, household and living-child counts, one query for any number of communes."""
    return communes.annotate(
        hamlet_count=_count(Hamlet.objects.all(), "commune"),
        household_count=_count(Household.objects.all(), "commune"),
        child_count=_count(Child.objects.filter(status=Child.Status.LIVING), "commune"),
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
    """The child if the user may see it, else 404 (never reveal that it exists elsewhere).

    A record merged into another resolves to the record kept, if the user may see that one.
    """
    merged_into = Child.objects.filter(pk=pk, status=Child.Status.MERGED).values_list("merged_into", flat=True).first()
    return get_object_or_404(
        children_visible_to(user=user).select_related("household__hamlet", "household__commune"), pk=merged_into or pk
    )


def get_household_for_user(*, user, pk: int) -> Household:
    return get_object_or_404(households_visible_to(user=user).select_related("hamlet"), pk=pk)


def household_children(*, household: Household) -> QuerySet[Child]:
    return household.children.exclude(status=Child.Status.MERGED).order_by("date_of_birth", "pk")
