from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import current_plan
from reports.documents.plan import plan_docx, plan_pdf
from tanloi_portal.models import Commune


class Command(BaseCommand):
    help = "Xuất văn bản kế hoạch của xã (PDF theo Nghị định 30/2020/NĐ-CP, hoặc Word .docx để chỉnh sửa)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="tệp ghi ra")
        parser.add_argument("--format", choices=["pdf", "docx"], help="mặc định theo đuôi tệp, hoặc pdf")
        parser.add_argument("--commune", default="tan-loi", help="mã xã")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(code=options["commune"]).first()
        plan = current_plan(commune=commune) if commune else None
        if plan is None or getattr(plan, "text", None) is None:
            raise CommandError("Không có xã, kế hoạch hoặc văn bản kế hoạch: chạy load_plan trước.")
        out = Path(options["out"])
        kind = options["format"] or ("docx" if out.suffix.lower() == ".docx" else "pdf")
        content = plan_docx(plan) if kind == "docx" else plan_pdf(plan)
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {out}: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {out} ({len(content):,} byte).".replace(",", ".")))
