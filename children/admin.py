from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from children.models import SpecialCircumstanceGroup
from tanloi_portal.admin import ReadOnlyAdminMixin


@admin.register(SpecialCircumstanceGroup)
class SpecialCircumstanceGroupAdmin(ReadOnlyAdminMixin, TranslationAdmin):
    """The 14 groups are the law's wording (Luật Trẻ em 2016, Điều 10): read them here, load them by load_plan."""

    list_display = ("number", "name")
