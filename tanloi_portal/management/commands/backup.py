from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from tanloi_portal.backup import ENGINE_NAME, BackupError, backup_create
from tanloi_portal.numbers import format_number


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và các tệp riêng (tệp Excel đang chờ nhập, tài liệu của hồ sơ vụ việc) vào một tệp "
        ".tar.gz duy nhất. Chạy được khi cổng đang hoạt động. Phục hồi bằng lệnh restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp sao lưu sẽ tạo, ví dụ /var/backups/tanloi/tanloi-2025-01-31.tar.gz")
        parser.add_argument("--overwrite", action="store_true", help="ghi đè nếu tệp đã có")

    def handle(self, *args, **options):
        try:
            report = backup_create(path=options["path"], overwrite=options["overwrite"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu cơ sở dữ liệu ({ENGINE_NAME[report.engine]}) và {report.files} tệp riêng vào "
                f"{report.path}: {filesizeformat(report.size)}, {format_number(report.seconds, 1)} giây."
            )
        )
