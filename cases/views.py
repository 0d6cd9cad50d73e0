"""Case pages: the list by urgency, intake, the case page with its timeline, the steps, assignments, notes,
attachments, the printable case file, statistics and the units' inbox.

Who may open what: see cases.selectors (reads) and cases.services (writes); every opening of a case page,
an attachment or the case file is written to the access log.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import legal_forms
from cases.documents import case_file_pdf
from cases.forms import AssignForm, AttachmentForm, IntakeForm, LinkChildForm, NoteForm, StepForm, TaskResultForm
from cases.models import Attachment, Task
from cases.rules import may_read_narrative
from cases.selectors import (
    SHOWN,
    WAITING_CHAIRMAN,
    case_list_page,
    case_statistics,
    case_timeline,
    concerns_by_urgency,
    concerns_waiting,
    get_case_for_user,
    intake_choices,
    unit_inbox,
)
from cases.services import (
    attachment_add,
    attachment_download,
    attachment_path,
    attachment_too_large_message,
    case_assign,
    case_link_child,
    case_note,
    case_open,
    case_step,
    task_result,
)
from children.selectors import children_visible_to, communes_visible_to, hamlets_visible_to
from children.views.child import _errors_to_form
from tanloi_portal.access import allow
from tanloi_portal.audit import log_access, record_export
from tanloi_portal.models import Role
from tanloi_portal.pagination import PAGE_PARAM
from tanloi_portal.params import id_param, year_param
from tanloi_portal.selectors import units_of_commune
from tanloi_portal.uploads import body_limit


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def case_list_view(request):
    show_all = request.GET.get("tat-ca") == "1"
    shown = request.GET.get("xem", "")
    shown = shown if shown in SHOWN else ""
    page = case_list_page(user=request.user, open_only=not show_all, shown=shown, token=request.GET.get(PAGE_PARAM, ""))
    query = urlencode({k: v for k, v in (("tat-ca", "1" if show_all else ""), ("xem", shown)) if v})
    context = {
        "page": page,
        "query": query,
        "show_all": show_all,
        "shown": shown,
        "waiting_chairman": WAITING_CHAIRMAN,
        "concerns": concerns_by_urgency(user=request.user),
    }
    return render(request, "cases/list.html", context)


@allow(Role.OFFICER)
def intake_view(request):
    concern = None
    if request.GET.get("lo-ngai"):
        concern_pk = id_param(request, "lo-ngai")
        if concern_pk is None:
            raise Http404
        concern = get_object_or_404(concerns_waiting(user=request.user), pk=concern_pk)
        if request.method == "GET":
            log_access(request, obj=concern)
    initial = {"child": id_param(request, "tre")}
    if concern is not None:
        initial = {
            "child": concern.child_id,
            "channel": "collaborator",
            "received_at": timezone.localtime(concern.submitted_at),
            "description": concern.payload.get("description", ""),
            # A concern naming no child of the household: the child not in the registry lives in its hamlet.
            "reported_hamlet": None if concern.child_id else concern.household.hamlet_id,
        }
    searching = request.method == "POST" and "tim" in request.POST
    typed = request.POST if request.method == "POST" else {}
    shown = intake_choices(user=request.user, q=typed.get("q", ""), chosen=typed.get("child") or initial["child"])
    choices = {
        "children": children_visible_to(user=request.user),
        "shown": shown,
        "hamlets": hamlets_visible_to(user=request.user),
    }
    if searching:  # "Tìm": offer the matches, keep everything typed, check nothing yet
        form = IntakeForm(initial=typed.dict(), **choices)
    else:
        form = IntakeForm(request.POST or None, initial=initial, **choices)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            case = case_open(by=request.user, from_update=concern, **form.case_data())
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã tiếp nhận hồ sơ #%(pk)s.") % {"pk": case.pk})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/intake.html", {"form": form, "concern": concern, "searching": searching})


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def case_detail_view(request, pk: int):
    access = get_case_for_user(user=request.user, pk=pk)
    case = access.case
    log_access(request, obj=case)
    assignments = list(case.assignments.select_related("unit", "case").prefetch_related("tasks"))
    context = {
        "case": case,
        "access": access,
        "protection_level": dict(legal_forms.PROTECTION_LEVEL).get(case.protection_level, ""),
        "timeline": case_timeline(case),
        "assignments": assignments,
        "recording_units": {a.unit_id for a in assignments if access.records_results_of(a)},
        "attachments": case.attachments.all(),
    }
    return render(request, "cases/detail.html", context)


@allow(Role.OFFICER, Role.CHAIRMAN)
def case_step_view(request, pk: int, action: str):
    access = get_case_for_user(user=request.user, pk=pk)
    case, step = access.case, access.step(action)
    form = StepForm(request.POST or None, action=action, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            case = case_step(
                case=case,
                action=action,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                when=form.cleaned_data["when"],
                data=form.form_data(),
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi bước “%(step)s”.") % {"step": step.label})
            # After their decision the chairman no longer reads the case: back to the list, not to a 404.
            return (
                redirect("cases:detail", pk=case.pk)
                if may_read_narrative(request.user, case)
                else redirect("cases:list")
            )
    context = {
        "case": case,
        "form": form,
        "label": step.label,
        "legal_form": step.legal_form,
        "other_answers": access.other_answers(step),
    }
    return render(request, "cases/step.html", context)


@allow(Role.OFFICER)
def assign_view(request, pk: int):
    case = get_case_for_user(user=request.user, pk=pk).case
    units = units_of_commune(commune_id=case.commune_id)
    form = AssignForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = get_object_or_404(units, pk=form.cleaned_data["unit"])
        try:
            case_assign(case=case, unit=unit, by=request.user,
                        tasks=[(form.cleaned_data["what"], form.cleaned_data["due_on"])])  # fmt: skip
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã phân công %(unit)s.") % {"unit": unit.name})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"case": case, "form": form, "heading": _("Phân công đơn vị")})


@allow(Role.OFFICER)
def link_child_view(request, pk: int):
    """A case about a child not in the registry, linked to the child's record once it is there."""
    case = get_case_for_user(user=request.user, pk=pk).case
    if case.child_id:
        messages.info(request, _("Hồ sơ này đã gắn với trẻ trong sổ."))
        return redirect("cases:detail", pk=case.pk)
    typed = request.POST if request.method == "POST" else {"q": case.reported_name}
    shown = intake_choices(user=request.user, q=typed.get("q", ""), chosen=typed.get("child"))
    choices = {"children": children_visible_to(user=request.user), "shown": shown}
    if request.method == "POST" and "tim" not in request.POST:
        form = LinkChildForm(request.POST, **choices)
        if form.is_valid():
            try:
                case_link_child(case=case, child=form.cleaned_data["child"], by=request.user,
                                expected_version=form.cleaned_data["version"])  # fmt: skip
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Đã gắn hồ sơ với trẻ %(name)s.") % {"name": form.cleaned_data["child"]})
                return redirect("cases:detail", pk=case.pk)
    else:
        form = LinkChildForm(initial={**typed, "version": case.version}, **choices)
    return render(request, "cases/link_child.html", {"case": case, "form": form, "shown": shown})


@allow(Role.OFFICER, Role.UNIT_STAFF)
def note_view(request, pk: int):
    access = get_case_for_user(user=request.user, pk=pk)
    if not access.can_contribute:
        raise PermissionDenied
    case = access.case
    log_access(request, obj=case)  # the page lists the timeline
    timeline = case_timeline(case)
    form = NoteForm(request.POST or None, entries=timeline, initial={"corrects": request.GET.get("dinh-chinh")})
    if request.method == "POST" and form.is_valid():
        corrects = None
        if form.cleaned_data["corrects"]:
            corrects = next((r.entry for r in timeline if r.entry.pk == form.cleaned_data["corrects"]), None)
        try:
            case_note(case=case, by=request.user, text=form.cleaned_data["text"], corrects=corrects)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã ghi vào diễn biến hồ sơ."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"case": case, "form": form, "heading": _("Ghi chú, đính chính")})


@allow(Role.OFFICER, Role.UNIT_STAFF)
# An oversized file is refused by its declared length before anything reads the body (tanloi_portal.uploads).
@body_limit(max_file_bytes=lambda: settings.CASE_ATTACHMENT_MAX_BYTES, message=attachment_too_large_message)
def attachment_upload_view(request, pk: int):
    access = get_case_for_user(user=request.user, pk=pk)
    if not access.can_contribute:
        raise PermissionDenied
    case = access.case
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            attachment_add(case=case, by=request.user, upload=form.cleaned_data["upload"],
                           title=form.cleaned_data["title"])  # fmt: skip
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã đính kèm tệp."))
            return redirect("cases:detail", pk=case.pk)
    context = {"case": case, "form": form, "heading": _("Đính kèm tệp"), "multipart": True}
    return render(request, "cases/form.html", context)


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def attachment_view(request, pk: int):
    """A case's file, to whoever may open the case: never from a public URL."""
    attachment = get_object_or_404(Attachment, pk=pk)
    get_case_for_user(user=request.user, pk=attachment.case_id)
    log_access(request, obj=attachment)
    filename, content_type = attachment_download(attachment)  # never the uploader's name or extension
    response = FileResponse(
        attachment_path(attachment).open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


@allow(Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF)
def case_file_view(request, pk: int):
    """The case file as a PDF in the commune's document format."""
    access = get_case_for_user(user=request.user, pk=pk)
    case = access.case
    log_access(request, obj=case, action="print")
    pdf = case_file_pdf(case, show_reporter=access.can_read_reporter)
    record_export(user=request.user, kind="case-file", file_name=f"ho-so-{case.pk}.pdf", content=pdf,
                  commune=case.commune, scope=f"cases.case {case.pk}")  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ho-so-{case.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@allow(Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT)
def statistics_view(request):
    """Counts only: no child, reporter or narrative is named. The officer and the chairman read their commune's;
    the level above any commune it oversees (`xa`, the first by name if none is given)."""
    year = year_param(request)
    communes, commune_id = [], request.user.commune_id
    if request.user.role == Role.DISTRICT:
        communes = list(communes_visible_to(user=request.user).order_by("name"))
        code = request.GET.get("xa", "")
        chosen = next((c for c in communes if c.code == code), None) if code else next(iter(communes), None)
        if code and chosen is None:
            raise Http404
        commune_id = chosen.pk if chosen else None
    context = {
        "stats": case_statistics(user=request.user, year=year, commune_id=commune_id) if commune_id else None,
        "years": range(timezone.localdate().year, 2015 - 1, -1),
        "communes": communes,
        "xa": next((c.code for c in communes if c.pk == commune_id), ""),
    }
    return render(request, "cases/statistics.html", context)


@allow(Role.UNIT_STAFF)
def inbox_view(request):
    context = {"tasks": unit_inbox(user=request.user), "today": timezone.localdate()}
    return render(request, "cases/inbox.html", context)


@allow(Role.UNIT_STAFF, Role.OFFICER)
def task_result_view(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("assignment__case"), pk=pk)
    access = get_case_for_user(user=request.user, pk=task.assignment.case_id)
    if not access.records_results_of(task.assignment):
        raise PermissionDenied
    case = access.case
    log_access(request, obj=case)
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
