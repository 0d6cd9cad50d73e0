"""The access log: every read of a sensitive record, list, drill-down or export, and every refused request for an
object, is written down with what was asked (docs/security.md)."""

import hashlib
import json
import tempfile
from pathlib import Path

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tanloi_portal.client_ip import client_ip
from tanloi_portal.models import AccessLog, ExportRecord

Action = AccessLog.Action


def log_access(
    request,
    *,
    obj=None,
    object_type: str = "",
    object_id: int | None = None,
    action: str = Action.VIEW,
    details: dict | None = None,
) -> AccessLog:
    """Writes one entry: an object read (obj), or a read of something that is not one record (object_type,
    e.g. "children.child" for a list of children, with its filters and row count in details)."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    return AccessLog.objects.create(
        user=request.user,
        object_type=object_type[:60],
        object_id=object_id,
        action=action,
        path=request.get_full_path()[:255],
        ip_address=client_ip(request),
        details=details or {},
    )


# The record a refused URL names, as reads name it (model label), so that "who tried to see this child" and "who
# saw this child" are one search. URLs of other objects keep their view name.
REFUSED_OBJECT = {
    "children:child-": "children.child",
    "children:fact-": "children.child",
    "children:household-": "children.household",
    "children:report-": "children.household",
    "children:review-detail": "children.householdupdate",
    "children:import-": "children.importjob",
    "children:export-": "children.exportjob",
    "cases:attachment": "cases.attachment",
    "cases:task": "cases.task",
    "cases:": "cases.case",
}


def refused_object_type(view_name: str) -> str:
    return next((label for prefix, label in REFUSED_OBJECT.items() if view_name.startswith(prefix)), view_name)


class RefusalLogMiddleware:
    """Writes down every request for an object that was refused (403) or not found in the user's scope (404):
    probing for other hamlets' or communes' records leaves a trace. Only URLs naming an object are logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and getattr(request, "user", None) and request.user.is_authenticated:
            match = request.resolver_match
            ids = {k: v for k, v in (match.kwargs if match else {}).items() if k == "pk" or k.endswith("_pk")}
            if ids:
                pk = ids.get("pk")
                object_id = pk if isinstance(pk, int) and 0 < pk < 2**63 else None
                details = {
                    "status": response.status_code,
                    "url": match.view_name,
                    "ids": {k: str(v)[:40] for k, v in ids.items()},
                }
                log_access(
                    request,
                    object_type=refused_object_type(match.view_name),
                    object_id=object_id,
                    action=Action.REFUSED,
                    details=details,
                )
        return response


LOG_HEADERS = (
    "Thời điểm",
    "Người xem",
    "Vai trò",
    "Thao tác",
    "Loại hồ sơ",
    "Mã hồ sơ",
    "Đường dẫn",
    "Địa chỉ IP",
    "Chi tiết",
)


def _text(sheet, value):
    """A value as openpyxl may write it: control characters (which it refuses) dropped, and a string beginning
    with "=" written as text, not as a formula (formula injection)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def access_log_workbook(entries) -> tuple[FileResponse, int]:
    """The entries as an .xlsx download (streamed to a temporary file, a chunk at a time), and their number."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhật ký truy cập")
    sheet.append(LOG_HEADERS)
    rows = 0
    for e in entries.select_related("user").order_by("at", "pk").iterator(chunk_size=2000):
        at = timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S")
        who = e.user.username
        details = json.dumps(e.details, ensure_ascii=False) if e.details else ""
        role, action = e.user.get_role_display(), e.get_action_display()
        values = [at, who, role, action, e.record_kind, e.object_id, e.path, e.ip_address, details]
        sheet.append([_text(sheet, v) for v in values])
        rows += 1
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    workbook.save(handle)
    handle.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(handle, as_attachment=True, filename=f"nhat-ky-truy-cap-{stamp}.xlsx"), rows


def record_export(
    *,
    user,
    kind: str,
    file_name: str,
    content: bytes | None = None,
    path: Path | None = None,
    commune=None,
    period: str = "",
    scope: str = "",
    filters: dict | None = None,
    rows: int | None = None,
) -> ExportRecord:
    """Write a file that leaves the portal into the export log, with its size and SHA-256 (from the bytes
    given, or read from `path` a chunk at a time)."""
    digest, size = hashlib.sha256(), 0
    if content is not None:
        digest.update(content)
        size = len(content)
    else:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    return ExportRecord.objects.create(
        user=user,
        kind=kind,
        file_name=file_name[:255],
        commune=commune,
        period=period,
        scope=scope[:120],
        filters=filters or {},
        rows=rows,
        size=size,
        sha256=digest.hexdigest(),
    )
