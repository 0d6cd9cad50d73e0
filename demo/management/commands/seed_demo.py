from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import seed_demo
from tanloi_portal.models import Commune


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: người dùng mẫu của mọi vai trò và một sổ theo dõi trẻ em giả lập. "
        "Chạy lại chỉ tạo phần còn thiếu. Chỉ dùng khi DEBUG bật (hoặc với --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=3500, help="số trẻ em (mặc định 3500)")
        parser.add_argument("--password", default="demo", help="mật khẩu của mọi người dùng mẫu (mặc định: demo)")
        parser.add_argument("--seed", type=int, default=2025, help="hạt giống ngẫu nhiên, để dữ liệu lặp lại được")
        parser.add_argument("--commune", default="tan-loi", help="mã xã")
        parser.add_argument("--force", action="store_true", help="chạy cả khi DEBUG tắt (không dùng trên máy thật)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là hệ thống thật, seed_demo không chạy. Dùng --force nếu chắc chắn."
            )
        if options["children"] < 0:
            raise CommandError("--children phải là số không âm.")
        commune = Commune.objects.filter(code=options["commune"]).first()
        if commune is None:
            raise CommandError(f"Không có xã mã {options['commune']}: chạy load_plan trước.")
        report = seed_demo(
            commune=commune, children=options["children"], password=options["password"], seed=options["seed"]
        )
        if report.registry_skipped:
            self.stdout.write("Sổ theo dõi đã có trẻ em: không tạo thêm dữ liệu mẫu.")
        else:
            self.stdout.write(f"Đã tạo {report.households} hộ gia đình và {report.children} trẻ em, cùng:")
            for name, count in report.facts.items():
                self.stdout.write(f"  {count:>6} {name}")
        self.stdout.write("")
        self.stdout.write(f"{'Tên đăng nhập':<14} {'Vai trò':<38} Phạm vi")
        for login in report.logins:
            mark = "" if login.created else " (đã có)"
            self.stdout.write(f"{login.username:<14} {login.role:<38} {login.scope}{mark}")
        self.stdout.write(f"Mật khẩu: {options['password']} (người dùng đã có giữ mật khẩu cũ)")
