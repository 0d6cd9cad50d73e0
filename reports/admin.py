from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from reports.models import ProgressReport


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    """Periodic reports, read-only: they are written, approved and issued on their pages (reports/services.py),
    and an issued one is never changed."""

    list_display = ("__str__", "commune", "status", "number", "issued_on", "sha256")
    list_filter = ("status", "commune", "year")
    exclude = ("pdf",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version may be read; posting it (simple-history's revert) is refused whatever the settings."""
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
