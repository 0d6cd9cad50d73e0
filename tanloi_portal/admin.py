from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tanloi_portal.login_throttle import locked_accounts, login_unlock
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


class LoginLockFilter(admin.SimpleListFilter):
    title = _("khóa đăng nhập")
    parameter_name = "khoa_dang_nhap"

    def lookups(self, request, model_admin):
        return [("co", _("Đang bị khóa"))]

    def queryset(self, request, queryset):
        if self.value() == "co":
            return queryset.filter(login_locked_until__isnull=False)
        return queryset


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "commune",
        "hamlet",
        "unit",
        "is_active",
        "last_login",
        "login_locked_until",
    )
    list_filter = (LoginLockFilter, "role", "commune", "is_active")
    actions = ["unlock_login"]
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

    def get_queryset(self, request):
        # The log-in locks in force, worked out once for the page (a handful of user names at most).
        locks = locked_accounts()
        until = (
            Case(*[When(username=name, then=Value(end)) for name, end in locks.items()], output_field=DateTimeField())
            if locks
            else Value(None, output_field=DateTimeField())
        )
        return super().get_queryset(request).annotate(login_locked_until=until)

    @admin.display(description=_("khóa đăng nhập đến"), ordering="login_locked_until")
    def login_locked_until(self, obj):
        if obj.login_locked_until is None:
            return ""
        return timezone.localtime(obj.login_locked_until).strftime("%d/%m/%Y %H:%M")

    @admin.action(description=_("Mở khóa đăng nhập (xóa các lần đăng nhập sai)"))
    def unlock_login(self, request, queryset):
        users = list(queryset)
        login_unlock(usernames=[u.username for u in users])
        for user in users:
            self.log_change(request, user, [{"changed": {"fields": [str(_("khóa đăng nhập"))]}}])
        self.message_user(
            request,
            ngettext(
                "Đã mở khóa đăng nhập cho %(count)d người dùng.",
                "Đã mở khóa đăng nhập cho %(count)d người dùng.",
                len(users),
            )
            % {"count": len(users)},
        )


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


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class PortalAccessAttemptAdmin(AccessAttemptAdmin):
    """django-axes' failed log-ins, with a way to lift an address block (LOGIN_ADDRESS_FAILURE_LIMIT)."""

    actions = [*AccessAttemptAdmin.actions, "unlock_addresses"]

    @admin.action(description=_("Mở khóa địa chỉ mạng của các dòng đã chọn (xóa mọi lần đăng nhập sai từ đó)"))
    def unlock_addresses(self, request, queryset):
        addresses = set(queryset.values_list("ip_address", flat=True))
        login_unlock(ip_addresses=addresses)
        self.message_user(
            request,
            ngettext(
                "Đã mở khóa %(count)d địa chỉ mạng.",
                "Đã mở khóa %(count)d địa chỉ mạng.",
                len(addresses),
            )
            % {"count": len(addresses)},
        )
