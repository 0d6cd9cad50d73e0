"""Handing a document to its reader: written to the export log (who, what, period, scope, size, SHA-256), then
sent, a PDF shown in the browser and anything else downloaded."""

from django.http import HttpResponse

from tanloi_portal.audit import record_export

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(
    request, *, kind: str, content: bytes, name: str, content_type: str, commune, period: str
) -> HttpResponse:
    record_export(
        user=request.user, kind=kind, file_name=name, content=content, commune=commune, period=period,
        scope=commune.name,
    )  # fmt: skip
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == PDF else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
