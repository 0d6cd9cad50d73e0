from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Hồ sơ trường hợp")

    def ready(self):
        # A collaborator's safety concern is received here as a case intake: the registry's review page links to
        # the intake and sends there an attempt to approve one (cases -> children, never the reverse).
        from children.household_updates import Receiver, receive_at
        from children.models import HouseholdUpdate

        receive_at(HouseholdUpdate.Kind.SAFETY_CONCERN, Receiver("cases:intake", "lo-ngai", _("Tiếp nhận thành hồ sơ")))
