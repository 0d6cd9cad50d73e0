"""The child page and the officer's actions on a child: register, edit, move, moved away, death, merge."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from children import services
from children.fact_kinds import KINDS
from children.forms import ChildForm, DeathForm, MergeForm, MoveChildForm, MovedAwayForm
from children.permissions import writable_fact_kinds
from children.selectors import (
    child_history,
    child_profile,
    get_child_for_user,
    get_household_for_user,
    households_visible_to,
    possible_duplicates,
)
from tanloi_portal.access import allow
from tanloi_portal.audit import Action, log_access
from tanloi_portal.models import Role

REGISTRY_READERS = (Role.OFFICER, Role.COLLABORATOR, Role.UNIT_STAFF)


def _errors_to_form(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@allow(*REGISTRY_READERS)
def child_detail_view(request, pk: int):
    child = get_child_for_user(user=request.user, pk=pk)
    if child.pk != pk:
        return redirect("children:child-detail", pk=child.pk)
    log_access(request, obj=child)
    profile = child_profile(child=child, user=request.user)
    writable = writable_fact_kinds(request.user, {k.key for k in KINDS.values()})
    labels = {
        "general": _("Thông tin chung"),
        "civil": _("Khai sinh, tử vong"),
        "protection": _("Bảo vệ"),
        "health": _("Sức khỏe"),
        "school": _("Học tập"),
        "events": _("Sự kiện khác"),
        "history": _("Lịch sử"),
    }
    tabs = [(name, label) for name, label in labels.items() if name in profile.sections]
    history = child_history(child=child) if "history" in profile.sections else []
    context = {
        "tabs": tabs,
        "profile": profile,
        "child": child,
        "history": history,
        "can_write": request.user.role == Role.OFFICER,
        "writable": {slug for slug, k in KINDS.items() if k.key in writable},
        "duplicates": possible_duplicates(child=child) if request.user.role == Role.OFFICER else [],
    }
    return render(request, "children/child_detail.html", context)


@allow(Role.OFFICER)
def child_create_view(request, household_pk: int):
    household = get_household_for_user(user=request.user, pk=household_pk)
    form = ChildForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.registry_fields()
        try:
            child = services.child_register(household=household, by=request.user, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã thêm trẻ %(name)s.") % {"name": child.full_name})
            return redirect("children:child-detail", pk=child.pk)
    return render(request, "children/child_form.html", {"form": form, "household": household})


@allow(Role.OFFICER)
def child_edit_view(request, pk: int):
    child = get_child_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        log_access(request, obj=child, action=Action.EDIT_FORM)  # shows the personal ID and the notes
    form = ChildForm(request.POST or None, instance=child, household=child.household)
    if request.method == "POST" and form.is_valid():
        data = form.registry_fields()
        try:
            # The form has already written the typed values on the instance: start from the stored ones.
            services.child_update(child=get_child_for_user(user=request.user, pk=pk), by=request.user, **data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("children:child-detail", pk=child.pk)
    return render(request, "children/child_form.html", {"form": form, "child": child, "household": child.household})


def _action(request, pk: int, form, template: str, apply):
    """Shared shape of the one-form actions on a child: validate, call the service, report."""
    child = get_child_for_user(user=request.user, pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            apply(child, form)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("children:child-detail", pk=child.pk)
    return render(request, template, {"form": form, "child": child})


@allow(Role.OFFICER)
def child_move_view(request, pk: int):
    form = MoveChildForm(request.POST or None, households=households_visible_to(user=request.user))
    return _action(
        request,
        pk,
        form,
        "children/child_move.html",
        lambda child, f: services.child_move(child=child, household=f.household, by=request.user),
    )


@allow(Role.OFFICER)
def child_moved_away_view(request, pk: int):
    form = MovedAwayForm(request.POST or None)
    return _action(
        request,
        pk,
        form,
        "children/child_action.html",
        lambda child, f: services.child_mark_moved_away(child=child, on=f.cleaned_data["moved_on"], by=request.user),
    )


@allow(Role.OFFICER)
def child_death_view(request, pk: int):
    form = DeathForm(request.POST or None)
    return _action(
        request,
        pk,
        form,
        "children/child_action.html",
        lambda child, f: services.child_record_death(child=child, by=request.user, **f.cleaned_data),
    )


@allow(Role.OFFICER)
def child_merge_view(request, pk: int):
    child = get_child_for_user(user=request.user, pk=pk)
    candidates = possible_duplicates(child=child)
    if request.method == "GET":
        # The page sets the child beside the records that may be the same child: each is a read.
        for shown in (child, *candidates):
            log_access(request, obj=shown, action=Action.EDIT_FORM)
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        duplicate = get_object_or_404(
            type(child).objects.filter(pk__in=[c.pk for c in candidates]), pk=form.cleaned_data["duplicate"]
        )
        try:
            services.child_merge(keep=child, duplicate=duplicate, by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã gộp hồ sơ #%(pk)s vào hồ sơ này.") % {"pk": duplicate.pk})
            return redirect("children:child-detail", pk=child.pk)
    return render(request, "children/child_merge.html", {"form": form, "child": child, "candidates": candidates})
