"""Dated facts about a child, each its own model so that any period's indicator can be computed later.

Every fact keeps its history (who, when, old and new values). Rules that hold whatever the form (a date
between birth and today, an end after a start) are in `clean()`; workflows are in children.services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from children import rules
from children.models.registry import Child, SpecialCircumstanceGroup


class ChildFact(models.Model):
    """Common to every fact: the child, who recorded it and when."""

    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
        related_query_name="%(class)s",
        verbose_name=_("trẻ"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(inherit=True)

    # Date fields that must lie between the child's birth and today.
    dated_fields: tuple[str, ...] = ()
    # (start, end) pairs where the end may not come before the start.
    periods: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        today = timezone.localdate()
        child = self.child if self.child_id else None
        for name in self.dated_fields:
            value = getattr(self, name)
            if value is None:
                continue
            if value > today:
                errors[name] = _("Ngày không được ở tương lai.")
            elif child and value < child.date_of_birth:
                errors[name] = _("Ngày không được trước ngày sinh của trẻ (%(dob)s).") % {
                    "dob": child.date_of_birth.strftime("%d/%m/%Y")
                }
        for start, end in self.periods:
            begin, finish = getattr(self, start), getattr(self, end)
            if begin and finish and finish < begin and end not in errors:
                errors[end] = _("Ngày kết thúc không được trước ngày bắt đầu.")
        if errors:
            raise ValidationError(errors)


class BirthRegistration(ChildFact):
    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="birth_registration")
    # Unknown when a collaborator or an old spreadsheet only says "registered": the fact still counts.
    registered_on = models.DateField(_("ngày đăng ký khai sinh"), null=True, blank=True)
    place = models.CharField(_("nơi đăng ký"), max_length=200, default="UBND xã Tân Lợi")
    certificate_number = models.CharField(_("số giấy khai sinh"), max_length=40, blank=True)

    dated_fields = ("registered_on",)

    class Meta:
        verbose_name = _("đăng ký khai sinh")
        verbose_name_plural = _("đăng ký khai sinh")

    def __str__(self) -> str:
        when = f"{self.registered_on:%d/%m/%Y}" if self.registered_on else gettext("chưa rõ ngày")
        return f"{when} - {self.place}"


class CircumstanceMembership(ChildFact):
    """A period during which a child belongs to one of the 14 groups (a child may be in several)."""

    group = models.ForeignKey(SpecialCircumstanceGroup, on_delete=models.PROTECT, verbose_name=_("nhóm"))
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("started_on", "ended_on")
    periods = (("started_on", "ended_on"),)

    class Meta:
        verbose_name = _("hoàn cảnh đặc biệt")
        verbose_name_plural = _("hoàn cảnh đặc biệt")
        ordering = ["-started_on"]
        indexes = [models.Index(fields=["group", "started_on", "ended_on"], name="membership_period_idx")]

    def __str__(self) -> str:
        return str(self.group)


class SupportRecord(ChildFact):
    """Care, nurturing or support given to a child in special circumstances (indicator 8b)."""

    membership = models.ForeignKey(
        CircumstanceMembership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supports",
        verbose_name=_("thuộc hoàn cảnh"),
    )
    description = models.CharField(_("nội dung hỗ trợ"), max_length=255)
    unit = models.ForeignKey(
        "tanloi_portal.Unit", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("đơn vị hỗ trợ")
    )
    given_on = models.DateField(_("ngày hỗ trợ"))

    dated_fields = ("given_on",)

    class Meta:
        verbose_name = _("hỗ trợ")
        verbose_name_plural = _("hỗ trợ")
        ordering = ["-given_on"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.membership_id and self.child_id and self.membership.child_id != self.child_id:
            errors["membership"] = _("Hoàn cảnh này là của trẻ khác.")
        if self.unit_id and self.child_id and self.unit.commune_id != self.child.household.commune_id:
            errors["unit"] = _("Đơn vị không thuộc xã của trẻ.")
        if errors:
            raise ValidationError(errors)


class Disability(ChildFact):
    """Kinds and degrees as in Luật Người khuyết tật 2010 (Điều 3)."""

    class Kind(models.TextChoices):
        MOBILITY = "mobility", _("Khuyết tật vận động")
        HEARING_SPEECH = "hearing_speech", _("Khuyết tật nghe, nói")
        VISION = "vision", _("Khuyết tật nhìn")
        MENTAL = "mental", _("Khuyết tật thần kinh, tâm thần")
        INTELLECTUAL = "intellectual", _("Khuyết tật trí tuệ")
        OTHER = "other", _("Khuyết tật khác")

    class Severity(models.TextChoices):
        PARTICULARLY_SEVERE = "particularly_severe", _("Đặc biệt nặng")
        SEVERE = "severe", _("Nặng")
        MILD = "mild", _("Nhẹ")

    kind = models.CharField(_("dạng tật"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("mức độ"), max_length=20, choices=Severity.choices)
    identified_on = models.DateField(_("ngày xác định"))
    needs_education = models.BooleanField(_("có nhu cầu học tập"), default=True)
    receives_education_support = models.BooleanField(
        _("được giáo dục chuyên biệt, hòa nhập hoặc phục hồi chức năng"), default=False
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("identified_on",)

    class Meta:
        verbose_name = _("khuyết tật")
        verbose_name_plural = _("khuyết tật")
        ordering = ["-identified_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"


class GrowthMeasurement(ChildFact):
    """Weight and height on a date, with the WHO z-scores and classes computed when it is saved."""

    measured_on = models.DateField(_("ngày cân đo"))
    weight_kg = models.DecimalField(_("cân nặng (kg)"), max_digits=5, decimal_places=2, null=True, blank=True)
    height_cm = models.DecimalField(_("chiều cao (cm)"), max_digits=5, decimal_places=1, null=True, blank=True)
    lying = models.BooleanField(_("đo nằm"), null=True, blank=True)
    waz = models.DecimalField(_("Z cân nặng/tuổi"), max_digits=5, decimal_places=2, null=True, editable=False)
    haz = models.DecimalField(_("Z chiều cao/tuổi"), max_digits=5, decimal_places=2, null=True, editable=False)
    whz = models.DecimalField(_("Z cân nặng/chiều cao"), max_digits=5, decimal_places=2, null=True, editable=False)
    baz = models.DecimalField(_("Z BMI/tuổi"), max_digits=5, decimal_places=2, null=True, editable=False)
    # Comma-separated classes ("underweight,stunting") and implausible z-scores ("waz"), for display.
    classes = models.CharField(max_length=120, blank=True, editable=False)
    flags = models.CharField(max_length=40, blank=True, editable=False)
    # An implausible value (WHO flag) the user confirmed; still left out of the indicators.
    confirmed_implausible = models.BooleanField(default=False, editable=False)

    dated_fields = ("measured_on",)
    MISSING_BOTH = _("Nhập ít nhất cân nặng hoặc chiều cao.")

    class Meta:
        verbose_name = _("cân đo")
        verbose_name_plural = _("cân đo")
        ordering = ["-measured_on", "-pk"]
        indexes = [models.Index(fields=["measured_on"], name="growth_measured_on_idx")]

    def __str__(self) -> str:
        return f"{self.measured_on:%d/%m/%Y}"

    def clean(self) -> None:
        # Bounds live with the model so that imports and approvals are held to them as forms are; they are
        # reported together with any date error, so the user sees every problem at once.
        errors: dict = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        for name in rules.MEASUREMENT_RANGES:
            try:
                rules.measurement_in_range(name, getattr(self, name))
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        if self.weight_kg is None and self.height_cm is None:
            raise ValidationError(self.MISSING_BOTH)


class Vaccine(models.Model):
    """A vaccine of the expanded immunisation schedule (reference data: fixtures/vaccine_schedule.json)."""

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên vắc xin"), max_length=200)
    doses = models.PositiveSmallIntegerField(_("số mũi"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("vắc xin")
        verbose_name_plural = _("vắc xin")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class VaccinationDose(ChildFact):
    vaccine = models.ForeignKey(Vaccine, on_delete=models.PROTECT, verbose_name=_("vắc xin"))
    dose_number = models.PositiveSmallIntegerField(
        _("mũi thứ"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    given_on = models.DateField(_("ngày tiêm"))
    place = models.CharField(_("nơi tiêm"), max_length=200, default="Trạm Y tế xã")

    dated_fields = ("given_on",)

    class Meta:
        verbose_name = _("mũi tiêm")
        verbose_name_plural = _("mũi tiêm")
        ordering = ["vaccine__position", "dose_number"]
        constraints = [
            models.UniqueConstraint(fields=["child", "vaccine", "dose_number"], name="dose_once_per_child"),
        ]

    def __str__(self) -> str:
        return gettext("%(vaccine)s - mũi %(n)s") % {"vaccine": self.vaccine, "n": self.dose_number}

    def clean(self) -> None:
        super().clean()
        if self.vaccine_id and self.dose_number and self.dose_number > self.vaccine.doses:
            raise ValidationError(
                {"dose_number": _("Vắc xin này chỉ có %(n)s mũi theo lịch.") % {"n": self.vaccine.doses}}
            )


def school_year_of(day) -> int:
    """School years start in September: 15/03/2026 is in school year 2025 (2025-2026)."""
    return day.year if day.month >= 9 else day.year - 1


class SchoolEnrolment(ChildFact):
    """A child's schooling in one school year (the year it starts: 2025 means 2025-2026)."""

    class Level(models.TextChoices):
        NURSERY = "nursery", _("Nhà trẻ")
        KINDERGARTEN = "kindergarten", _("Mẫu giáo")
        PRIMARY = "primary", _("Tiểu học")
        LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
        UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Đang học")
        COMPLETED = "completed", _("Hoàn thành cấp học")
        DROPPED_OUT = "dropped_out", _("Bỏ học")

    school_year = models.PositiveSmallIntegerField(
        _("năm học (năm bắt đầu)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("cấp học"), max_length=20, choices=Level.choices)
    grade = models.PositiveSmallIntegerField(
        _("lớp"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    school = models.CharField(_("trường"), max_length=200)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ENROLLED)
    status_date = models.DateField(_("ngày bỏ học / hoàn thành"), null=True, blank=True)
    dropout_reason = models.CharField(_("lý do bỏ học"), max_length=255, blank=True)

    dated_fields = ("status_date",)

    class Meta:
        verbose_name = _("học tập")
        verbose_name_plural = _("học tập")
        ordering = ["-school_year"]
        constraints = [
            models.UniqueConstraint(fields=["child", "school_year"], name="one_enrolment_per_school_year"),
        ]

    def __str__(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}: {self.get_level_display()}"

    GRADES = {Level.PRIMARY: range(1, 6), Level.LOWER_SECONDARY: range(6, 10), Level.UPPER_SECONDARY: range(10, 13)}

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.status == self.Status.DROPPED_OUT:
            if not self.status_date:
                errors["status_date"] = _("Nhập ngày bỏ học.")
            if not self.dropout_reason:
                errors["dropout_reason"] = _("Nhập lý do bỏ học.")
        grades = self.GRADES.get(self.level)
        if self.grade is not None and (grades is None or self.grade not in grades):
            errors["grade"] = _("Lớp không khớp với cấp học.")
        if self.status_date and self.school_year and school_year_of(self.status_date) != self.school_year:
            actual = school_year_of(self.status_date)
            errors.setdefault(
                "status_date",
                _("Ngày này thuộc năm học %(y)s-%(n)s, không phải năm học đã chọn.") % {"y": actual, "n": actual + 1},
            )
        if self.school_year and self.child_id and self.school_year < self.child.date_of_birth.year:
            errors["school_year"] = _("Năm học trước năm sinh của trẻ.")
        if errors:
            raise ValidationError(errors)


class Death(ChildFact):
    class Cause(models.TextChoices):
        ILLNESS = "illness", _("Bệnh tật")
        INJURY = "injury", _("Tai nạn thương tích")
        OTHER = "other", _("Khác")

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="death")
    died_on = models.DateField(_("ngày mất"))
    cause = models.CharField(_("nguyên nhân"), max_length=10, choices=Cause.choices)
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("died_on",)

    class Meta:
        verbose_name = _("tử vong")
        verbose_name_plural = _("tử vong")

    def __str__(self) -> str:
        return f"{self.died_on:%d/%m/%Y} - {self.get_cause_display()}"


class Injury(ChildFact):
    class Kind(models.TextChoices):
        DROWNING = "drowning", _("Đuối nước")
        TRAFFIC = "traffic", _("Tai nạn giao thông")
        FALL = "fall", _("Ngã")
        BURN = "burn", _("Bỏng")
        POISONING = "poisoning", _("Ngộ độc")
        ANIMAL = "animal", _("Động vật cắn, húc")
        OTHER = "other", _("Khác")

    class TreatedAt(models.TextChoices):
        NONE = "none", _("Không điều trị / tại nhà")
        HEALTH_STATION = "health_station", _("Trạm Y tế xã")
        DISTRICT_HOSPITAL = "district_hospital", _("Bệnh viện / trung tâm y tế khu vực")
        PROVINCIAL_HOSPITAL = "provincial_hospital", _("Bệnh viện tỉnh trở lên")
        OTHER = "other", _("Nơi khác")

    occurred_on = models.DateField(_("ngày xảy ra"))
    kind = models.CharField(_("loại tai nạn"), max_length=20, choices=Kind.choices)
    treated_at = models.CharField(_("nơi điều trị"), max_length=25, choices=TreatedAt.choices)
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("occurred_on",)

    class Meta:
        verbose_name = _("tai nạn thương tích")
        verbose_name_plural = _("tai nạn thương tích")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.occurred_on:%d/%m/%Y} - {self.get_kind_display()}"


class ChildLabour(ChildFact):
    """Work a child does; whether it is child labour under Bộ luật Lao động 2019 is decided from these facts."""

    class Kind(models.TextChoices):
        FAMILY_FARM = "family_farm", _("Phụ giúp gia đình làm nông")
        HOUSEHOLD_CHORES = "household_chores", _("Việc nhà")
        HIRED_FARM = "hired_farm", _("Làm thuê nông nghiệp, cạo mủ cao su")
        FACTORY = "factory", _("Làm công nhân, xưởng sản xuất")
        SERVICES = "services", _("Buôn bán, dịch vụ")
        DOMESTIC_WORK = "domestic_work", _("Giúp việc nhà cho người khác")
        ART_SPORT = "art_sport", _("Nghệ thuật, thể dục thể thao")
        OTHER = "other", _("Khác")

    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    kind = models.CharField(_("loại công việc"), max_length=20, choices=Kind.choices)
    hours_per_day = models.DecimalField(
        _("số giờ mỗi ngày"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    hours_per_week = models.DecimalField(
        _("số giờ mỗi tuần"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(168)]
    )
    hazardous = models.BooleanField(_("công việc nặng nhọc, độc hại, nguy hiểm"), default=False)
    harms_school_or_health = models.BooleanField(_("ảnh hưởng đến học tập hoặc sức khỏe"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("started_on", "ended_on")
    periods = (("started_on", "ended_on"),)

    class Meta:
        verbose_name = _("lao động")
        verbose_name_plural = _("lao động")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        super().clean()
        day, week = self.hours_per_day, self.hours_per_week
        if day is not None and week is not None and week > day * 7:
            raise ValidationError({"hours_per_week": _("Số giờ mỗi tuần lớn hơn 7 lần số giờ mỗi ngày.")})


class ChildMarriage(ChildFact):
    married_on = models.DateField(_("ngày tảo hôn"))
    notes = models.TextField(_("ghi chú"), blank=True)

    dated_fields = ("married_on",)

    class Meta:
        verbose_name = _("tảo hôn")
        verbose_name_plural = _("tảo hôn")
        ordering = ["-married_on"]

    def __str__(self) -> str:
        return f"{self.married_on:%d/%m/%Y}"
