from django.contrib import admin

from children.models import Commune, Hamlet, SpecialCircumstanceGroup
from tanloi_portal.admin import ReadOnlyAdminMixin


class HamletInline(admin.TabularInline):
    model = Hamlet
    extra = 0
    fields = ("position", "code", "name")


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "authority_name", "district", "province")
    inlines = [HamletInline]


@admin.register(Hamlet)
class HamletAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "commune", "position")
    list_filter = ("commune",)
    list_editable = ("position",)
    search_fields = ("name", "code")


@admin.register(SpecialCircumstanceGroup)
class SpecialCircumstanceGroupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The 14 groups are the law's wording (Luật Trẻ em 2016, Điều 10): read them here, load them by load_plan."""

    list_display = ("number", "name")
