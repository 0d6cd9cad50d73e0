from django.shortcuts import get_object_or_404

from tanloi_portal.models import Unit


def unit_of(*, user) -> Unit:
    """The unit of a unit-staff user, with its group unit (schools belong to "Các trường trên địa bàn")."""
    return get_object_or_404(Unit.objects.select_related("parent"), pk=user.unit_id, commune_id=user.commune_id)
