"""The plan as official documents: its PDF (Nghị định 30) and its .docx, for the officer and the chairman of
the commune. Every file given out is written to the export log."""

from django.http import Http404

from indicators.permissions import PLAN_DOCUMENT_ROLES
from indicators.selectors import current_plan
from reports.documents.plan import plan_docx, plan_file_name, plan_pdf
from reports.downloads import DOCX, PDF, file_response
from tanloi_portal.access import allow
from tanloi_portal.models import ExportRecord


def _plan_of(request):
    plan = current_plan(commune=request.user.commune)
    if plan is None or getattr(plan, "text", None) is None:
        raise Http404
    return plan


def _file(request, *, content: bytes, name: str, content_type: str, plan):
    return file_response(request, kind=ExportRecord.Kind.PLAN, content=content, name=name, content_type=content_type,
                         commune=plan.commune, period=f"{plan.start_year}-{plan.end_year}")  # fmt: skip


@allow(*PLAN_DOCUMENT_ROLES)
def plan_pdf_view(request):
    plan = _plan_of(request)
    return _file(request, content=plan_pdf(plan), name=plan_file_name(plan, "pdf"), content_type=PDF, plan=plan)


@allow(*PLAN_DOCUMENT_ROLES)
def plan_docx_view(request):
    plan = _plan_of(request)
    return _file(request, content=plan_docx(plan), name=plan_file_name(plan, "docx"), content_type=DOCX, plan=plan)
