from django.core.management.base import BaseCommand, CommandError

from children.excel.importer import import_registry
from children.excel.reader import SpreadsheetError, check_upload
from tanloi_portal.models import Commune, Role, User


class Command(BaseCommand):
    help = (
        "Kiểm tra (mặc định) hoặc nhập (--commit) sổ theo dõi trẻ em từ tệp Excel .xlsx. Mã thoát 0 chỉ khi tệp "
        "hợp lệ (và đã nhập hết, với --commit); 1 nếu có dòng sai; 2 nếu không đọc được tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="nhập thật (mặc định chỉ kiểm tra)")
        parser.add_argument("--commune", default="tan-loi", help="mã xã")
        parser.add_argument("--user", help="tên đăng nhập ghi vào lịch sử thay đổi (mặc định: cán bộ đầu tiên của xã)")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(code=options["commune"]).first()
        if commune is None:
            raise CommandError(f"Không có xã mã {options['commune']}.")
        officers = User.objects.filter(commune=commune, role=Role.OFFICER).order_by("pk")
        user = officers.filter(username=options["user"]).first() if options["user"] else officers.first()
        path = options["file"]
        try:
            with open(path, "rb") as handle:
                handle.seek(0, 2)
                check_upload(path, handle.tell())
            result = import_registry(path, commune=commune, by=user, commit=options["commit"])
        except (OSError, SpreadsheetError) as error:
            self.stderr.write(str(error))
            raise SystemExit(2) from error
        self.stdout.write(
            f"{result.rows} dòng: {result.new} mới, {result.updated} cập nhật, {result.unchanged} không đổi, "
            f"{result.invalid_rows} sai; {result.households_new} hộ mới."
        )
        for error in result.errors:
            self.stdout.write(f"  dòng {error.row}, cột “{error.column}”: {error.message}")
        for warning in result.warnings:
            self.stdout.write(f"  lưu ý dòng {warning.row}, cột “{warning.column}”: {warning.message}")
        if not result.ok:
            self.stdout.write(self.style.ERROR("Có dòng sai: không nhập dòng nào."))
            raise SystemExit(1)
        if result.committed:
            self.stdout.write(self.style.SUCCESS("Đã nhập toàn bộ tệp."))
        else:
            self.stdout.write("Tệp hợp lệ. Chạy lại với --commit để nhập.")
