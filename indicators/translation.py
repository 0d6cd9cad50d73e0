from modeltranslation.translator import TranslationOptions, register

from indicators.models import Indicator, Metric, Objective


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("title",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title",)


@register(Metric)
class MetricTranslation(TranslationOptions):
    fields = ("title",)
