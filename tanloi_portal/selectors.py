from django.db.models import Q
from django.shortcuts import get_object_or_404

from tanloi_portal.models import ReportingChain, Unit


def unit_of(*, user) -> Unit:
    """The unit of a unit-staff user, with its group unit (schools belong to "Các trường trên địa bàn")."""
    return get_object_or_404(Unit.objects.select_related("parent"), pk=user.unit_id, commune_id=user.commune_id)


def units_of_commune(*, commune_id: int):
    return Unit.objects.filter(commune_id=commune_id).order_by("plan_section", "name")


def reporting_chain_on(*, commune, day) -> ReportingChain | None:
    """Who the commune reported to, and who signed, on that day (a document keeps the chain of its date)."""
    return (
        ReportingChain.objects.filter(commune=commune, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )
