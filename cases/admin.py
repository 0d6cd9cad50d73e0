from django.contrib import admin

from cases.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "plan_section", "commune")
    list_filter = ("commune", "kind")
    search_fields = ("name", "code")
