from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tanloi_portal"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self):
        # Connects what a log-in starts: the idle-session clock and the second factor owed.
        from tanloi_portal import idle, second_factor  # noqa: F401


class AxesConfig(AxesAppConfig):
    """django-axes (the log-in throttle) under a Vietnamese name in the admin: it gives itself none."""

    verbose_name = _("Đăng nhập sai")
