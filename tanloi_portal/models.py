"""Users, their role and their scope (commune; hamlet for a collaborator; unit for unit staff)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Công chức VH-XH (cán bộ phụ trách)")
    COLLABORATOR = "collaborator", _("Cộng tác viên ấp/sóc")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")
    CHAIRMAN = "chairman", _("Chủ tịch / Phó Chủ tịch UBND xã")
    DISTRICT = "district", _("Cấp trên (huyện/tỉnh)")
    ADMIN = "admin", _("Quản trị hệ thống")


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `manage.py createsuperuser` makes the first admin of a new installation.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    full_name = models.CharField(_("họ và tên"), max_length=120, blank=True)
    # A district viewer without a commune reads every commune of the installation.
    commune = models.ForeignKey(
        "children.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("xã")
    )
    hamlet = models.ForeignKey(
        "children.Hamlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collaborators",
        verbose_name=_("ấp/sóc"),
    )
    unit = models.ForeignKey(
        "cases.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("đơn vị")
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="collaborator") | models.Q(hamlet__isnull=False),
                name="collaborator_has_hamlet",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="unit_staff") | models.Q(unit__isnull=False),
                name="unit_staff_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role in (Role.OFFICER, Role.COLLABORATOR, Role.UNIT_STAFF, Role.CHAIRMAN) and not self.commune_id:
            errors["commune"] = _("Vai trò này phải gắn với một xã.")
        if self.role == Role.COLLABORATOR:
            if not self.hamlet_id:
                errors["hamlet"] = _("Cộng tác viên phải gắn với một ấp/sóc.")
            elif self.commune_id and self.hamlet.commune_id != self.commune_id:
                errors["hamlet"] = _("Ấp/sóc không thuộc xã của người dùng.")
        elif self.hamlet_id:
            errors["hamlet"] = _("Chỉ cộng tác viên mới gắn với ấp/sóc.")
        if self.role == Role.UNIT_STAFF:
            if not self.unit_id:
                errors["unit"] = _("Cán bộ đơn vị phải gắn với một đơn vị.")
            elif self.commune_id and self.unit.commune_id != self.commune_id:
                errors["unit"] = _("Đơn vị không thuộc xã của người dùng.")
        elif self.unit_id:
            errors["unit"] = _("Chỉ cán bộ đơn vị mới gắn với đơn vị.")
        if errors:
            raise ValidationError(errors)
