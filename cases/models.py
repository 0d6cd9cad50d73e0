"""Cases: the responsible units of the plan (section IV); case records come with the cases issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A responsible unit of the commune: the health station, a school, the police, justice, ...

    Units listed in the plan's section IV carry their section number and their tasks; the plan's
    "Các trường trên địa bàn" is a group unit whose members are the individual schools.
    """

    class Kind(models.TextChoices):
        CULTURE_SOCIAL = "culture_social", _("Công chức Văn hóa - xã hội (LĐTB&XH)")
        CULTURE_INFO = "culture_info", _("Công chức Văn hóa - xã hội (thông tin truyền thông)")
        HEALTH = "health", _("Y tế")
        SCHOOL = "school", _("Trường học")
        JUSTICE = "justice", _("Tư pháp - Hộ tịch")
        POLICE = "police", _("Công an")
        FINANCE = "finance", _("Tài chính - Kế toán")
        FRONT = "front", _("Mặt trận và đoàn thể")
        HAMLET = "hamlet", _("Khu dân cư ấp/sóc")

    commune = models.ForeignKey("children.Commune", on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("thuộc")
    )
    plan_section = models.PositiveSmallIntegerField(_("mục trong phần IV của kế hoạch"), null=True, blank=True)
    tasks = models.TextField(_("nhiệm vụ theo kế hoạch"), blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["commune", "plan_section", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="unit_code_unique_in_commune")]

    def __str__(self) -> str:
        return self.name
