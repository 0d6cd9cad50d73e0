from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, Metric, Objective, Plan, PlanText, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "commune", "start_year", "end_year", "base_year")


@admin.register(Objective)
class ObjectiveAdmin(TranslationAdmin):
    list_display = ("number", "title", "plan")


@admin.register(Indicator)
class IndicatorAdmin(TranslationAdmin):
    list_display = ("number", "title", "objective", "lead_unit")
    list_filter = ("plan", "objective", "lead_unit")


@admin.register(Metric)
class MetricAdmin(TranslationAdmin):
    list_display = ("code", "title", "unit", "direction", "source", "indicator")
    list_filter = ("unit", "direction", "source")
    inlines = [TargetInline]


@admin.register(PlanText)
class PlanTextAdmin(SimpleHistoryAdmin):
    """The plan's words (the officer edits them on the plan's page); here with their history."""

    list_display = ("plan", "number", "issued_on", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
