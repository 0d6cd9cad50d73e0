"""The plan as data: objectives, indicators, metrics and their yearly targets."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords


class Plan(models.Model):
    """A commune's child-protection plan: each commune has its own indicators and targets."""

    commune = models.ForeignKey("tanloi_portal.Commune", on_delete=models.PROTECT, related_name="plans")
    code = models.CharField(_("mã"), max_length=40)
    title = models.TextField(_("tên kế hoạch"))
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    # The year whose measurement is the baseline of the progress method (Open SDG).
    base_year = models.PositiveSmallIntegerField(_("năm gốc"))

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["commune", "-start_year"]
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="plan_code_unique_in_commune")]

    def __str__(self) -> str:
        return self.title


class PlanText(models.Model):
    """The plan's own words, beside its data: what the document says around the objectives and indicators
    (which come from Objective and Indicator) and the units' tasks (tanloi_portal.Unit.tasks). Seeded from the
    plan file with the seed text's slips corrected, then edited by the officer; the PDF and the .docx are
    rendered from it (reports/documents). Paragraphs are separated by a blank line; a paragraph starting
    "1. " is a numbered heading, "a) " a lettered one, "- " an item."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="text")
    number = models.CharField(
        _("số, ký hiệu"), max_length=40, blank=True, help_text=_("Ví dụ: 120/KH-UBND. Để trống khi chưa ban hành.")
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    grounds = models.TextField(_("căn cứ"))
    purposes = models.TextField(_("I. Mục đích, yêu cầu"))
    general_objective = models.TextField(_("II.1. Mục tiêu tổng quát"))
    activities = models.TextField(_("III. Các hoạt động trọng tâm"))
    solutions = models.TextField(_("IV. Các giải pháp"))
    closing = models.TextField(_("câu kết"))
    recipients = models.TextField(_("nơi nhận (mỗi dòng một nơi, không kể “Lưu”)"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản kế hoạch")
        verbose_name_plural = _("văn bản kế hoạch")

    def __str__(self) -> str:
        return str(self.plan)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(_("số"))
    title = models.CharField(_("tên mục tiêu"), max_length=255)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="objective_number_unique_in_plan")]

    def __str__(self) -> str:
        return f"{_('Mục tiêu')} {self.number}: {self.title}"


class Indicator(models.Model):
    # The plan is the objective's; it is repeated here so that the number can be unique within the plan.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("số"))
    title = models.CharField(_("tên chỉ tiêu"), max_length=255)
    # The indicator's sentence as the plan words it (typing slips corrected), for regenerated documents.
    plan_text = models.TextField(_("nội dung theo kế hoạch"))
    lead_unit = models.ForeignKey(
        "tanloi_portal.Unit", on_delete=models.PROTECT, related_name="led_indicators", verbose_name=_("đơn vị chủ trì")
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="indicator_number_unique_in_plan")]

    def __str__(self) -> str:
        label = pgettext("một chỉ tiêu của kế hoạch", "Chỉ tiêu")
        return f"{label} {self.number}"


class Metric(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        PER_1000_LIVE_BIRTHS = "per_1000_live_births", _("‰ trẻ đẻ sống")
        PER_100000_CHILDREN = "per_100000_children", _("/100.000 trẻ em")
        PERCENT_YEARLY_REDUCTION = "percent_yearly_reduction", _("mức giảm hằng năm (%)")

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", "≥"
        MORE_THAN = "more_than", ">"
        AT_MOST = "at_most", "≤"
        LESS_THAN = "less_than", "<"

    class Source(models.TextChoices):
        REGISTRY = "registry", _("tính từ sổ theo dõi")
        CASES = "cases", _("tính từ hồ sơ trường hợp")
        ASSESSMENT = "assessment", _("đánh giá ấp/sóc hằng năm")
        MANUAL = "manual", _("nhập tay")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="metrics")
    code = models.CharField(_("mã"), max_length=5)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("nội dung"), max_length=255)
    unit = models.CharField(_("đơn vị tính"), max_length=30, choices=Unit.choices)
    direction = models.CharField(_("chiều"), max_length=10, choices=Direction.choices)
    source = models.CharField(_("nguồn số liệu"), max_length=12, choices=Source.choices)

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering = ["indicator__number", "position"]
        constraints = [models.UniqueConstraint(fields=["indicator", "code"], name="metric_code_unique_in_indicator")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Target(models.Model):
    """A target of a metric for one year: targets are a series of their own, not columns."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), max_digits=9, decimal_places=3)

    class Meta:
        verbose_name = _("chỉ tiêu năm")
        verbose_name_plural = _("chỉ tiêu năm")
        ordering = ["metric", "year"]
        constraints = [models.UniqueConstraint(fields=["metric", "year"], name="target_unique_per_year")]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.year}: {self.value}"


class HamletAssessment(models.Model):
    """A hamlet's yearly assessment: child-friendly standard met (indicator 1), a children's cultural and play
    space (indicator 21)."""

    hamlet = models.ForeignKey("tanloi_portal.Hamlet", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("năm"))
    child_friendly = models.BooleanField(_("đạt tiêu chuẩn phù hợp với trẻ em"))
    play_space = models.BooleanField(_("có điểm văn hóa, vui chơi cho trẻ em"))
    note = models.TextField(_("ghi chú"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh giá ấp/sóc")
        verbose_name_plural = _("đánh giá ấp/sóc")
        ordering = ["-year", "hamlet"]
        constraints = [models.UniqueConstraint(fields=["hamlet", "year"], name="assessment_once_a_year")]

    def __str__(self) -> str:
        return f"{self.hamlet} {self.year}"


class Measurement(models.Model):
    """A metric's value for a period (a year, or a half-year) and a scope (the commune, or one hamlet).

    DHIS2's shape: (metric, period, org unit), with numerator, denominator, value, its source and who stored
    it. A zero denominator is "no data": value stays empty, never 0.
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", _("tính từ dữ liệu")
        ENTERED = "entered", _("nhập tay")

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="measurements")
    commune = models.ForeignKey("tanloi_portal.Commune", on_delete=models.PROTECT, related_name="+")
    hamlet = models.ForeignKey(
        "tanloi_portal.Hamlet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # 1 or 2 for a half-year (interim reports), 0 for the whole year.
    half = models.PositiveSmallIntegerField(
        _("nửa năm"), default=0, choices=[(0, _("cả năm")), (1, _("6 tháng đầu")), (2, _("6 tháng cuối"))]
    )
    numerator = models.DecimalField(_("tử số"), max_digits=14, decimal_places=3, null=True, blank=True)
    denominator = models.DecimalField(_("mẫu số"), max_digits=14, decimal_places=3, null=True, blank=True)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=3, null=True, blank=True)
    # Of the population a computed value counts, the share with any record of the kind it reads (percent);
    # empty where the registry cannot tell, and for entered values (indicators/calculators.py Result).
    completeness = models.DecimalField(_("độ đầy đủ (%)"), max_digits=4, decimal_places=1, null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    note = models.TextField(_("ghi chú"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["metric", "year", "half"]
        # One value per metric, period, scope and source; the commune-wide row has no hamlet, and NULLs are
        # never equal in a unique index, hence one condition per kind of scope (same on SQLite and PostgreSQL).
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "commune", "year", "half", "source"],
                condition=models.Q(hamlet__isnull=True),
                name="one_commune_measurement",
            ),
            models.UniqueConstraint(
                fields=["metric", "hamlet", "year", "half", "source"],
                condition=models.Q(hamlet__isnull=False),
                name="one_hamlet_measurement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric.code} {self.year}: {self.value}"


class MetricBaseline(models.Model):
    """The officer's choice of a metric's base year, with the reason. Without one, the base is the first
    year from the plan's start with a complete value (indicators/selectors.py `base_of`)."""

    metric = models.OneToOneField(Metric, on_delete=models.CASCADE, related_name="baseline")
    year = models.PositiveSmallIntegerField(_("năm gốc"))
    reason = models.TextField(_("lý do"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("năm gốc của chỉ số")
        verbose_name_plural = _("năm gốc của chỉ số")

    def __str__(self) -> str:
        return f"{self.metric.code}: {self.year}"


class StaleFigure(models.Model):
    """A year and scope whose computed figures a change may have moved: waiting for the worker.

    Written after the change commits (indicators/freshness.py), removed by the recompute that started after
    the last change; `changed_at` is the last change, so a figure computed before it is known to be old.
    """

    commune = models.ForeignKey("tanloi_portal.Commune", on_delete=models.CASCADE, related_name="+")
    hamlet = models.ForeignKey(
        "tanloi_portal.Hamlet", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The hamlet's id, 0 for the whole commune: a plain unique key, so that marking is one upsert
    # (INSERT ... ON CONFLICT needs an index without a condition, on SQLite and PostgreSQL alike).
    scope_key = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("số liệu chờ tính lại")
        verbose_name_plural = _("số liệu chờ tính lại")
        constraints = [
            models.UniqueConstraint(fields=["commune", "scope_key", "year"], name="one_stale_figure_per_scope_year")
        ]

    def __str__(self) -> str:
        return f"{self.hamlet or self.commune} {self.year}"
