from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tanloi_portal.backup import ENGINE_NAME, BackupError, backup_checked, backup_restore
from tanloi_portal.numbers import format_number

YES = {"có", "co", "yes", "y"}


class Command(BaseCommand):
    help = (
        "Phục hồi cổng từ một tệp của lệnh backup: THAY THẾ TOÀN BỘ cơ sở dữ liệu và các tệp riêng (tệp không có "
        "trong bản sao lưu bị xóa). Tệp không phải bản sao lưu, bị hỏng hoặc của hệ cơ sở dữ liệu khác bị từ "
        "chối mà không thay đổi gì. Hãy dừng cổng trước khi phục hồi."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp do lệnh backup tạo")
        parser.add_argument(
            "--no-input",
            "--noinput",
            "--yes",
            action="store_false",
            dest="interactive",
            help="không hỏi xác nhận",
        )

    def handle(self, *args, **options):
        try:
            with backup_checked(path=options["path"]) as checked:
                self.stdout.write(
                    f"Bản sao lưu {checked.path}: tạo lúc {checked.created_at:%d/%m/%Y %H:%M}, "
                    f"{ENGINE_NAME[checked.engine]}, {checked.files} tệp riêng. Tệp hợp lệ."
                )
                if options["interactive"] and not self._confirmed():
                    raise CommandError("Đã hủy: không thay đổi gì.")
                report = backup_restore(checked=checked)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã phục hồi cơ sở dữ liệu và {report.files} tệp riêng trong {format_number(report.seconds, 1)} giây."
            )
        )
        if report.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"Bản sao lưu cũ hơn mã nguồn ({len(report.pending_migrations)} migration chưa áp dụng): "
                    "chạy python manage.py migrate trước khi mở lại cổng."
                )
            )

    def _confirmed(self) -> bool:
        self.stdout.write(
            f"Phục hồi sẽ THAY THẾ TOÀN BỘ dữ liệu hiện tại: cơ sở dữ liệu {connection.settings_dict['NAME']} và "
            f"các tệp trong {settings.PRIVATE_ROOT} (tệp không có trong bản sao lưu sẽ bị xóa). "
            "Hãy dừng cổng trước khi phục hồi."
        )
        try:
            answer = input("Gõ “có” để tiếp tục: ")
        except EOFError:
            return False
        return answer.strip().lower() in YES
