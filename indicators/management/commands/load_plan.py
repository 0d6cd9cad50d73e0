from django.core.management.base import BaseCommand

from indicators.reference_data import load_reference_data
from tanloi_portal.reference_data import DEFAULT_PLAN_FILE


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu danh mục của kế hoạch (xã, ấp/sóc, 14 nhóm, đơn vị, mục tiêu, chỉ tiêu) và lịch tiêm chủng. "
        "Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_PLAN_FILE), help="tệp JSON của kế hoạch")

    def handle(self, *args, **options):
        report = load_reference_data(options["file"])
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("Đã nạp kế hoạch." if report.changed else "Kế hoạch đã đầy đủ, không thay đổi gì.")
        )
