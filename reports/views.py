"""Each role's home page: the first dashboards, at the top of the flow (they read every app's selectors)."""

import json

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import awaiting_decision_count, concern_counts, overdue_count
from children.selectors import (
    commune_hamlets,
    communes_visible_to,
    hamlet_summary,
    hamlets_visible_to,
    queue_counts,
    totals_of,
)
from indicators.progress import LABELS
from indicators.selectors import current_plan, current_plans, indicators_led_by, metric_values
from reports.dashboard import communes_dashboard, dashboard, summarised_communes
from reports.notices import notices_of
from reports.selectors import reports_waiting_count
from tanloi_portal.access import allow
from tanloi_portal.models import Role
from tanloi_portal.params import year_param
from tanloi_portal.replica import on_replica
from tanloi_portal.selectors import unit_of

# The heat table's colours, named on the page (for print and for those who do not see the colours).
STATUS_LEGEND = list(LABELS.items())


@allow(Role.OFFICER)
def home_officer(request):
    hamlets = list(hamlet_summary(hamlets=hamlets_visible_to(user=request.user)))
    context = {
        "hamlets": hamlets,
        "totals": totals_of(hamlets),
        "queue": queue_counts(user=request.user),
        "overdue_cases": overdue_count(user=request.user),
        "concerns": concern_counts(user=request.user),
        "reports_waiting": reports_waiting_count(user=request.user),
    }
    return render(request, "reports/home/officer.html", context)


@allow(Role.COLLABORATOR)
def home_collaborator(request):
    hamlet = hamlet_summary(hamlets=hamlets_visible_to(user=request.user)).first()
    context = {"hamlet": hamlet, "notices": notices_of(request)}
    return render(request, "reports/home/collaborator.html", context)


@allow(Role.UNIT_STAFF)
def home_unit(request):
    """The unit's to-do list first (its open tasks, the overdue labelled), then this year's values of the
    metrics it leads, then its tasks in the plan."""
    unit = unit_of(user=request.user)
    plan = current_plan(commune=request.user.commune)
    year = timezone.localdate().year
    led = indicators_led_by(plan=plan, unit=unit) if plan else []
    led_metrics = {metric.pk for indicator in led for metric in indicator.metrics.all()}
    values = metric_values(plan=plan, year=year) if led_metrics else []
    # A school has no tasks of its own in the plan: it carries out those of "Các trường trên địa bàn".
    tasks = unit.tasks or (unit.parent.tasks if unit.parent else "")
    context = {
        "unit": unit,
        "year": year,
        "notices": notices_of(request),
        "led_values": [v for v in values if v.metric.pk in led_metrics],
        "tasks": tasks,
    }
    return render(request, "reports/home/unit.html", context)


@allow(Role.CHAIRMAN)
@on_replica
def home_chairman(request):
    """The chairman's home is the commune's dashboard for a year (reports/dashboard.py)."""
    commune = request.user.commune
    hamlets = list(hamlet_summary(hamlets=commune_hamlets(commune=commune)))
    plan = current_plan(commune=commune)
    this_year = timezone.localdate().year
    year = year_param(request, first=plan.start_year if plan else 2015)
    d = dashboard(user=request.user, plan=plan, year=year) if plan else None
    context = {
        "commune": commune,
        "year": year,
        "years": range(plan.start_year if plan else this_year, this_year + 1),
        "hamlets": hamlets,
        "totals": totals_of(hamlets),
        # The dashboard's case statistics hold both counts; without a plan, they are counted on their own.
        "overdue_cases": d.cases.overdue if d else overdue_count(user=request.user),
        "awaiting_decision": d.cases.awaiting_chairman if d else awaiting_decision_count(user=request.user),
        "reports_waiting": reports_waiting_count(user=request.user),
        # The decisions waiting, each its own link (the case to decide on, the report to approve).
        "decisions": [n for n in notices_of(request) if n.kind in ("decision", "report_waiting")],
        "d": d,
        "cases_chart": _cases_chart(d.cases) if d else {},
        "legend": STATUS_LEGEND,
    }
    return render(request, "reports/home/chairman.html", context)


def _cases_chart(statistics) -> dict:
    """The cases-by-concern chart's series, as JSON for its data attributes (the same figures as its table)."""
    rows = statistics.by_concern
    names = {"opened": _("Tiếp nhận trong năm"), "open": _("Đang mở"), "closed": _("Kết thúc trong năm")}
    return {
        "labels": json.dumps([label for label, *_counts in rows], ensure_ascii=False),
        "opened": json.dumps([opened for _label, opened, _open, _closed in rows]),
        "open": json.dumps([open_now for _label, _opened, open_now, _closed in rows]),
        "closed": json.dumps([closed for _label, _opened, _open, closed in rows]),
        "names": json.dumps({k: str(v) for k, v in names.items()}, ensure_ascii=False),
    }


@allow(Role.DISTRICT)
@on_replica
def home_district(request):
    """The level above: with several communes and none chosen, all of them side by side (a commune x metric
    heat table, their totals); the dashboard of the one chosen (or the only one). Read-only."""
    visible = communes_visible_to(user=request.user)
    communes = summarised_communes(communes=visible)
    code = request.GET.get("xa", "")
    if code:
        chosen = next((c for c in communes if c.code == code), None)
        if chosen is None:
            raise Http404
    else:
        chosen = communes[0] if len(communes) == 1 else None
    this_year = timezone.localdate().year
    plan = current_plan(commune=chosen) if chosen else None
    plans = current_plans(communes=visible) if chosen is None and communes else {}
    starts = [plan.start_year] if plan else [p.start_year for p in plans.values()]
    year = year_param(request, first=min(starts, default=2015))
    d = dashboard(user=request.user, plan=plan, year=year) if plan else None
    combined = communes_dashboard(communes=communes, plans=plans, year=year) if chosen is None and communes else None
    context = {
        "communes": communes,
        "commune": chosen,
        "xa": chosen.code if chosen and len(communes) > 1 else "",
        "several": len(communes) > 1,
        "year": year,
        "years": range(min(starts, default=this_year), this_year + 1),
        "d": d,
        "all": combined,
        "cases_chart": _cases_chart(d.cases) if d else {},
        "legend": STATUS_LEGEND,
    }
    return render(request, "reports/home/district.html", context)
