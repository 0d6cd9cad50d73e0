from pathlib import Path

from django.core.management.base import BaseCommand

from reports.documents.report import report_docx
from reports.management.commands._arguments import (
    commune_argument,
    document_format,
    period_argument,
    size_text,
    write_whole,
)
from reports.models import ProgressReport
from reports.periods import report_period
from reports.services import draft_pdf, report_data


class Command(BaseCommand):
    help = (
        "Xuất báo cáo kết quả thực hiện của một kỳ (2026 hoặc 2026-H1): bản đã ban hành nếu có (đúng từng byte), "
        "nếu chưa thì bản dự thảo với số liệu hiện tại."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="2026 (cả năm) hoặc 2026-H1 (6 tháng đầu năm)")
        parser.add_argument("--out", required=True, help="tệp ghi ra")
        parser.add_argument("--format", choices=["pdf", "docx"], help="mặc định theo đuôi tệp, hoặc pdf")
        parser.add_argument("--commune", default="tan-loi", help="mã xã")

    def handle(self, *args, **options):
        year, half = period_argument(options["period"])
        commune = commune_argument(options["commune"])
        out = Path(options["out"])
        kind = document_format(out, options["format"])
        versions = ProgressReport.objects.filter(commune=commune, year=year, half=half).order_by("-version")
        issued = versions.filter(status=ProgressReport.Status.ISSUED).first()
        report = issued or versions.first() or ProgressReport(commune=commune, year=year, half=half)
        period = report_period(commune, year, half)
        if kind == "docx":
            data = report.figures if issued else report_data(report)
            content = report_docx(report, data, period, data["objectives"], draft=issued is None)
        else:
            content = bytes(issued.pdf) if issued else draft_pdf(report)
        write_whole(out, content)
        what = f"báo cáo số {issued.number}" if issued else "bản dự thảo"
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {what} vào {out} ({size_text(content)})."))
