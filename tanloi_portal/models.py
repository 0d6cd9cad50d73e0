"""The commune's organisation: its geography (communes, hamlets), responsible units, users, their role and
their scope.

Scope: the commune; the hamlet for a collaborator; the unit for unit staff. Units live here, not in cases/,
because the registry, the indicators and the cases all refer to them.
"""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    OFFICER = "officer", _("Công chức VH-XH (cán bộ phụ trách)")
    COLLABORATOR = "collaborator", _("Cộng tác viên ấp/sóc")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")
    CHAIRMAN = "chairman", _("Chủ tịch / Phó Chủ tịch UBND xã")
    DISTRICT = "district", _("Cấp trên (tỉnh)")
    ADMIN = "admin", _("Quản trị hệ thống")


# --- geography: the communes and their ấp/sóc, which every app refers to (decision 0012) -----------------


class Commune(models.Model):
    """A commune: the unit of the organisation that owns a registry, a plan and cases."""

    class ReportCutoff(models.TextChoices):
        # Nghị định 09/2019/NĐ-CP: a half-year report covers 15/12 of the year before to 14/06, a year's report
        # 15/12 of the year before to 14/12 (reports/periods.py).
        ND09 = "nd09", _("Thời gian chốt số liệu theo Điều 12 Nghị định 09/2019/NĐ-CP (từ ngày 15/12 năm trước)")
        CALENDAR = "calendar", _("Theo năm dương lịch (từ ngày 01/01)")

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    # The issuing body printed on documents, e.g. "UBND XÃ TÂN LỢI".
    authority_name = models.CharField(_("tên cơ quan ban hành"), max_length=120)
    province = models.CharField(_("tỉnh"), max_length=120, blank=True)
    # Which days a periodic report's figures cover (DESIGN section 6, "Reporting periods").
    report_cutoff = models.CharField(
        _("kỳ số liệu của báo cáo định kỳ"), max_length=10, choices=ReportCutoff.choices, default=ReportCutoff.ND09
    )

    class Meta:
        db_table = "children_commune"  # kept from when the registry held the geography (decision 0012)
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
        db_table = "children_hamlet"
        verbose_name = _("ấp/sóc")
        verbose_name_plural = _("ấp/sóc")
        ordering = ["commune", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="hamlet_code_unique_in_commune"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingChain(models.Model):
    """Who a commune reports to and who signs its documents, for the documents dated from `valid_from` to
    `valid_until`: since 1 July 2025 there is no district level and a commune reports to the province (child
    affairs: the Sở Y tế since 1 March 2025), and a report for a period before keeps the recipients of its time.
    Data, edited by the admin: no text of the portal names the level above."""

    class Signer(models.TextChoices):
        ON_BEHALF = "tm", _("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")
        DEPUTY = "kt", _("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="reporting_chains")
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)
    # The issuing body as documents print it: the parent body's name over the body's own, in capitals.
    parent_body = models.CharField(_("tên cơ quan chủ quản"), max_length=120, default="ỦY BAN NHÂN DÂN")
    body = models.CharField(_("tên cơ quan ban hành"), max_length=120)
    place = models.CharField(_("địa danh ghi ngày tháng"), max_length=60)
    level_above = models.CharField(_("cấp trên trực tiếp"), max_length=200)
    addressees = models.TextField(_("kính gửi (mỗi dòng một nơi)"))
    recipients = models.TextField(_("nơi nhận (mỗi dòng một nơi, không kể “Lưu”)"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer = models.CharField(_("thẩm quyền ký"), max_length=2, choices=Signer.choices, default=Signer.ON_BEHALF)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấp trên và nơi nhận văn bản")
        verbose_name_plural = _("cấp trên và nơi nhận văn bản")
        ordering = ["commune", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "valid_from"], name="one_reporting_chain_per_start"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="reporting_chain_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune}: {self.level_above} ({self.valid_from:%d/%m/%Y})"

    def clean(self) -> None:
        super().clean()
        if self.valid_from is None:
            return  # the field's own error says so
        if self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Ngày kết thúc không được trước ngày bắt đầu.")})
        overlapping = ReportingChain.objects.filter(commune_id=self.commune_id).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=self.valid_from)
        )
        if self.valid_until:
            overlapping = overlapping.filter(valid_from__lte=self.valid_until)
        if self.commune_id and overlapping.exists():
            raise ValidationError(_("Khoảng thời gian này trùng với một cấp trên đã có của xã."))

    @property
    def addressee_list(self) -> list[str]:
        return [line.strip() for line in self.addressees.splitlines() if line.strip()]

    @property
    def recipient_list(self) -> list[str]:
        """The "Nơi nhận" items, the last always "Lưu: VT, VHXH." (Nghị định 30/2020, Phụ lục I)."""
        return [line.strip() for line in self.recipients.splitlines() if line.strip()] + ["Lưu: VT, VHXH."]

    @property
    def signature(self) -> tuple[str, str]:
        """(the authority line, the title line) over the signer's name."""
        if self.signer == self.Signer.DEPUTY:
            return "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
        return "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"


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

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="units")
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
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("xã")
    )
    hamlet = models.ForeignKey(
        Hamlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collaborators",
        verbose_name=_("ấp/sóc"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("đơn vị")
    )
    # For the daily text message of what waits (reports/notices.py); blank: none is sent.
    phone = models.CharField(
        _("số điện thoại nhận tin nhắn"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9](?:[ .]?[0-9]){8,14}$",
                _("Số điện thoại gồm 9 đến 15 chữ số, có thể bắt đầu bằng +, vd: 0912 345 678."),
            )
        ],
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


class SecondFactorRequirement(models.Model):
    """Whether a role must sign in with a code from an authenticator app as well as the password.

    One row per role, edited by the admin in the admin site; a change holds from each user's next log-in. Any user
    may turn the second factor on for themselves; a user of a role that requires it cannot turn it off.
    """

    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, unique=True)
    required = models.BooleanField(_("bắt buộc xác thực hai bước"), default=False)

    class Meta:
        verbose_name = _("yêu cầu xác thực hai bước")
        verbose_name_plural = _("yêu cầu xác thực hai bước")
        ordering = ["role"]

    def __str__(self) -> str:
        return str(self.get_role_display())


class AppendOnlyError(Exception):
    """The access and export logs are evidence: an entry is never changed or removed."""


class AccessLogQuerySet(models.QuerySet):
    """The queryset of an append-only log (the access log, the export log)."""

    def update(self, **kwargs):
        raise AppendOnlyError("The log is append-only.")

    def delete(self):
        raise AppendOnlyError("The log is append-only.")


def record_kind(object_type: str) -> str:
    """A logged kind of record ("app.model") in words, with its code: "trẻ em (children.child)"; a kind that
    is no model (a list, an export's scope) as it was logged."""
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return f"{model._meta.verbose_name} ({object_type})"


class AccessLog(models.Model):
    """One read of a sensitive record, a list or an export, or one refused request for an object: who, what,
    when, from where, with what was asked (filters, row count). Append-only."""

    class Action(models.TextChoices):
        VIEW = "view", _("xem")
        PRINT = "print", _("in")
        DOWNLOAD = "download", _("tải tệp")
        LIST = "list", _("xem danh sách")
        EXPORT = "export", _("xuất tệp")
        DRILL_DOWN = "drill-down", _("xem danh sách trẻ của chỉ tiêu")
        EDIT_FORM = "edit-form", _("mở biểu mẫu sửa")
        REFUSED = "refused", _("bị từ chối")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("người xem"))
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    object_type = models.CharField(_("loại hồ sơ"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("mã hồ sơ"), null=True, blank=True)
    action = models.CharField(_("thao tác"), max_length=40, default=Action.VIEW, choices=Action.choices)
    path = models.CharField(_("đường dẫn"), max_length=255)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    # What was asked and what came back: the filters of a list or an export, its row count, a refusal's status.
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_idx"),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        target = f"{self.record_kind} #{self.object_id}" if self.object_id else self.record_kind
        return f"{at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()} {target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only.")

    @property
    def record_kind(self) -> str:
        """What was read, in words, with the code the search takes: "trẻ em (children.child)"."""
        return record_kind(self.object_type)


class ExportRecord(models.Model):
    """Every file that leaves the portal with children's or the commune's data: who took what, for which period,
    scope and filters, how many rows, its size and SHA-256 (so that a file found later can be traced), when.
    Append-only, as the access log is."""

    class Kind(models.TextChoices):
        CHILDREN = "children", _("danh sách trẻ em (Excel)")
        HOUSEHOLDS = "households", _("danh sách hộ gia đình (Excel)")
        CASE_FILE = "case-file", _("hồ sơ trường hợp (PDF)")
        ACCESS_LOG = "access-log", _("nhật ký truy cập (Excel)")
        WORKBOOK = "workbook", _("bảng tổng hợp gửi cấp trên (Excel)")
        PLAN = "plan", _("văn bản kế hoạch (PDF, Word)")
        REPORT = "report", _("báo cáo định kỳ (PDF, Word)")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("người xuất"))
    kind = models.CharField(_("loại tệp"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("xã")
    )
    period = models.CharField(_("kỳ"), max_length=40, blank=True)
    scope = models.CharField(_("phạm vi"), max_length=120, blank=True)
    filters = models.JSONField(_("bộ lọc"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký xuất tệp")
        verbose_name_plural = _("nhật ký xuất tệp")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.user} {self.file_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The export log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The export log is append-only.")


class WorkbookJob(models.Model):
    """A workbook for the level above (reports/workbook.py), written by the worker for the user who asked: one
    commune, or every commune the user oversees (`commune` empty). Only aggregates are in it; its file is kept
    settings.EXPORT_KEEP_HOURS for that user alone to download.

    Not the registry's children.ExportJob: that one belongs to one commune (the level above's workbook spans
    several), and its runner lives in children/, which may not import the reports that write this one."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tổng hợp")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi khi tổng hợp")

    FINAL = {State.DONE, State.FAILED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Empty: every commune the user oversees, as they are when the job runs.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    half = models.PositiveSmallIntegerField(_("kỳ"), default=0)  # 0: the year; 1: the first half-year
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED)
    communes = models.PositiveIntegerField(_("số xã"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    # The workbook, under settings.PRIVATE_ROOT / "workbooks"; emptied once the file is removed.
    file_path = models.CharField(max_length=500, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần tổng hợp bảng gửi cấp trên")
        verbose_name_plural = _("lần tổng hợp bảng gửi cấp trên")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.year}{'-H1' if self.half else ''} ({self.get_state_display()})"
