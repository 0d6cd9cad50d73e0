from datetime import timedelta

from django.core.management.base import BaseCommand

from children.excel.jobs import jobs_expire


class Command(BaseCommand):
    help = (
        "Xóa các tệp Excel đã tải lên nhưng không được xác nhận, và đánh dấu các lần nhập bị gián đoạn "
        "(chạy hằng ngày)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, **options):
        count = jobs_expire(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(f"Đã dọn {count} lần nhập quá hạn.")
