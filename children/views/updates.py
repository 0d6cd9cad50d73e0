"""Household updates: the collaborator reports a change from a phone; the officer reviews it.

Collaborator pages are small (no tables, one column, big buttons) for cheap phones on weak connections.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from children.forms import ALL
from children.household_updates import (
    ACKNOWLEDGED_ONLY,
    APPROVE_LABEL_OTHERWISE,
    APPROVE_LABELS,
    KINDS,
    NOTHING_IN_REGISTRY,
    NOTHING_IN_REGISTRY_OTHERWISE,
    RECEIVED_ELSEWHERE,
    RECEIVERS,
    AlreadyReviewed,
    InvalidUpdate,
    ReceivedElsewhere,
    ResentChanged,
    describe_current,
    describe_proposal,
    doubt_of,
    edit_form_for,
    entry_warnings,
    form_for,
    possible_duplicates,
    reviewed_message,
    update_approve,
    update_reject,
    update_submit,
)
from children.models import HouseholdUpdate
from children.rules import possible_duplicate_message
from children.selectors import (
    get_household_for_user,
    get_update_for_user,
    hamlets_visible_to,
    queue_counts,
    review_queue,
    updates_visible_to,
)
from children.services import Implausible
from tanloi_portal.access import allow
from tanloi_portal.audit import log_access
from tanloi_portal.models import Role
from tanloi_portal.params import id_param

Kind = HouseholdUpdate.Kind


@allow(Role.COLLABORATOR)
def report_choose_view(request, pk: int):
    household = get_household_for_user(user=request.user, pk=pk)
    return render(request, "children/updates/choose.html", {"household": household, "kinds": Kind.choices})


def _client_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@allow(Role.COLLABORATOR)
def report_form_view(request, pk: int, kind: str):
    household = get_household_for_user(user=request.user, pk=pk)
    if kind not in KINDS:
        raise Http404
    client_id = _client_id(request.POST.get("client_id")) if request.method == "POST" else uuid.uuid4()
    form = form_for(kind, household, request.POST or None)
    if request.method == "POST":
        if client_id is None:
            form.is_valid()
            form.add_error(None, _("Biểu mẫu đã cũ: tải lại trang rồi gửi lại."))
            client_id = uuid.uuid4()
        else:
            try:
                update_submit(user=request.user, household=household, kind=kind, data=request.POST, client_id=client_id)
            except ResentChanged as error:
                # Keep what was typed; a new id makes the next send a new report.
                form, client_id = error.form, uuid.uuid4()
                form.add_error(None, error.message)
            except InvalidUpdate as error:
                form = error.form
            else:
                messages.success(request, _("Đã gửi. Cán bộ xã sẽ xem và duyệt."))
                return redirect("children:my-updates")
    context = {
        "household": household,
        "form": form,
        "kind": kind,
        "kind_label": Kind(kind).label,
        "client_id": client_id,
        # The offline script treats only a redirect to this page as "stored" (not one to the log-in page).
        "sent_url": reverse("children:my-updates"),
    }
    return render(request, "children/updates/form.html", context)


@allow(Role.COLLABORATOR)
def my_updates_view(request):
    updates = updates_visible_to(user=request.user).order_by("-submitted_at")
    page = Paginator(updates, 30).get_page(request.GET.get("page"))
    return render(request, "children/updates/mine.html", {"page": page})


@allow(Role.OFFICER)
def review_queue_view(request):
    hamlets = list(hamlets_visible_to(user=request.user))
    state = request.GET.get("state", HouseholdUpdate.State.WAITING)
    state = state if state in HouseholdUpdate.State.values else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    hamlet = id_param(request, "hamlet")
    updates = review_queue(user=request.user, state=state, hamlet=hamlet, kind=kind)
    page = Paginator(updates, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "counts": queue_counts(user=request.user),
        "hamlets": hamlets,
        "states": ALL + list(HouseholdUpdate.State.choices),
        "kinds": ALL + list(Kind.choices),
        "selected": {"state": state, "kind": kind, "hamlet": hamlet},
    }
    return render(request, "children/updates/queue.html", context)


def _receiving(update: HouseholdUpdate) -> tuple[str, str] | None:
    """(URL, button label) of the page that receives this kind of report (RECEIVERS), with the report's id; None
    for a kind approved here."""
    receiver = RECEIVERS.get(update.kind) if update.kind in RECEIVED_ELSEWHERE else None
    if receiver is None:
        return None
    return f"{reverse(receiver.url_name)}?{receiver.param}={update.pk}", str(receiver.label)


@allow(Role.OFFICER)
def review_detail_view(request, pk: int):
    update = get_update_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        log_access(request, obj=update)
    edit_form = edit_form_for(update)
    warnings = entry_warnings(update) if update.state == HouseholdUpdate.State.WAITING else []
    # A measurement or a birth date that looks wrong: the approval asks for the officer's confirmation from the start.
    reject_error, implausible = "", "approve" if warnings else ""
    confirm = request.POST.get("confirm_implausible") == "1"
    if request.method == "POST" and update.state != HouseholdUpdate.State.WAITING:
        messages.warning(request, reviewed_message(update))
        return redirect("children:review-detail", pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                update_approve(update=update, by=request.user, confirm_implausible=confirm)
            elif action == "edit_approve":  # the service validates the edited values (InvalidUpdate has the form)
                update_approve(update=update, by=request.user, edited=request.POST.dict(), confirm_implausible=confirm)
            elif action == "reject":
                update_reject(update=update, by=request.user, reason=request.POST.get("reason", ""))
            else:
                raise Http404
        except InvalidUpdate as error:
            edit_form = error.form
            messages.error(request, str(error.message))
        except ReceivedElsewhere as error:
            if receiving := _receiving(update):
                return redirect(receiving[0])
            messages.error(request, error.message)
        except AlreadyReviewed as error:
            messages.warning(request, error.message)
            return redirect("children:review-detail", pk=pk)
        except Implausible as error:
            implausible = action  # that form offers to confirm what was typed, as the child page does
            messages.error(request, " ".join(error.messages))
            if action == "edit_approve":
                edit_form = form_for(update.kind, update.household, request.POST, reviewing=True)
        except ValidationError as error:
            if action == "reject":
                reject_error = " ".join(error.messages)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            done = _("Đã duyệt và cập nhật sổ.") if action != "reject" else _("Đã trả lại cho cộng tác viên.")
            if action != "reject" and update.kind in ACKNOWLEDGED_ONLY:
                done = _("Đã tiếp nhận.")
            messages.success(request, done)
            return redirect("children:review-queue")
    duplicates = possible_duplicates(update) if update.state == HouseholdUpdate.State.WAITING else []
    context = {
        "update": update,
        "current": describe_current(update),
        "proposal": describe_proposal(update),
        "applied": describe_proposal(update, update.applied_payload) if update.applied_payload else [],
        "edit_form": edit_form,
        "reject_error": reject_error,
        "implausible": implausible,
        "reject_reason": request.POST.get("reason", "") if request.method == "POST" else "",
        "waiting_for": timezone.now() - update.submitted_at,
        "duplicates": duplicates,
        "duplicate_warning": possible_duplicate_message(duplicates) if duplicates else "",
        "acknowledged_only": update.kind in ACKNOWLEDGED_ONLY,
        "nothing_in_registry": NOTHING_IN_REGISTRY.get(update.kind, NOTHING_IN_REGISTRY_OTHERWISE),
        "approve_label": APPROVE_LABELS.get(update.kind, APPROVE_LABEL_OTHERWISE),
        "receiving": _receiving(update),
        "warnings": warnings,
        "doubt": doubt_of(update.kind),
    }
    return render(request, "children/updates/review.html", context)
