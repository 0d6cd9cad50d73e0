from datetime import timedelta

from django.core.management.base import BaseCommand

from children.excel.exports import exports_expire
from children.excel.jobs import jobs_expire


class Command(BaseCommand):
    help = (
        "Xóa các tệp Excel đã tải lên nhưng không được xác nhận, đánh dấu các lần nhập bị gián đoạn, và xóa các "
        "tệp đã xuất quá hạn (tác vụ children.tasks.expire_import_jobs chạy việc này mỗi giờ)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, **options):
        count = jobs_expire(older_than=timedelta(hours=options["hours"]))
        files = exports_expire()
        self.stdout.write(f"Đã dọn {count} lần nhập quá hạn và {files} tệp đã xuất.")
