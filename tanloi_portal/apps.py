from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "tanloi_portal"
    verbose_name = _("Người dùng và phân quyền")

    def ready(self):
        # Connects what a log-in starts: the idle-session clock and the second factor owed.
        from tanloi_portal import idle, second_factor  # noqa: F401
