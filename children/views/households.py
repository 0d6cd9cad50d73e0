"""Creating and editing households, and their poverty classification by year: the officer's work."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from children import services
from children.forms import HouseholdForm, PovertyForm
from children.selectors import get_household_for_user, hamlets_visible_to
from children.views.child import _errors_to_form
from tanloi_portal.access import allow
from tanloi_portal.models import Role


@allow(Role.OFFICER)
def household_create_view(request):
    form = HouseholdForm(request.POST or None, hamlets=hamlets_visible_to(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã thêm hộ %(code)s.") % {"code": household.code})
            return redirect("children:household-detail", pk=household.pk)
    return render(request, "children/household_form.html", {"form": form})


@allow(Role.OFFICER)
def household_edit_view(request, pk: int):
    household = get_household_for_user(user=request.user, pk=pk)
    form = HouseholdForm(request.POST or None, instance=household, hamlets=hamlets_visible_to(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            stored = get_household_for_user(user=request.user, pk=pk)
            services.household_update(household=stored, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("children:household-detail", pk=pk)
    return render(request, "children/household_form.html", {"form": form, "household": household})


@allow(Role.OFFICER)
def household_poverty_view(request, pk: int):
    household = get_household_for_user(user=request.user, pk=pk)
    form = PovertyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_poverty(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu phân loại hộ năm %(y)s.") % {"y": form.cleaned_data["year"]})
            return redirect("children:household-detail", pk=pk)
    return render(request, "children/household_form.html", {"form": form, "household": household, "poverty": True})
