from django.utils.functional import SimpleLazyObject

from reports.notices import notices_of, waiting_count


def notices(request):
    """The navbar's count of what waits, read only on pages that show it, once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notice_count": SimpleLazyObject(lambda: waiting_count(notices_of(request)))}
