"""Each role's home page: the first dashboards, at the top of the flow (they read every app's selectors)."""

from django.shortcuts import render

from cases.selectors import awaiting_decision_count, concern_counts, overdue_count
from children.selectors import (
    commune_hamlets,
    commune_summary,
    communes_visible_to,
    hamlet_summary,
    hamlets_visible_to,
    queue_counts,
    totals_of,
)
from indicators.selectors import current_plan, indicators_led_by, plan_objectives, plan_visible_to
from tanloi_portal.access import allow
from tanloi_portal.models import Role
from tanloi_portal.selectors import unit_of


@allow(Role.OFFICER)
def home_officer(request):
    hamlets = list(hamlet_summary(hamlets=hamlets_visible_to(user=request.user)))
    context = {
        "hamlets": hamlets,
        "totals": totals_of(hamlets),
        "queue": queue_counts(user=request.user),
        "overdue_cases": overdue_count(user=request.user),
        "concerns": concern_counts(user=request.user),
    }
    return render(request, "reports/home/officer.html", context)


@allow(Role.COLLABORATOR)
def home_collaborator(request):
    hamlet = hamlet_summary(hamlets=hamlets_visible_to(user=request.user)).first()
    return render(request, "reports/home/collaborator.html", {"hamlet": hamlet})


@allow(Role.UNIT_STAFF)
def home_unit(request):
    unit = unit_of(user=request.user)
    plan = current_plan(commune=request.user.commune)
    led = indicators_led_by(plan=plan, unit=unit) if plan else []
    # A school has no tasks of its own in the plan: it carries out those of "Các trường trên địa bàn".
    tasks = unit.tasks or (unit.parent.tasks if unit.parent else "")
    return render(request, "reports/home/unit.html", {"unit": unit, "led_indicators": led, "tasks": tasks})


def _plan_context(user) -> dict:
    plan = plan_visible_to(user=user)
    return {"plan": plan, "objectives": plan_objectives(plan=plan) if plan else []}


@allow(Role.CHAIRMAN)
def home_chairman(request):
    commune = request.user.commune
    hamlets = list(hamlet_summary(hamlets=commune_hamlets(commune=commune)))
    context = {
        "commune": commune,
        "hamlets": hamlets,
        "totals": totals_of(hamlets),
        "overdue_cases": overdue_count(user=request.user),
        "awaiting_decision": awaiting_decision_count(user=request.user),
        **_plan_context(request.user),
    }
    return render(request, "reports/home/chairman.html", context)


@allow(Role.DISTRICT)
def home_district(request):
    communes = list(commune_summary(communes=communes_visible_to(user=request.user)))
    context = {"communes": communes, **_plan_context(request.user)}
    return render(request, "reports/home/district.html", context)
