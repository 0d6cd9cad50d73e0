"""The child registry: Household -> Child under the organisation's geography (tanloi_portal: Commune -> Hamlet).

Every registry record belongs to a commune through its hamlet, so one installation can serve many communes.
Writes go through children.services; these classes hold structure and constraints only.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from children import rules
from children.ethnicities import ETHNICITY_CHOICES
from children.identity import PERSONAL_ID_UNUSABLE
from tanloi_portal.models import Commune, Hamlet

phone_validator = RegexValidator(
    r"^(\+84|0)\d{9,10}$", _("Số điện thoại gồm 10-11 chữ số, bắt đầu bằng 0 hoặc +84, ví dụ 0912345678.")
)
personal_id_validator = RegexValidator(r"^\d{12}$", _("Mã định danh cá nhân gồm đúng 12 chữ số."))


class SpecialCircumstanceGroup(models.Model):
    """One of the 14 groups of children in special circumstances (Luật Trẻ em 2016, Điều 10)."""

    number = models.PositiveSmallIntegerField(_("số thứ tự"), unique=True)
    name = models.CharField(_("tên nhóm"), max_length=255)

    class Meta:
        verbose_name = _("nhóm trẻ em có hoàn cảnh đặc biệt")
        verbose_name_plural = _("nhóm trẻ em có hoàn cảnh đặc biệt")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Household(models.Model):
    # Denormalised from the hamlet so that the code can be unique within the commune.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="households", verbose_name=_("xã"))
    hamlet = models.ForeignKey(Hamlet, on_delete=models.PROTECT, related_name="households", verbose_name=_("ấp/sóc"))
    code = models.CharField(_("mã hộ"), max_length=30)
    head_name = models.CharField(_("chủ hộ"), max_length=120)
    head_name_search = models.CharField(max_length=120, editable=False, db_index=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[phone_validator])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["hamlet__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.head_name}"


class HouseholdPoverty(models.Model):
    """A household's poverty classification for one year (rà soát hộ nghèo, cận nghèo hằng năm)."""

    class Status(models.TextChoices):
        NONE = "none", _("Không nghèo")
        NEAR_POOR = "near_poor", _("Hộ cận nghèo")
        POOR = "poor", _("Hộ nghèo")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="poverty")
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(_("phân loại"), max_length=10, choices=Status.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân loại hộ nghèo")
        verbose_name_plural = _("phân loại hộ nghèo")
        ordering = ["household", "-year"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="poverty_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.get_status_display()}"


class Child(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    class Status(models.TextChoices):
        LIVING = "living", _("Đang sống tại xã")
        MOVED_AWAY = "moved_away", _("Đã chuyển đi")
        DECEASED = "deceased", _("Đã mất")
        # Kept as an alias of the record it was merged into; never shown in lists or counted.
        MERGED = "merged", _("Đã gộp vào hồ sơ khác")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="children", verbose_name=_("hộ gia đình")
    )
    # The household's commune and hamlet, kept on the child (by save(); the bulk writers, children.demo and the
    # Excel import, write them with the household) so that the lists and the counts of a commune or a hamlet
    # read the children's table alone; indexed only as the first column of the list orders below.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, verbose_name=_("xã")
    )
    hamlet = models.ForeignKey(
        Hamlet, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False, verbose_name=_("ấp/sóc")
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Diacritic-free, lower-case name for search ("nguyen van an"), and the Vietnamese sort key
    # (given name first); both maintained by children.services.
    name_search = models.CharField(max_length=120, editable=False, db_index=True)
    name_sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40, choices=ETHNICITY_CHOICES, default="Kinh")
    # NULL, not "", when unknown: the unique constraint applies only to the numbers that are known.
    personal_id = models.CharField(  # noqa: DJ001
        _("mã định danh cá nhân"), max_length=12, null=True, blank=True, validators=[personal_id_validator]
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.LIVING)
    status_date = models.DateField(_("ngày thay đổi tình trạng"), null=True, blank=True)
    moved_in_on = models.DateField(_("ngày chuyển đến"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records", editable=False
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")
        ordering = ["name_sort_key", "date_of_birth", "pk"]
        indexes = [
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
            # The child list's order (children.selectors.registry.CHILD_LIST_ORDER) within a commune and within
            # a hamlet, every list being one or the other: its pages are ranges of these indexes, whatever the
            # size of the province; by sex too, as given names are a boy's or a girl's and one sex's names come
            # in long runs in that order.
            models.Index(fields=["commune", "name_sort_key", "date_of_birth", "id"], name="child_commune_order_idx"),
            models.Index(fields=["hamlet", "name_sort_key", "date_of_birth", "id"], name="child_hamlet_order_idx"),
            models.Index(
                fields=["commune", "sex", "name_sort_key", "date_of_birth", "id"], name="child_commune_sex_order_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=models.Q(personal_id__isnull=False),
                name="personal_id_unique",
                # The last guard (two saves at once): it may concern another commune's child, so it names none.
                violation_error_message=PERSONAL_ID_UNUSABLE,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        """Keep the commune and hamlet those of the household: on every full save, and on a partial one that
        writes the household."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "household" in update_fields or "household_id" in update_fields:
            household = self.household
            self.commune_id, self.hamlet_id = household.commune_id, household.hamlet_id
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "commune", "hamlet"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("children:child-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict = {}
        today = timezone.localdate()
        # A child's own fields are held to children.rules, as in the services and the import.
        checks = rules.Checks()
        if self.date_of_birth:
            checks.run("date_of_birth", rules.birth_date, self.date_of_birth, today=today)
        if self.personal_id and personal_id_validator.regex.fullmatch(self.personal_id):
            # (a number not of 12 digits is already refused by the field's validator, in the same words)
            born = self.date_of_birth
            checks.run("personal_id", rules.personal_id, self.personal_id, sex=self.sex, date_of_birth=born)
        errors.update(checks.errors)
        for name in ("status_date", "moved_in_on"):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = _("Ngày không được ở tương lai.")
            elif value and self.date_of_birth and value < self.date_of_birth:
                errors[name] = _("Ngày không được trước ngày sinh.")
        if self.status in (self.Status.MOVED_AWAY, self.Status.DECEASED) and not self.status_date:
            errors["status_date"] = _("Nhập ngày chuyển đi hoặc ngày mất.")
        if errors:
            raise ValidationError(errors)


class Caregiver(models.Model):
    class Relation(models.TextChoices):
        FATHER = "father", _("Cha")
        MOTHER = "mother", _("Mẹ")
        GRANDPARENT = "grandparent", _("Ông/bà")
        SIBLING = "sibling", _("Anh/chị")
        RELATIVE = "relative", _("Họ hàng khác")
        GUARDIAN = "guardian", _("Người giám hộ")
        OTHER = "other", _("Khác")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="caregivers")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    relation = models.CharField(_("quan hệ với trẻ"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[phone_validator])
    is_primary = models.BooleanField(_("người chăm sóc chính"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("người chăm sóc")
        verbose_name_plural = _("người chăm sóc")
        ordering = ["child", "-is_primary", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relation_display()})"
