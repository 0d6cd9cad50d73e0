import json

from django.core.management.base import BaseCommand, CommandError

from indicators.selectors import current_plan, plan_export
from tanloi_portal.models import Commune


class Command(BaseCommand):
    help = "In kế hoạch (mục tiêu, chỉ tiêu, chỉ số, chỉ tiêu 2025/2030) dưới dạng JSON cho cấp trên."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--commune", help="mã xã (mặc định: xã duy nhất trong hệ thống)")

    def handle(self, *args, **options):
        communes = Commune.objects.all()
        if options["commune"]:
            communes = communes.filter(code=options["commune"])
        commune = communes.first()
        if commune is None or (not options["commune"] and communes.count() > 1):
            raise CommandError("Không xác định được xã: chạy load_plan trước, hoặc chỉ rõ --commune MÃ.")
        plan = current_plan(commune=commune)
        if plan is None:
            raise CommandError(f"Xã {commune.name} chưa có kế hoạch: chạy load_plan trước.")
        self.stdout.write(json.dumps(plan_export(plan=plan), ensure_ascii=False, indent=2))
