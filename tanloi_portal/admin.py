from axes.admin import AccessAttemptAdmin
from axes.admin import AccessLogAdmin as LoginLogAdmin
from axes.models import AccessAttempt
from axes.models import AccessLog as LoginLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Case, DateTimeField, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from tanloi_portal.audit import Action, access_log_workbook, log_access, record_export
from tanloi_portal.login_throttle import locked_accounts, login_unlock
from tanloi_portal.models import (
    AccessLog,
    Commune,
    ExportRecord,
    Hamlet,
    ReportingChain,
    SecondFactorRequirement,
    Unit,
    User,
    record_kind,
)
from tanloi_portal.second_factor import second_factor_remove
from tanloi_portal.services import apply_role_flags


class LabelledListEditableMixin:
    """The inputs of a list_editable column carry a label naming the field and the row ("Thứ tự: Ấp 1"): the
    admin's list puts them in table cells without one, which a screen reader reads as nameless boxes."""

    def get_changelist_form(self, request, **kwargs):
        form_class = super().get_changelist_form(request, **kwargs)
        editable = self.list_editable

        class Labelled(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in editable:
                    field = self.fields[name]
                    field.widget.attrs["aria-label"] = f"{field.label}: {self.instance}"

        return Labelled


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
        "has_second_factor",
    )
    list_filter = (LoginLockFilter, "role", "commune", "is_active")
    actions = ["unlock_login", "remove_second_factor"]
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("full_name", "email", "phone")}),
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
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(login_locked_until=until, has_second_factor=Exists(devices))

    @admin.display(description=_("xác thực hai bước"), boolean=True, ordering="has_second_factor")
    def has_second_factor(self, obj):
        return obj.has_second_factor

    @admin.action(description=_("Xóa thiết bị xác thực hai bước (mất điện thoại)"))
    def remove_second_factor(self, request, queryset):
        users = list(queryset)
        for user in users:
            if second_factor_remove(user=user):
                self.log_change(request, user, [{"deleted": {"name": str(_("thiết bị xác thực hai bước"))}}])
        self.message_user(
            request,
            ngettext(
                "Đã xóa thiết bị xác thực hai bước của %(count)d người dùng. Lần đăng nhập sau sẽ cài lại nếu vai trò "
                "bắt buộc.",
                "Đã xóa thiết bị xác thực hai bước của %(count)d người dùng. Lần đăng nhập sau sẽ cài lại nếu vai trò "
                "bắt buộc.",
                len(users),
            )
            % {"count": len(users)},
        )

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
class UnitAdmin(TranslationAdmin):  # its name in Vietnamese and in English
    list_display = ("name", "code", "kind", "parent", "plan_section", "commune")
    list_filter = ("commune", "kind")
    search_fields = ("name_vi", "name_en", "code")


class RecordKindFilter(admin.SimpleListFilter):
    """The kinds of record in the log, in words ("trẻ em (children.child)")."""

    title = _("loại hồ sơ")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        kinds = AccessLog.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        return [(kind, record_kind(kind)) for kind in kinds]

    def queryset(self, request, queryset):
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it."""

    list_display = ("at", "user", "action", "record_kind", "object_id", "ip_address", "path")
    list_filter = ("action", RecordKindFilter, "user__role", "at")
    # "Who saw this child": search "children.child 123" (type and id), a user name or an address.
    search_fields = ("user__username", "user__full_name", "=object_type", "=object_id", "=ip_address")
    search_help_text = _("Tìm theo người xem, loại hồ sơ và mã hồ sơ (ví dụ: children.child 123), hoặc địa chỉ IP.")
    date_hierarchy = "at"
    list_select_related = ("user",)
    readonly_fields = ("at", "user", "action", "record_kind", "object_id", "path", "ip_address", "details")

    @admin.display(description=_("loại hồ sơ"), ordering="object_type")
    def record_kind(self, obj):
        return obj.record_kind

    actions = ["export_xlsx"]

    @admin.action(description=_("Xuất các dòng đã chọn ra Excel"))
    def export_xlsx(self, request, queryset):
        response, rows = access_log_workbook(queryset)
        log_access(request, object_type="tanloi_portal.accesslog", action=Action.EXPORT, details={"rows": rows})
        handle = response.file_to_stream
        record_export(user=request.user, kind=ExportRecord.Kind.ACCESS_LOG, file_name=response.filename,
                      content=handle.read(), rows=rows)  # fmt: skip
        handle.seek(0)
        return response


# The authenticator devices are not the admin's to read: their page would show each user's secret key. A user's
# second factor is removed from the user list (its action "Xóa thiết bị xác thực hai bước"), which is logged.
admin.site.unregister(TOTPDevice)
# Who may do what is the user's role and hamlet or unit (tanloi_portal.roles), not Django's groups and
# permissions: a group page would offer permissions the portal never reads.
admin.site.unregister(Group)
admin.site.unregister(LoginLog)


@admin.register(LoginLog)
class PortalLoginLogAdmin(LoginLogAdmin):
    """django-axes' record of each log-in and log-out: read, never deleted from the admin (it is evidence)."""

    actions = None

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(SecondFactorRequirement)
class SecondFactorRequirementAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    """Tick the roles that must sign in with a code from an authenticator app; it holds from their next log-in."""

    list_display = ("role", "required")
    list_editable = ("required",)
    list_display_links = None


class HamletInline(admin.TabularInline):
    model = Hamlet
    extra = 0
    fields = ("position", "code", "name")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "authority_name", "province")
    inlines = [HamletInline]


@admin.register(Hamlet)
class HamletAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ("name", "code", "commune", "position")
    list_filter = ("commune",)
    list_editable = ("position",)
    search_fields = ("name", "code")


@admin.register(ReportingChain)
class ReportingChainAdmin(SimpleHistoryAdmin):
    """The level above, the addressees, the recipients and the signer of a commune's documents, by date: a
    new period (a reform, a new chairman) is a new row from its first day, the previous one given its end."""

    list_display = ("commune", "valid_from", "valid_until", "level_above", "signer_name", "signer")
    list_filter = ("commune",)
    fieldsets = (
        (None, {"fields": ("commune", "valid_from", "valid_until")}),
        (_("Cơ quan ban hành"), {"fields": ("parent_body", "body", "place")}),
        (_("Gửi văn bản"), {"fields": ("level_above", "addressees", "recipients")}),
        (_("Người ký"), {"fields": ("signer_name", "signer")}),
    )


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every file taken out of the portal; nobody edits it (append-only, like the access log)."""

    list_display = ("at", "user", "kind", "file_name", "scope", "rows", "size", "sha256")
    list_filter = ("kind", "commune")
    search_fields = ("=user__username", "file_name", "=sha256")
    search_help_text = _("Tìm theo người xuất, tên tệp hoặc mã SHA-256 của một tệp tìm thấy.")
    date_hierarchy = "at"
    list_select_related = ("user",)
