"""Who may use which view. Deny by default.

Every view declares its rule with ``@allow(Role.OFFICER, ...)``, ``@allow_any_user`` or ``@public``.
``AccessMiddleware`` refuses a view that declares nothing, sends anonymous visitors to the log-in page and
answers 403 to a signed-in user whose role is not allowed. The Django admin site is reserved to the admin
role. Scoping (which hamlet, which unit) is a second, separate check done in the selectors' querysets.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.deprecation import MiddlewareMixin

from tanloi_portal.models import Role

logger = logging.getLogger(__name__)

ALL_ROLES = frozenset(Role.values)


@dataclass(frozen=True)
class AccessRule:
    roles: frozenset[str]
    public: bool = False

    def allows(self, user) -> bool:
        if self.public:
            return True
        return bool(user.is_authenticated and user.is_active and user.role in self.roles)


PUBLIC = AccessRule(roles=frozenset(), public=True)
ADMIN_SITE = AccessRule(roles=frozenset({Role.ADMIN}))


def _mark(view, rule: AccessRule):
    # Works for functions and for class-based views: as_view() exposes the class as view.view_class.
    view.access_rule = rule
    return view


def allow(*roles: str) -> Callable:
    """Decorator: the view is for signed-in users having one of these roles."""
    unknown = set(roles) - ALL_ROLES
    if unknown or not roles:
        raise ValueError(f"allow() needs known roles, got {roles!r}")
    rule = AccessRule(roles=frozenset(roles))
    return lambda view: _mark(view, rule)


def allow_any_user(view):
    """Decorator: the view is for every signed-in user, whatever the role."""
    return _mark(view, AccessRule(roles=ALL_ROLES))


def public(view):
    """Decorator: the view is open to anonymous visitors (log-in, language switch)."""
    return _mark(view, PUBLIC)


def rule_for(view_func, namespace: str = "") -> AccessRule | None:
    if namespace.split(":")[0] == "admin":
        return ADMIN_SITE
    rule = getattr(view_func, "access_rule", None)
    if rule is None:
        rule = getattr(getattr(view_func, "view_class", None), "access_rule", None)
    return rule


class AccessMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = rule_for(view_func, match.namespace if match else "")
        if rule is None:
            logger.error("View %s declares no access rule; refused.", getattr(match, "view_name", view_func))
            raise PermissionDenied("This view declares no access rule.")
        if rule.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not rule.allows(request.user):
            raise PermissionDenied
        return None
