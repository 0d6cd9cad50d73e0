"""The kinds of dated facts the child page shows and edits, each with its form and who owns it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from children import forms
from children.models import (
    BirthRegistration,
    Caregiver,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Disability,
    GrowthMeasurement,
    Injury,
    SchoolEnrolment,
    SupportRecord,
    VaccinationDose,
)


@dataclass(frozen=True)
class FactKind:
    slug: str  # in URLs
    key: str  # in permissions (children.permissions.UNIT_OWNED)
    model: type
    form: type
    label: str
    tab: str


KINDS = {
    k.slug: k
    for k in (
        FactKind(
            "khai-sinh",
            "birth_registration",
            BirthRegistration,
            forms.BirthRegistrationForm,
            _("Đăng ký khai sinh"),
            "civil",
        ),
        FactKind("nguoi-cham-soc", "caregiver", Caregiver, forms.CaregiverForm, _("Người chăm sóc"), "general"),
        FactKind(
            "hoan-canh",
            "circumstance",
            CircumstanceMembership,
            forms.MembershipForm,
            _("Hoàn cảnh đặc biệt"),
            "protection",
        ),
        FactKind("ho-tro", "support", SupportRecord, forms.SupportForm, _("Hỗ trợ"), "protection"),
        FactKind("khuyet-tat", "disability", Disability, forms.DisabilityForm, _("Khuyết tật"), "protection"),
        FactKind("can-do", "growth", GrowthMeasurement, forms.GrowthForm, _("Cân đo"), "health"),
        FactKind("tiem-chung", "vaccination", VaccinationDose, forms.VaccinationForm, _("Tiêm chủng"), "health"),
        FactKind("hoc-tap", "schooling", SchoolEnrolment, forms.SchoolingForm, _("Học tập"), "school"),
        FactKind("tai-nan", "injury", Injury, forms.InjuryForm, _("Tai nạn thương tích"), "events"),
        FactKind("lao-dong", "labour", ChildLabour, forms.LabourForm, _("Lao động"), "events"),
        FactKind("tao-hon", "marriage", ChildMarriage, forms.MarriageForm, _("Tảo hôn"), "events"),
    )
}
