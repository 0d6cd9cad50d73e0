from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management.commands._arguments import commune_argument, period_argument
from reports.workbook import NoPlan, write_workbook


class Command(BaseCommand):
    help = (
        "Xuất bảng tổng hợp gửi cấp trên (.xlsx) của một kỳ báo cáo: chỉ số, trẻ em có hoàn cảnh đặc biệt, "
        "đăng ký khai sinh, hồ sơ trường hợp (chỉ số liệu tổng hợp)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="kỳ báo cáo: 2026 (cả năm) hoặc 2026-H1")
        parser.add_argument("--out", required=True, help="tệp .xlsx sẽ ghi")
        parser.add_argument("--commune", default="tan-loi", help="mã xã (mặc định: tan-loi)")

    def handle(self, *args, **options):
        year, half = period_argument(options["period"])
        commune = commune_argument(options["commune"])
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Không có thư mục “{out.parent}” để ghi tệp.")
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as stream:
                rows = write_workbook(stream, communes=[commune], period_year=year, half=half, user=None)
        except NoPlan as error:
            partial.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(out)  # a file is either whole or not there
        self.stdout.write(f"Đã ghi {out} ({rows} dòng, xã {commune.name}, kỳ {options['period']}).")
