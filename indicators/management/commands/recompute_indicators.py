from django.core.management.base import BaseCommand, CommandError

from indicators.calculators import Period
from indicators.selectors import current_plan
from indicators.services import recompute_scopes
from tanloi_portal.models import Commune


class Command(BaseCommand):
    help = "Tính lại và lưu các chỉ số tính được từ sổ theo dõi cho một năm: toàn xã và từng ấp/sóc."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--half", type=int, choices=[0, 1, 2], default=0, help="1, 2: sáu tháng; 0: cả năm")
        parser.add_argument("--commune", default="tan-loi")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(code=options["commune"]).first()
        plan = current_plan(commune=commune) if commune else None
        if plan is None:
            raise CommandError("Không có xã hoặc kế hoạch: chạy load_plan trước.")
        period = Period(options["year"], options["half"])
        count = recompute_scopes(plan=plan, period=period)
        self.stdout.write(self.style.SUCCESS(f"Đã lưu {count} số liệu năm {period.year}."))
