"""Case pages: the list by urgency, intake, the case page with its timeline, the steps, the units' inbox.

Who may open what: see cases.selectors; every opening of a case page is written to the access log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.forms import IntakeForm, StepForm, TaskResultForm
from cases.models import Task
from cases.selectors import case_list, concerns_waiting, get_case_for_user, unit_inbox
from cases.services import STEPS, case_open, case_step, steps_open_to, task_result
from children.selectors import children_visible_to
from children.views.child import _errors_to_form
from tanloi_portal.access import allow
from tanloi_portal.audit import log_access
from tanloi_portal.models import Role


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def case_list_view(request):
    rows = case_list(user=request.user, open_only=request.GET.get("tat-ca") != "1")
    context = {
        "rows": rows,
        "show_all": request.GET.get("tat-ca") == "1",
        "concerns": concerns_waiting(user=request.user),
    }
    return render(request, "cases/list.html", context)


@allow(Role.OFFICER)
def intake_view(request):
    children = children_visible_to(user=request.user).select_related("household").order_by("name_sort_key")
    concern = None
    if request.GET.get("lo-ngai"):
        concern = get_object_or_404(concerns_waiting(user=request.user), pk=request.GET["lo-ngai"])
    initial = {"child": request.GET.get("tre")}
    if concern is not None:
        initial = {
            "child": concern.child_id,
            "channel": "collaborator",
            "received_at": timezone.localtime(concern.submitted_at),
            "description": concern.payload.get("description", ""),
        }
    form = IntakeForm(request.POST or None, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = get_object_or_404(children, pk=data.pop("child"))
        try:
            case = case_open(child=child, by=request.user, from_update=concern, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã tiếp nhận hồ sơ #%(pk)s.") % {"pk": case.pk})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/intake.html", {"form": form, "concern": concern})


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def case_detail_view(request, pk: int):
    case = get_case_for_user(user=request.user, pk=pk)
    log_access(request, obj=case)
    timeline = case.timeline.select_related("by").order_by("at", "pk")
    assignments = case.assignments.select_related("unit").prefetch_related("tasks")
    actions = steps_open_to(case, request.user)
    context = {
        "case": case,
        "timeline": timeline,
        "assignments": assignments,
        "actions": actions,
        "show_reporter": request.user.role == Role.OFFICER,
    }
    return render(request, "cases/detail.html", context)


@allow(Role.OFFICER, Role.CHAIRMAN)
def case_step_view(request, pk: int, action: str):
    case = get_case_for_user(user=request.user, pk=pk)
    if action not in STEPS or request.user.role not in STEPS[action][3]:
        raise PermissionDenied
    form = StepForm(request.POST or None, action=action, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("when", "text", "version") and v is not None}
        try:
            case_step(
                case=case,
                action=action,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                when=form.cleaned_data["when"],
                data=data,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi bước xử lý."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/step.html", {"case": case, "form": form, "action": action})


@allow(Role.UNIT_STAFF)
def inbox_view(request):
    context = {"tasks": unit_inbox(user=request.user), "today": timezone.localdate()}
    return render(request, "cases/inbox.html", context)


@allow(Role.UNIT_STAFF, Role.OFFICER)
def task_result_view(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("assignment__case"), pk=pk)
    case = get_case_for_user(user=request.user, pk=task.assignment.case_id)
    form = TaskResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_result(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi kết quả."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/task.html", {"task": task, "case": case, "form": form})
