"""Aggregates of a commune's registry for the dashboards: counts only, never a child's name or details.
Each is one or two queries whatever the number of children."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, Min, OuterRef, Q

from children.models import Child, CircumstanceMembership, Household, HouseholdUpdate, SpecialCircumstanceGroup
from children.populations import aged, living_between
from tanloi_portal.models import Hamlet


@dataclass(frozen=True)
class GroupTable:
    """Children in special circumstances on a day, by group x hamlet; a child in two groups counts in both
    rows, once in `children` (distinct children of the hamlet in any group)."""

    hamlets: list[Hamlet]
    rows: list[tuple[SpecialCircumstanceGroup, list[int], int]]  # group, count per hamlet, commune total
    children: list[int]  # distinct children in any group, per hamlet
    children_total: int


def circumstance_memberships_on(*, on: date, communes):
    """The memberships of the 14 groups that hold on the day, of the children the indicators count then (8a):
    under 16 and living in one of the communes on that day (children.populations), never a merged record. The
    one definition the dashboards, the report and the workbook count children in special circumstances by."""
    children = aged(living_between(Child.objects.exclude(status=Child.Status.MERGED), on, on), 0, 15, on)
    return (
        CircumstanceMembership.objects.filter(child__commune__in=communes, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .filter(child__in=children)
        .order_by()
    )


def group_hamlet_table(*, commune, on: date) -> GroupTable:
    """Every group and every hamlet, zeros included; each row's total is the sum of its cells, and the
    distinct-children row's total is the sum of its cells (a child lives in one hamlet: its household's now)."""
    hamlets = list(Hamlet.objects.filter(commune=commune).order_by("position", "name"))
    groups = list(SpecialCircumstanceGroup.objects.order_by("number"))
    active = circumstance_memberships_on(on=on, communes=[commune])
    cells = {
        (row["group_id"], row["child__hamlet_id"]): row["n"]
        for row in active.values("group_id", "child__hamlet_id").annotate(n=Count("child", distinct=True))
    }
    distinct = dict(
        active.values("child__hamlet_id").annotate(n=Count("child", distinct=True)).values_list("child__hamlet_id", "n")
    )
    rows = []
    for group in groups:
        counts = [cells.get((group.pk, h.pk), 0) for h in hamlets]
        rows.append((group, counts, sum(counts)))
    children = [distinct.get(h.pk, 0) for h in hamlets]
    return GroupTable(hamlets=hamlets, rows=rows, children=children, children_total=sum(children))


@dataclass(frozen=True)
class HamletHealth:
    hamlet: Hamlet
    households: int
    reviewed: int  # households whose record or an approved collaborator update is this recent
    waiting: int  # collaborator updates waiting for review
    oldest_waiting: datetime | None


def registry_health(*, commune, since: datetime) -> list[HamletHealth]:
    """Per hamlet: how many households were reviewed since `since` (their record edited, or a collaborator's
    update about them approved), and the collaborators' updates waiting, with the oldest. Four queries."""
    approved = HouseholdUpdate.objects.filter(
        household=OuterRef("pk"), state=HouseholdUpdate.State.APPROVED, reviewed_at__gte=since
    )
    homes = Household.objects.filter(commune=commune).order_by()
    households = dict(homes.values("hamlet_id").annotate(n=Count("pk")).values_list("hamlet_id", "n"))
    recent = dict(
        homes.filter(Q(updated_at__gte=since) | Exists(approved))
        .values("hamlet_id")
        .annotate(n=Count("pk"))
        .values_list("hamlet_id", "n")
    )
    waiting = {
        row["household__hamlet_id"]: (row["n"], row["oldest"])
        for row in HouseholdUpdate.objects.filter(household__commune=commune, state=HouseholdUpdate.State.WAITING)
        .order_by()
        .values("household__hamlet_id")
        .annotate(n=Count("pk"), oldest=Min("submitted_at"))
    }
    return [
        HamletHealth(h, households.get(h.pk, 0), recent.get(h.pk, 0), *waiting.get(h.pk, (0, None)))
        for h in Hamlet.objects.filter(commune=commune).order_by("position", "name")
    ]
