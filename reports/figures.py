"""The figures of a report period (selectors: they read, never write).

`period_figures` (indicators.period_figures, so that `indicator_values --period` prints the same) computes every
metric of the plan for the commune for exactly the period's days; `period_situation` counts the children and the
cases of the period. Both return plain JSON-serialisable data: a report stores them frozen beside the issued
document and the workbook writes them. Aggregates only: no name, personal ID, date of birth or narrative. Counts
are ints; the metrics' numbers are decimal strings (indicators.period_figures).
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from cases.models import Case, TimelineEntry
from children.models import Child
from children.populations import aged, living_between
from children.selectors import circumstance_memberships_on, group_hamlet_table
from indicators.calculators import CALCULATORS, Scope
from indicators.period_figures import TotalsMismatch, check_total, decimal_text, period_figures
from reports.periods import ReportPeriod
from tanloi_portal.models import Hamlet

SEXES = (Child.Sex.MALE, Child.Sex.FEMALE)


# --- the situation: children and cases of the period ------------------------------------------------------


def _hamlets(commune) -> list[Hamlet]:
    return list(Hamlet.objects.filter(commune=commune).order_by("position", "name"))


def _children_by_sex(commune, on) -> dict:
    """Children under 16 living in the commune on the day, by sex (children.populations)."""
    children = Child.objects.exclude(status=Child.Status.MERGED).filter(commune=commune)
    counted = aged(living_between(children, on, on), 0, 15, on)
    by_sex = dict(counted.order_by().values("sex").annotate(n=Count("pk")).values_list("sex", "n"))
    row = {sex: by_sex.get(sex, 0) for sex in SEXES}
    total = counted.count()
    row["total"] = check_total(row.values(), total, "children under 16 by sex")
    return row


def _groups_by_sex(commune, on) -> dict:
    """Children in special circumstances on the day by group x hamlet x sex, zeros included. The hamlets, the
    groups and the totals are children.selectors.group_hamlet_table's (the dashboard's table): the sex split is
    counted here, the same way, and must add up to it."""
    table = group_hamlet_table(commune=commune, on=on)
    active = circumstance_memberships_on(on=on, communes=[commune])
    keys = ("group_id", "child__hamlet_id", "child__sex")
    cells = {
        tuple(row[k] for k in keys): row["n"] for row in active.values(*keys).annotate(n=Count("child", distinct=True))
    }
    distinct = {
        (row["child__hamlet_id"], row["child__sex"]): row["n"]
        for row in active.values("child__hamlet_id", "child__sex").annotate(n=Count("child", distinct=True))
    }

    def split(counts_of, hamlet_totals, total, what):
        per_hamlet = []
        for hamlet, hamlet_total in zip(table.hamlets, hamlet_totals, strict=True):
            pair = {sex: counts_of(hamlet.pk, sex) for sex in SEXES}
            check_total(pair.values(), hamlet_total, f"{what}, {hamlet.code}")
            per_hamlet.append(pair)
        by_sex = {sex: sum(p[sex] for p in per_hamlet) for sex in SEXES}
        check_total(by_sex.values(), total, what)
        check_total(hamlet_totals, total, what)
        return {"cells": per_hamlet, "by_sex": by_sex, "total": total}

    rows = []
    for group, counts, total in table.rows:
        row = split(
            lambda h, s, g=group.pk: cells.get((g, h, s), 0), counts, total, f"special circumstances group {group}"
        )
        rows.append({"number": group.number, "name": group.name, **row})
    children_row = split(
        lambda h, s: distinct.get((h, s), 0), table.children, table.children_total, "children in any group"
    )
    return {
        "hamlets": [h.name for h in table.hamlets],
        "rows": rows,
        "children": children_row,
    }


def _birth_registration(commune, period: ReportPeriod) -> dict:
    """Children under 5 at the period's end with a registered birth, by hamlet: indicator 14's calculator for
    each hamlet, whose sum must be its figure for the commune."""
    calculate = CALCULATORS["14"]
    calculator_period = period.calculator_period()
    rows = []
    for hamlet in _hamlets(commune):
        result = calculate(calculator_period, Scope(commune, hamlet))
        rows.append({"hamlet": hamlet.name, "registered": result.numerator, "total": result.denominator})
    whole = calculate(calculator_period, Scope(commune))
    registered = check_total([r["registered"] for r in rows], whole.numerator, "birth registration: registered")
    total = check_total([r["total"] for r in rows], whole.denominator, "birth registration: under 5")
    return {"rows": rows, "registered": registered, "total": total}


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The steps a case can be at while open, in their order (the closed step is counted as "closed in the period").
OPEN_STEPS = [status for status in Case.Status.values if status != Case.Status.CLOSED]


def _cases(commune, period: ReportPeriod) -> dict:
    """The commune's cases by concern: received in the period, closed in it, open at its end, and those open at
    its end by the step they were at then (the last step the timeline had recorded by that day; intake for a case
    entered later with an earlier receipt). Counts only: no case is named. cases.selectors counts calendar years
    and open-now, not a period's bounds, hence the queries here."""
    start, after = _aware(period.start), _aware(period.end + timedelta(days=1))
    cases = Case.objects.filter(commune=commune).order_by()
    received = Q(received_at__gte=start, received_at__lt=after)
    closed = Q(closed_at__gte=start, closed_at__lt=after)
    open_at_end = Q(received_at__lt=after) & (Q(closed_at__isnull=True) | Q(closed_at__gte=after))
    last_step = (
        TimelineEntry.objects.filter(case=OuterRef("pk"), kind=TimelineEntry.Kind.STEP, at__lt=after)
        .exclude(status=Case.Status.CLOSED)
        .order_by("-at", "-pk")
        .values("status")[:1]
    )
    per_concern = {
        row["concern"]: row
        for row in cases.values("concern").annotate(
            received=Count("pk", filter=received),
            closed=Count("pk", filter=closed),
            open_at_end=Count("pk", filter=open_at_end),
        )
    }
    steps = {}
    for row in (
        cases.filter(open_at_end)
        .annotate(step=Subquery(last_step))
        .values("concern", "step")
        .annotate(n=Count("pk"))
        .values_list("concern", "step", "n")
    ):
        concern, step, n = row
        step = step if step in OPEN_STEPS else Case.Status.INTAKE
        steps[(concern, step)] = steps.get((concern, step), 0) + n
    rows = []
    for key, label in Case.Concern.choices:
        counts = per_concern.get(key, {})
        by_step = {step: steps.get((key, step), 0) for step in OPEN_STEPS}
        open_total = check_total(by_step.values(), counts.get("open_at_end", 0), f"cases open at the end, {key}")
        rows.append(
            {
                "concern": key,
                "label": str(label),
                "received": counts.get("received", 0),
                "closed": counts.get("closed", 0),
                "open_at_end": open_total,
                "steps": by_step,
            }
        )
    totals = {
        "received": sum(r["received"] for r in rows),
        "closed": sum(r["closed"] for r in rows),
        "open_at_end": sum(r["open_at_end"] for r in rows),
        "steps": {step: sum(r["steps"][step] for r in rows) for step in OPEN_STEPS},
    }
    whole = cases.aggregate(
        received=Count("pk", filter=received),
        closed=Count("pk", filter=closed),
        open_at_end=Count("pk", filter=open_at_end),
    )
    for what in ("received", "closed", "open_at_end"):
        check_total([totals[what]], whole[what], f"cases {what}")
    check_total(totals["steps"].values(), totals["open_at_end"], "cases open at the end by step")
    return {
        "steps": [{"status": step, "label": str(Case.Status(step).label)} for step in OPEN_STEPS],
        "rows": rows,
        "totals": totals,
    }


def period_situation(*, commune, period: ReportPeriod) -> dict:
    """The commune's situation for the period, as counts: children under 16 living in the commune at its end by
    sex; children in special circumstances at its end by group x hamlet x sex; birth registration of the
    under-5s by hamlet; cases by concern and step (commune totals only). JSON-serialisable; every total checked
    against its parts (TotalsMismatch)."""
    return {
        "on": period.end.isoformat(),
        "children_under_16": _children_by_sex(commune, period.end),
        "groups": _groups_by_sex(commune, period.end),
        "birth_registration": _birth_registration(commune, period),
        "cases": _cases(commune, period),
    }


__all__ = ["TotalsMismatch", "check_total", "decimal_text", "period_figures", "period_situation"]
