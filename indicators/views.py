from django.shortcuts import render

from indicators.selectors import plan_objectives, plan_visible_to
from tanloi_portal.access import allow_any_user


@allow_any_user
def plan_view(request):
    """The plan's objectives, indicators and targets: known to every role of the portal."""
    plan = plan_visible_to(user=request.user)
    objectives = plan_objectives(plan=plan) if plan else []
    return render(request, "indicators/plan.html", {"plan": plan, "objectives": objectives})
