"""An Excel import: the staged file, its check, and its import, so that a long one can report progress."""

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

    class Meta:
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("lần nhập Excel")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
