from tanloi_portal.roles import navigation_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    return {"nav_items": navigation_for(user)}
