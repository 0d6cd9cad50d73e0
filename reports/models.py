"""The periodic report (báo cáo kết quả thực hiện) of a commune for a half-year or a year.

The officer writes its text (prefilled from the last period's report), previews the PDF and submits it; the
chairman approves it or sends it back with a reason; on approval it is issued: it takes its number, and its PDF
is stored as issued (bytes and SHA-256) with the figures it used frozen beside it, so that it downloads
identically for ever. A correction is a new version; an issued report is never changed (reports/services.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.report_periods import period_code, period_label


class IssuedReportError(Exception):
    pass


# The officer's sections, in the report's order (DESIGN section 6, "Reporting periods").
TEXT_FIELDS = ("grounds", "situation", "results", "cases_text", "strengths", "shortcomings", "causes", "directions",
               "requests")  # fmt: skip


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Chờ Chủ tịch duyệt")
        RETURNED = "returned", _("Chủ tịch trả lại để sửa")
        ISSUED = "issued", _("Đã ban hành")

    commune = models.ForeignKey("tanloi_portal.Commune", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    half = models.PositiveSmallIntegerField(_("kỳ"), choices=[(0, _("cả năm")), (1, _("6 tháng đầu năm"))])
    version = models.PositiveSmallIntegerField(_("lần"), default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("đính chính báo cáo"),
    )  # fmt: skip
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    grounds = models.TextField(_("Căn cứ"), blank=True)
    situation = models.TextField(_("I. Tình hình trẻ em (nhận định thêm)"), blank=True)
    results = models.TextField(_("II. Kết quả thực hiện (khái quát)"), blank=True)
    # The officer's words beside each objective's figures: {"1": "...", "2": "..."}.
    objective_texts = models.JSONField(_("kết quả theo từng mục tiêu"), default=dict, blank=True)
    cases_text = models.TextField(_("Công tác tiếp nhận, xử lý vụ việc"), blank=True)
    strengths = models.TextField(_("III.1. Ưu điểm"), blank=True)
    shortcomings = models.TextField(_("III.2. Hạn chế"), blank=True)
    causes = models.TextField(_("III.3. Nguyên nhân"), blank=True)
    directions = models.TextField(_("IV. Phương hướng, nhiệm vụ kỳ tới"), blank=True)
    requests = models.TextField(_("V. Kiến nghị, đề xuất với cấp trên"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("gửi duyệt lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    # Set once, on issue, and never changed again.
    issued_year = models.PositiveSmallIntegerField(_("năm ban hành"), null=True, blank=True)
    number_seq = models.PositiveSmallIntegerField(_("số thứ tự trong năm"), null=True, blank=True)
    number = models.CharField(_("số, ký hiệu"), max_length=30, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    figures = models.JSONField(_("số liệu đã dùng"), null=True, blank=True)
    pdf = models.BinaryField(_("bản PDF đã ban hành"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["commune", "-year", "-half", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year", "half", "version"], name="one_report_version"),
            models.UniqueConstraint(
                fields=["commune", "issued_year", "number_seq"],
                name="one_report_number_a_year",
                condition=models.Q(number_seq__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        label = period_label(self.year, self.half)
        if self.version > 1:
            return _("Báo cáo %(period)s (lần %(n)s)") % {"period": label, "n": self.version}
        return _("Báo cáo %(period)s") % {"period": label}

    def save(self, *args, **kwargs):
        """An issued report is never changed: its services refuse it, and so does the row itself (whatever path
        tries, the admin's included)."""
        if not self._state.adding and ProgressReport.objects.filter(pk=self.pk, status=self.Status.ISSUED).exists():
            raise IssuedReportError("An issued report is never changed: issue a correction.")
        super().save(*args, **kwargs)

    @property
    def period_code(self) -> str:
        return period_code(self.year, self.half)

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class SentNotice(models.Model):
    """One event a user was told about, on one channel: the digest never tells it twice (reports/notices.py).
    The row is written in the transaction that sends the message, so a message that failed is sent again."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("thư điện tử")
        SMS = "sms", _("tin nhắn")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=120)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo đã gửi")
        verbose_name_plural = _("thông báo đã gửi")
        constraints = [models.UniqueConstraint(fields=["user", "channel", "event"], name="notice_sent_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.channel} · {self.event}"
