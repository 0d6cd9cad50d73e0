from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import current_plan
from reports.documents.plan import plan_docx, plan_pdf
from reports.management.commands._arguments import commune_argument, document_format, size_text, write_whole


class Command(BaseCommand):
    help = "Xuất văn bản kế hoạch của xã (PDF theo Nghị định 30/2020/NĐ-CP, hoặc Word .docx để chỉnh sửa)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="tệp ghi ra")
        parser.add_argument("--format", choices=["pdf", "docx"], help="mặc định theo đuôi tệp, hoặc pdf")
        parser.add_argument("--commune", default="tan-loi", help="mã xã")

    def handle(self, *args, **options):
        plan = current_plan(commune=commune_argument(options["commune"]))
        if plan is None or getattr(plan, "text", None) is None:
            raise CommandError("Không có kế hoạch hoặc văn bản kế hoạch: chạy load_plan trước.")
        out = Path(options["out"])
        content = plan_docx(plan) if document_format(out, options["format"]) == "docx" else plan_pdf(plan)
        write_whole(out, content)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({size_text(content)})."))
