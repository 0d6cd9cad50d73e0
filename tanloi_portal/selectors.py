from django.shortcuts import get_object_or_404

from tanloi_portal.models import Unit


def unit_of(*, user) -> Unit:
    """The unit of a unit-staff user, with its group unit (schools belong to "Các trường trên địa bàn")."""
    return get_object_or_404(Unit.objects.select_related("parent"), pk=user.unit_id, commune_id=user.commune_id)


def units_of_commune(*, commune_id: int):
    return Unit.objects.filter(commune_id=commune_id).order_by("plan_section", "name")
