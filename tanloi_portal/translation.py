from modeltranslation.translator import TranslationOptions, register

from tanloi_portal.models import Unit


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("name",)
