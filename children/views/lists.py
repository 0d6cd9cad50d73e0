"""Registry lists. Officers and unit staff see the commune; a collaborator sees their hamlet only."""

from django.core.paginator import Paginator
from django.shortcuts import render

from children.forms import ChildFilterForm, HouseholdFilterForm, child_filters_of
from children.permissions import can_write_registry
from children.selectors import (
    ChildFilters,
    child_list,
    filters_asked,
    get_household_for_user,
    hamlet_summary,
    hamlets_visible_to,
    household_children,
    household_list,
    reads_protected_sections,
)
from children.selectors.registry import child_list_page
from tanloi_portal.access import allow
from tanloi_portal.audit import Action, log_access
from tanloi_portal.models import Role
from tanloi_portal.pagination import PAGE_PARAM, query_without_page

REGISTRY_READERS = (Role.OFFICER, Role.COLLABORATOR, Role.UNIT_STAFF)
PAGE_SIZE = 50
COUNT_PARAM = "dem"


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def child_filters_from(request) -> tuple[ChildFilters, ChildFilterForm, list]:
    """The child list's filters from the query string (the list page and its Excel export share them),
    with the filter form and the hamlets the user may choose from."""
    return child_filters_of(user=request.user, data=request.GET)


@allow(*REGISTRY_READERS)
def child_list_view(request):
    filters, form, hamlets = child_filters_from(request)
    page = child_list_page(user=request.user, filters=filters, token=request.GET.get(PAGE_PARAM, ""))
    total = page.total
    if total is None and request.GET.get(COUNT_PARAM) == "1":
        # Counted only when asked: at a province's size a count reads the whole list.
        total = child_list(user=request.user, filters=filters).count()
    if reads_protected_sections(filters):
        # The rows this page shows (what was read), not the list's size, which is not counted.
        details = {"filters": filters_asked(filters), "rows": len(page)}
        log_access(request, object_type="children.child", action=Action.LIST, details=details)
    context = {
        "form": form,
        "page": page,
        "total": total,
        "query": query_without_page(request.GET, COUNT_PARAM),
        "show_hamlet": len(hamlets) > 1,
        "can_import": can_write_registry(request.user),
    }
    return render(request, "children/child_list.html", context)


@allow(*REGISTRY_READERS)
def household_list_view(request):
    hamlets = list(hamlets_visible_to(user=request.user))
    form = HouseholdFilterForm(request.GET or None, hamlets=hamlets)
    data = form.cleaned_data if form.is_valid() else {}
    page = _page(request, household_list(user=request.user, q=data.get("q") or "", hamlet=data.get("hamlet")))
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "show_hamlet": len(hamlets) > 1,
        "can_write": can_write_registry(request.user),
    }
    return render(request, "children/household_list.html", context)


@allow(*REGISTRY_READERS)
def household_detail_view(request, pk: int):
    household = get_household_for_user(user=request.user, pk=pk)
    context = {
        "household": household,
        "children": household_children(household=household),
        "poverty": list(household.poverty.all()),
        "can_write": can_write_registry(request.user),
        "can_report": request.user.role == Role.COLLABORATOR,
    }
    return render(request, "children/household_detail.html", context)


@allow(Role.OFFICER, Role.UNIT_STAFF)
def hamlet_list_view(request):
    hamlets = hamlet_summary(hamlets=hamlets_visible_to(user=request.user))
    return render(request, "children/hamlet_list.html", {"hamlets": hamlets})
