"""Cases (hồ sơ trường hợp): children harmed or at risk, handled by the steps of Luật Trẻ em 2016 (Điều 47-52)
and Nghị định 56/2017/NĐ-CP, Chương III.

The status changes only through cases.services (a state machine); every step, note, assignment and task
result is appended to the case's timeline, which is never edited or deleted.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Concern(models.TextChoices):
        VIOLENCE = "violence", _("Bạo lực")
        SEXUAL_ABUSE = "sexual_abuse", _("Xâm hại tình dục")
        EXPLOITATION = "exploitation", _("Bóc lột")
        CHILD_LABOUR = "child_labour", _("Lao động trẻ em")
        NEGLECT = "neglect", _("Sao nhãng, bỏ rơi")
        TRAFFICKING = "trafficking", _("Mua bán trẻ em")
        CHILD_MARRIAGE = "child_marriage", _("Tảo hôn")
        INJURY = "injury", _("Tai nạn thương tích")
        SPECIAL_CIRCUMSTANCE = "special_circumstance", _("Hoàn cảnh đặc biệt cần hỗ trợ")
        OTHER = "other", _("Khác")

    # Kinds that count as abuse for indicator 9 once confirmed (DESIGN 3.1).
    ABUSE = {"violence", "sexual_abuse", "exploitation", "trafficking", "neglect"}

    class Channel(models.TextChoices):
        HOTLINE_111 = "hotline_111", _("Tổng đài 111")
        FAMILY = "family", _("Gia đình")
        SCHOOL = "school", _("Nhà trường")
        HEALTH_STATION = "health_station", _("Trạm Y tế")
        POLICE = "police", _("Công an")
        NEIGHBOUR = "neighbour", _("Hàng xóm, người dân")
        COLLABORATOR = "collaborator", _("Cộng tác viên báo cáo")
        CHILD = "child", _("Trẻ tự báo")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        INTAKE = "intake", _("Tiếp nhận")
        ASSESSED = "assessed", _("Đã đánh giá ban đầu")
        EMERGENCY = "emergency", _("Đang bảo vệ khẩn cấp")
        DETAILED = "detailed", _("Đã đánh giá chi tiết")
        PLAN_DRAFTED = "plan_drafted", _("Đã xây dựng kế hoạch")
        PLAN_APPROVED = "plan_approved", _("Kế hoạch đã được phê duyệt")
        IN_PROGRESS = "in_progress", _("Đang thực hiện kế hoạch")
        REVIEWED = "reviewed", _("Đã rà soát, đánh giá")
        CLOSED = "closed", _("Đã đóng hồ sơ")

    class Risk(models.TextChoices):
        HIGH = "high", _("Cao")
        MEDIUM = "medium", _("Trung bình")
        LOW = "low", _("Thấp")

    commune = models.ForeignKey("tanloi_portal.Commune", on_delete=models.PROTECT, related_name="+")
    # The child in the registry; or, for a report about a child not (yet) in it (a hotline call about a child
    # passing through, a family never registered), who the report names, linked to the registry later
    # (cases.services.case_link_child).
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name=_("trẻ")
    )
    reported_name = models.CharField(_("tên trẻ được báo"), max_length=120, blank=True)
    reported_age = models.PositiveSmallIntegerField(
        _("tuổi ước chừng"), null=True, blank=True, validators=[MaxValueValidator(17)]
    )
    reported_hamlet = models.ForeignKey(
        "tanloi_portal.Hamlet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ấp/sóc nơi trẻ ở"),
    )
    concern = models.CharField(_("vấn đề được báo"), max_length=30, choices=Concern.choices)
    channel = models.CharField(_("nguồn tin"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    # The reporter's identity is confidential: never shown in lists (Luật Trẻ em, Điều 48).
    reporter_name = models.CharField(_("người báo tin"), max_length=120, blank=True)
    reporter_contact = models.CharField(_("liên hệ người báo tin"), max_length=120, blank=True)
    description = models.TextField(_("mô tả ban đầu"))
    status = models.CharField(_("bước"), max_length=20, choices=Status.choices, default=Status.INTAKE, editable=False)
    risk = models.CharField(_("mức độ nguy cơ"), max_length=10, choices=Risk.choices, blank=True, editable=False)
    immediate_danger = models.BooleanField(_("nguy hiểm tức thời"), null=True, editable=False)
    confirmed = models.BooleanField(_("đã xác minh có xâm hại"), default=False, editable=False)
    lead_unit = models.ForeignKey(
        "tanloi_portal.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    # Set by the steps: the protection level (Điều 47) at the detailed assessment, the review date by the plan.
    protection_level = models.CharField(_("cấp độ bảo vệ"), max_length=12, blank=True, editable=False)
    review_on = models.DateField(_("ngày rà soát"), null=True, blank=True, editable=False)
    # The review's proposal (close / plan_again): the chairman decides a closure only when it is proposed.
    recommendation = models.CharField(_("đề xuất sau rà soát"), max_length=12, blank=True, editable=False)
    # When a review or the chairman asked for a new plan: its deadlines count from then, not from the receipt.
    replan_from = models.DateTimeField(_("yêu cầu xây dựng lại kế hoạch lúc"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("thời điểm đóng hồ sơ"), null=True, blank=True, editable=False)
    # When what the case's own steps make due next is due (cases.deadlines.own_due_at; None when nothing is),
    # written by the services at every step: lists sort, page and count cases by their deadline in the database,
    # which cannot count working days and Vietnamese holidays itself. The units' tasks come on top (Task.due_at).
    due_at = models.DateTimeField(_("hạn tiếp theo"), null=True, blank=True, editable=False)
    outcome_kind = models.CharField(_("kết quả"), max_length=20, blank=True, editable=False)
    outcome = models.TextField(_("kết quả khi đóng hồ sơ"), blank=True, editable=False)
    # The collaborator's concern this case came from, if any: the case holds the link (cases -> children, never the
    # reverse), and the registry's update has no attribute naming the case.
    from_update = models.OneToOneField(
        "children.HouseholdUpdate", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # Optimistic locking: a save carries the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Who took the last step (with updated_at): named when someone else's save is refused as stale.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("hồ sơ trường hợp")
        verbose_name_plural = _("hồ sơ trường hợp")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["commune", "status"], name="case_commune_status_idx"),
            # The open cases of a commune, which the case list sorts by deadline (cases.selectors.case_list_page),
            # read without the closed ones, which grow with the years.
            models.Index(fields=["commune"], condition=~models.Q(status="closed"), name="case_open_in_commune_idx"),
        ]
        constraints = [
            # A case is about a child of the registry, or names the child it is about.
            models.CheckConstraint(
                condition=models.Q(child__isnull=False) | ~models.Q(reported_name=""), name="case_names_its_child"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_concern_display()}"

    @property
    def hamlet(self):
        """Where the child lives: the household's hamlet, or the one the report gave."""
        return self.child.household.hamlet if self.child_id else self.reported_hamlet

    @property
    def child_label(self) -> str:
        """The child as a case page names it: "Trần Thị Bé (03/05/2019)", or for a child not in the registry
        "Trần Thị Bé (khoảng 7 tuổi, chưa có trong sổ)"."""
        if self.child_id:
            return f"{self.child.full_name} ({self.child.date_of_birth:%d/%m/%Y})"
        if self.reported_age is not None:
            about = gettext("khoảng %(age)s tuổi, chưa có trong sổ") % {"age": self.reported_age}
        else:
            about = gettext("chưa có trong sổ")
        return f"{self.reported_name} ({about})"

    @classmethod
    def confirmed_abuse(cls, start, end) -> models.Q:
        """Cases of confirmed abuse received between two datetimes (end excluded): indicator 9 and the
        chairman's statistics count the same children."""
        return models.Q(confirmed=True, concern__in=cls.ABUSE, received_at__gte=start, received_at__lt=end)


class TimelineEntry(models.Model):
    """One line of a case's history: a step with its form's content, a note, an assignment, a task result."""

    class Kind(models.TextChoices):
        STEP = "step", _("Bước xử lý")
        NOTE = "note", _("Ghi chú")
        ASSIGNMENT = "assignment", _("Phân công")
        TASK = "task", _("Nhiệm vụ")
        CORRECTION = "correction", _("Đính chính")
        ATTACHMENT = "attachment", _("Tệp đính kèm")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The legal form the step fills (Mẫu 01, 02, 03, 04/05, 07), and the step's status after it.
    form = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict)
    text = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # For a correction: the entry it corrects (that entry stays as it was).
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%d/%m/%Y %H:%M}"

    # Append-only: a correction is a new entry pointing at the one it corrects.
    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A timeline entry is never changed: add a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A timeline entry is never deleted.")


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey("tanloi_portal.Unit", on_delete=models.PROTECT, related_name="case_assignments")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="unit_assigned_once")]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.unit}"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Đang làm")
        DONE = "done", _("Đã xong")
        CANCELLED = "cancelled", _("Hủy")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="tasks")
    what = models.CharField(_("nhiệm vụ"), max_length=255)
    due_on = models.DateField(_("hạn"))
    # The end of that day in the commune's time, for sorting cases by deadline in the database (a task's due date
    # never changes once given).
    due_at = models.DateTimeField(editable=False)
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(_("kết quả"), blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what


class Attachment(models.Model):
    """A PDF or image of a case, stored under settings.PRIVATE_ROOT (outside the web root) and served only by
    the view that checks who may read the case. Never changed; a wrong file is corrected by a new entry."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    filename = models.CharField(max_length=200)  # as uploaded; the download is named from the type found
    stored_as = models.CharField(max_length=200, unique=True, editable=False)  # relative to PRIVATE_ROOT
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title
