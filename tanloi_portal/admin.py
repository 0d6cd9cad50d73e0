from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from tanloi_portal.models import AccessLog, Unit, User
from tanloi_portal.services import apply_role_flags


class ReadOnlyAdminMixin:
    """For records nobody edits by hand: the law's wording, the access log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "commune", "hamlet", "unit", "is_active", "last_login")
    list_filter = ("role", "commune", "is_active")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("full_name", "email")}),
        (_("Vai trò và phạm vi"), {"fields": ("role", "commune", "hamlet", "unit", "is_active")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Vai trò và phạm vi"), {"fields": ("full_name", "role", "commune", "hamlet", "unit")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def save_model(self, request, obj, form, change):
        # The role decides access to this site; the flags are never edited by hand.
        apply_role_flags(obj)
        super().save_model(request, obj, form, change)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "plan_section", "commune")
    list_filter = ("commune", "kind")
    search_fields = ("name", "code")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it."""

    list_display = ("at", "user", "action", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("user__username", "object_id")
    date_hierarchy = "at"
