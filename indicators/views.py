"""The indicator board, a metric's page with its history and hamlets, the children behind a figure, and
entering a value by hand."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from children.selectors import communes_visible_to
from indicators.calculators import CALCULATORS, Period, Scope, value_of
from indicators.forms import BaselineForm, MeasurementForm, PlanTextForm
from indicators.freshness import recompute_progress, recompute_request
from indicators.permissions import (
    BOARD_ROLES,
    DRILL_DOWN_ROLES,
    PLAN_TEXT_ROLES,
    RECOMPUTE_ROLES,
    can_drill_down,
    can_edit_plan_text,
    can_enter,
    can_read_plan_documents,
    can_recompute,
    can_set_baseline,
)
from indicators.progress import LABELS, MEANINGS
from indicators.selectors import (
    board_computed_at,
    board_plan,
    board_rows,
    current_plan,
    metric_by_hamlet,
    metric_chart,
    metric_history,
    metric_of_plan,
    metric_values,
    plan_objectives,
    plan_visible_to,
    stale_since,
    stored_value,
)
from indicators.services import PLAN_TEXT_FIELDS, baseline_set, enter_value, plan_text_update
from tanloi_portal.access import allow, allow_any_user
from tanloi_portal.audit import Action, log_access
from tanloi_portal.params import positive_id, year_param


@allow_any_user
def plan_view(request):
    """The plan's objectives, indicators and targets: known to every role of the portal."""
    communes = list(communes_visible_to(user=request.user))
    plan = plan_visible_to(user=request.user, commune_code=request.GET.get("xa", ""))
    objectives = plan_objectives(plan=plan) if plan else []
    context = {"plan": plan, "objectives": objectives, "communes": communes if len(communes) > 1 else []}
    context["plan_documents"] = can_read_plan_documents(request.user, plan)
    context["can_edit_text"] = can_edit_plan_text(request.user, plan)
    return render(request, "indicators/plan.html", context)


@allow(*PLAN_TEXT_ROLES)
def plan_text_view(request):
    """The officer edits the plan's words (grounds, purposes, activities, solutions, recipients, number and
    date); the plan's PDF and .docx are rendered from them (reports/documents/plan.py)."""
    plan = current_plan(commune=request.user.commune)
    text = getattr(plan, "text", None) if plan else None
    if text is None:
        raise Http404
    form = PlanTextForm(request.POST or None, instance=text)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in PLAN_TEXT_FIELDS}
        # The form's instance already holds the typed values; the service compares against the stored row.
        text.refresh_from_db()
        plan_text_update(text=text, by=request.user, **values)
        messages.success(request, _("Đã lưu văn bản kế hoạch."))
        return redirect(reverse("indicators:plan-text"))
    return render(request, "indicators/plan_text.html", {"plan": plan, "form": form, "text": text})


def _plan_or_404(request):
    plan = board_plan(user=request.user, commune_code=request.GET.get("xa", ""))
    if plan is None:
        raise Http404
    return plan


def _hamlet(request, plan):
    code = request.GET.get("ap")
    if not code:
        return None
    hamlet = plan.commune.hamlets.filter(code=code).first()
    if hamlet is None:
        raise Http404
    return hamlet


@allow(*BOARD_ROLES)
def board_view(request):
    plan = _plan_or_404(request)
    year, hamlet = year_param(request), _hamlet(request, plan)
    rows = board_rows(plan=plan, year=year, hamlet=hamlet)
    by_objective: dict = {}
    for row in rows:
        by_objective.setdefault(row["v"].metric.indicator.objective_id, []).append(row)
    objectives = [(o, by_objective.get(o.pk, [])) for o in plan.objectives.order_by("number")]
    communes = list(communes_visible_to(user=request.user))
    xa = plan.commune.code if len(communes) > 1 else ""
    stale = any(row["v"].stale for row in rows)
    query = {"nam": year, **({"xa": xa} if xa else {}), **({"ap": hamlet.code} if hamlet else {})}
    context = {
        "plan": plan,
        "year": year,
        "hamlet": hamlet,
        "communes": communes if len(communes) > 1 else [],
        "xa": xa,
        "hamlets": plan.commune.hamlets.order_by("position"),
        "objectives": objectives,
        "years": range(plan.start_year, timezone.localdate().year + 1),
        "computed_at": board_computed_at(rows),
        "stale": stale,
        "progress": recompute_progress(plan=plan, year=year) if stale else {},
        "progress_url": f"{reverse('indicators:freshness')}?{urlencode(query)}",
        "can_recompute": can_recompute(request.user, plan),
        "show_verdict": any(row["v"].progress.verdict for row in rows),
        "legend": [(status, LABELS[status], MEANINGS[status]) for status in LABELS],
        "complete_share": settings.FIGURES_COMPLETE_PERCENT,
    }
    return render(request, "indicators/board.html", context)


@allow(*BOARD_ROLES)
def freshness_view(request):
    """For the board's page while it waits: whether its figures are still being recomputed, and how far."""
    plan = _plan_or_404(request)
    year, hamlet = year_param(request), _hamlet(request, plan)
    stale = stale_since(commune=plan.commune, hamlet=hamlet, year=year) is not None
    return JsonResponse({"stale": stale, **recompute_progress(plan=plan, year=year)})


@allow(*RECOMPUTE_ROLES)
@require_POST
def recompute_view(request):
    """The officer's "Tính lại": the year's figures are marked as being recomputed and the worker is asked."""
    plan = board_plan(user=request.user, commune_code=request.POST.get("xa", ""))
    if plan is None:
        raise Http404
    if not can_recompute(request.user, plan):
        raise PermissionDenied
    year, this_year = positive_id(request.POST.get("nam")), timezone.localdate().year
    if year is None or not plan.start_year <= year <= this_year:
        messages.error(
            request,
            _("Năm cần tính lại không hợp lệ: chọn một năm từ %(first)s đến %(last)s.")
            % {"first": plan.start_year, "last": this_year},
        )
        response = board_view(request)
        response.status_code = 400
        return response
    if recompute_request(plan=plan, year=year):
        messages.success(
            request, _("Đã yêu cầu tính lại số liệu năm %(year)s: số mới sẽ có sau ít phút.") % {"year": year}
        )
    else:
        messages.error(
            request,
            _("Chưa gửi được yêu cầu tới bộ phận tính toán. Số liệu vẫn được đánh dấu để tính lại trong đêm nay."),
        )
    back = {"nam": year, **{k: request.POST[k] for k in ("xa", "ap") if request.POST.get(k)}}
    return redirect(f"{reverse('indicators:board')}?{urlencode(back)}")


@allow(*BOARD_ROLES)
def metric_view(request, code: str):
    plan = _plan_or_404(request)
    metric = metric_of_plan(plan=plan, code=code)
    year = year_param(request)
    history = metric_history(metric=metric, commune=plan.commune)
    chart = {
        **metric_chart(metric=metric, history=history),
        "target_label": pgettext("mức phải đạt", "Chỉ tiêu"),
        "incomplete_label": _("số liệu chưa đầy đủ"),
    }
    context = {
        "plan": plan,
        "metric": metric,
        "year": year,
        "xa": request.GET.get("xa", ""),
        "history": history,
        "hamlets": metric_by_hamlet(metric=metric, commune=plan.commune, year=year),
        "chart": chart,
        "can_drill": metric.code in CALCULATORS and can_drill_down(request.user, metric),
        "can_enter": can_enter(request.user, metric, plan),
        "can_set_baseline": can_set_baseline(request.user, plan),
        "baseline": getattr(metric, "baseline", None),
        "current": next((v for v in metric_values(plan=plan, year=year) if v.metric.pk == metric.pk), None),
    }
    return render(request, "indicators/metric.html", context)


@allow(*DRILL_DOWN_ROLES)
def drill_down_view(request, code: str):
    plan = _plan_or_404(request)
    metric = metric_of_plan(plan=plan, code=code)
    if metric.code not in CALCULATORS:
        raise Http404
    if not can_drill_down(request.user, metric):
        raise PermissionDenied
    year, hamlet = year_param(request), _hamlet(request, plan)
    result = CALCULATORS[metric.code](Period(year), Scope(plan.commune, hamlet))
    records = (
        result.records.select_related("household__hamlet").order_by("name_sort_key", "pk")
        if result.records is not None
        else []
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    details = {
        "metric": metric.code,
        "year": year,
        "hamlet": hamlet.code if hamlet else None,
        "rows": page.paginator.count,
    }
    log_access(request, object_type="children.child", action=Action.DRILL_DOWN, details=details)
    context = {
        "metric": metric,
        "year": year,
        "hamlet": hamlet,
        "result": result,
        "value": value_of(result, metric.unit),
        "stored": stored_value(metric=metric, commune=plan.commune, hamlet=hamlet, year=year),
        "stale": stale_since(commune=plan.commune, hamlet=hamlet, year=year) is not None,
        "can_recompute": can_recompute(request.user, plan),
        "page": page,
        "query": f"nam={year}" + (f"&ap={hamlet.code}" if hamlet else ""),
    }
    return render(request, "indicators/drill_down.html", context)


@allow(*DRILL_DOWN_ROLES)
def enter_view(request, code: str):
    plan = _plan_or_404(request)
    metric = metric_of_plan(plan=plan, code=code)
    if not can_enter(request.user, metric, plan):
        raise PermissionDenied
    hamlets = list(plan.commune.hamlets.order_by("position"))
    form = MeasurementForm(request.POST or None, metric=metric, hamlets=hamlets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hamlet = next((h for h in hamlets if h.pk == data["hamlet"]), None)
        value = data["value"]
        enter_value(
            metric=metric,
            scope=Scope(plan.commune, hamlet),
            period=Period(data["year"], data["half"]),
            value=value,
            numerator=data["numerator"],
            denominator=data["denominator"],
            note=data["note"],
            by=request.user,
        )
        messages.success(
            request, _("Đã lưu số liệu chỉ số %(code)s năm %(y)s.") % {"code": metric.code, "y": data["year"]}
        )
        return redirect(f"{reverse('indicators:metric', args=[metric.code])}?nam={data['year']}")
    return render(request, "indicators/enter.html", {"metric": metric, "form": form})


@allow(*RECOMPUTE_ROLES)
def baseline_view(request, code: str):
    """The officer chooses a metric's base year, with the reason (or goes back to the first complete year)."""
    plan = _plan_or_404(request)
    metric = metric_of_plan(plan=plan, code=code)
    if not can_set_baseline(request.user, plan):
        raise PermissionDenied
    current = getattr(metric, "baseline", None)
    if request.method == "POST" and request.POST.get("automatic") == "1":
        baseline_set(metric=metric, year=None, reason="", by=request.user)
        messages.success(
            request, _("Chỉ số %(code)s lấy năm đầu tiên có số liệu đầy đủ làm năm gốc.") % {"code": metric.code}
        )
        return redirect(reverse("indicators:metric", args=[metric.code]))
    initial = {"year": current.year, "reason": current.reason} if current else {}
    form = BaselineForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        baseline_set(metric=metric, year=year, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("Chỉ số %(code)s lấy năm gốc %(year)s.") % {"code": metric.code, "year": year})
        return redirect(reverse("indicators:metric", args=[metric.code]))
    return render(request, "indicators/baseline.html", {"metric": metric, "form": form, "current": current})
