"""The access log: every read of a sensitive record (a child's page, later a case) is written down."""

from tanloi_portal.client_ip import client_ip
from tanloi_portal.models import AccessLog


def log_access(request, *, obj, action: str = "view") -> AccessLog:
    return AccessLog.objects.create(
        user=request.user,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        action=action,
        path=request.get_full_path()[:255],
        ip_address=client_ip(request),
    )
