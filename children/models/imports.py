"""Excel jobs run by the task worker: an import (the staged file, its check, its import) and an export (the
workbook of a list, kept for a short while for its download), so that a long one can report progress."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from children.models.registry import Commune


class ImportJob(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Hợp lệ, chờ xác nhận")
        INVALID = "invalid", _("Có dòng sai")
        UNREADABLE = "unreadable", _("Không đọc được tệp")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Lỗi khi nhập")

    FINAL = {State.CHECKED, State.INVALID, State.UNREADABLE, State.DONE, State.FAILED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("tên tệp"), max_length=255)
    # Where the upload is staged, outside the web root (settings.PRIVATE_ROOT); removed once imported.
    stored_path = models.CharField(max_length=500)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices, default=State.CHECKING)
    # Counts and every invalid row (row, column, reason), as the check found them.
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which delivery of the step's task owns the job, and when it last said it was alive (children.excel.jobs):
    # a redelivered task takes over a job whose worker died, never one whose worker is still at it.
    attempt = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("lần nhập Excel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class ExportJob(models.Model):
    """A list written to .xlsx by the worker, with the filters and the permissions of the user who asked at the
    time it runs; its file is kept a short while (settings.EXPORT_KEEP_HOURS) for that user alone to download."""

    class Kind(models.TextChoices):
        CHILDREN = "children", _("Danh sách trẻ em")
        HOUSEHOLDS = "households", _("Danh sách hộ gia đình")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xuất")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi khi xuất")

    FINAL = {State.DONE, State.FAILED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    # The query string as asked (the list's filter fields only), read again through the filter form with the
    # user's permissions when the job runs; and the filters it honoured then, for the access log.
    filters = models.JSONField(default=dict, blank=True)
    filters_applied = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(_("số dòng"), null=True, blank=True)
    # The workbook, under settings.PRIVATE_ROOT / "exports"; emptied once the file is removed.
    file_path = models.CharField(max_length=500, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần xuất Excel")
        verbose_name_plural = _("lần xuất Excel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"
