from django.shortcuts import render

from children.selectors import communes_visible_to
from indicators.selectors import plan_objectives, plan_visible_to
from tanloi_portal.access import allow_any_user


@allow_any_user
def plan_view(request):
    """The plan's objectives, indicators and targets: known to every role of the portal."""
    communes = list(communes_visible_to(user=request.user))
    plan = plan_visible_to(user=request.user, commune_code=request.GET.get("xa", ""))
    objectives = plan_objectives(plan=plan) if plan else []
    context = {"plan": plan, "objectives": objectives, "communes": communes if len(communes) > 1 else []}
    return render(request, "indicators/plan.html", context)
