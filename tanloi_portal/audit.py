"""The access log: every read of a sensitive record, list, drill-down or export, and every refused request for an
object, is written down with what was asked (docs/security.md)."""

from tanloi_portal.client_ip import client_ip
from tanloi_portal.models import AccessLog

Action = AccessLog.Action


def log_access(
    request,
    *,
    obj=None,
    object_type: str = "",
    object_id: int | None = None,
    action: str = Action.VIEW,
    details: dict | None = None,
) -> AccessLog:
    """Writes one entry: an object read (obj), or a read of something that is not one record (object_type,
    e.g. "children.child" for a list of children, with its filters and row count in details)."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    return AccessLog.objects.create(
        user=request.user,
        object_type=object_type[:60],
        object_id=object_id,
        action=action,
        path=request.get_full_path()[:255],
        ip_address=client_ip(request),
        details=details or {},
    )
