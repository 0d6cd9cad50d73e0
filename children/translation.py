from modeltranslation.translator import TranslationOptions, register

from children.models import SpecialCircumstanceGroup, Vaccine


@register(SpecialCircumstanceGroup)
class GroupTranslation(TranslationOptions):
    fields = ("name",)


@register(Vaccine)
class VaccineTranslation(TranslationOptions):
    fields = ("name",)
