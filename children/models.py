"""The child registry: the administrative hierarchy Commune -> Hamlet -> Household -> Child.

Every registry record belongs to a commune through its hamlet, so one installation can serve many communes.
Writes go through children.services; these classes hold structure and constraints only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from children.ethnicities import ETHNICITY_CHOICES


class Commune(models.Model):
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    # The issuing body printed on documents, e.g. "UBND XÃ TÂN LỢI".
    authority_name = models.CharField(_("tên cơ quan ban hành"), max_length=120)
    district = models.CharField(_("huyện"), max_length=120, blank=True)
    province = models.CharField(_("tỉnh"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Hamlet(models.Model):
    """An ấp or sóc of the commune."""

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="hamlets", verbose_name=_("xã"))
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=120)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("ấp/sóc")
        verbose_name_plural = _("ấp/sóc")
        ordering = ["commune", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="hamlet_code_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return self.name


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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["hamlet__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.head_name}"


class Child(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Nam")
        FEMALE = "F", _("Nữ")

    class Status(models.TextChoices):
        LIVING = "living", _("Đang sống tại xã")
        MOVED_AWAY = "moved_away", _("Đã chuyển đi")
        DECEASED = "deceased", _("Đã mất")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="children", verbose_name=_("hộ gia đình")
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Diacritic-free, lower-case name for search ("nguyen van an"), and the Vietnamese sort key
    # (given name first); both maintained by children.services.
    name_search = models.CharField(max_length=120, editable=False, db_index=True)
    name_sort_key = models.CharField(max_length=400, editable=False, db_index=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("ngày sinh"))
    ethnicity = models.CharField(_("dân tộc"), max_length=40, choices=ETHNICITY_CHOICES, default="Kinh")
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.LIVING)
    status_date = models.DateField(_("ngày thay đổi tình trạng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trẻ em")
        verbose_name_plural = _("trẻ em")
        ordering = ["name_sort_key", "date_of_birth", "pk"]
        indexes = [models.Index(fields=["date_of_birth"], name="child_dob_idx")]

    def __str__(self) -> str:
        return self.full_name
