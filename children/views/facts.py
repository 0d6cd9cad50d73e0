"""Adding and correcting a child's dated facts. Unit staff write only the kinds their unit owns."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from children import services
from children.fact_kinds import KINDS, FactKind
from children.forms import SupportForm
from children.models import BirthRegistration
from children.permissions import can_write_fact
from children.selectors import get_child_for_user
from children.views.child import _errors_to_form
from tanloi_portal.access import allow
from tanloi_portal.audit import Action, log_access
from tanloi_portal.models import Role
from tanloi_portal.selectors import units_of_commune


def _kind_for(request, kind: str) -> FactKind:
    fact_kind = KINDS.get(kind)
    if fact_kind is None:
        raise Http404
    if not can_write_fact(request.user, fact_kind.key):
        raise PermissionDenied
    return fact_kind


def _form(fact_kind: FactKind, request, child, instance):
    extra = {"units": units_of_commune(commune_id=child.household.commune_id)} if fact_kind.form is SupportForm else {}
    return fact_kind.form(request.POST or None, child=child, instance=instance, **extra)


def _edit(request, child, fact_kind: FactKind, instance):
    form = _form(fact_kind, request, child, instance)
    if request.method == "POST" and form.is_valid():
        confirm = bool(form.cleaned_data.get("confirm_implausible"))
        try:
            services.fact_save(fact=form.save(commit=False), by=request.user, confirm_implausible=confirm)
        except services.ImplausibleMeasurement as error:
            form.show_confirmation()
            form.add_error(None, error)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Đã lưu %(what)s.") % {"what": str(fact_kind.label).lower()})
            return redirect(f"{child.get_absolute_url()}#{fact_kind.tab}")
    context = {"form": form, "child": child, "kind": fact_kind, "editing": instance is not None and instance.pk}
    return render(request, "children/fact_form.html", context)


@allow(Role.OFFICER, Role.UNIT_STAFF)
def fact_create_view(request, pk: int, kind: str):
    fact_kind = _kind_for(request, kind)
    child = get_child_for_user(user=request.user, pk=pk)
    instance = None
    if fact_kind.model is BirthRegistration:
        # A child has one birth registration: "add" corrects it when it exists.
        instance = BirthRegistration.objects.filter(child=child).first()
    return _edit(request, child, fact_kind, instance)


@allow(Role.OFFICER, Role.UNIT_STAFF)
def fact_edit_view(request, pk: int, kind: str, fact_pk: int):
    fact_kind = _kind_for(request, kind)
    child = get_child_for_user(user=request.user, pk=pk)
    instance = get_object_or_404(fact_kind.model, pk=fact_pk, child=child)
    if request.method == "GET":
        log_access(request, obj=instance, action=Action.EDIT_FORM)
    return _edit(request, child, fact_kind, instance)
