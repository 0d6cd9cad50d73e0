from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import seed_demo
from tanloi_portal.models import Commune

STAGES = {
    "communes": "xã, ấp/sóc, kế hoạch, người dùng",
    "registry": "sổ theo dõi (hộ gia đình, trẻ em)",
    "facts": "dữ kiện (cân đo, tiêm chủng, học tập, ...)",
    "indicators": "đánh giá ấp/sóc, số liệu nhập tay",
    "recompute_communes": "tính số liệu chỉ tiêu (mọi xã một lượt)",
    "ANALYZE": "ANALYZE",
    "total": "tổng cộng",
}


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: người dùng mẫu của mọi vai trò và một sổ theo dõi trẻ em giả lập. "
        "Với --communes N > 1: một tỉnh N xã, số trẻ em chia cho các xã, ghi hàng loạt. "
        "Chạy lại chỉ tạo phần còn thiếu. Chỉ dùng khi DEBUG bật (hoặc với --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=3500, help="số trẻ em, tổng của mọi xã (mặc định 3500)")
        parser.add_argument("--password", default="demo", help="mật khẩu của mọi người dùng mẫu (mặc định: demo)")
        parser.add_argument("--seed", type=int, default=2025, help="hạt giống ngẫu nhiên, để dữ liệu lặp lại được")
        parser.add_argument("--commune", default="tan-loi", help="mã xã (xã đầu tiên khi có nhiều xã)")
        parser.add_argument("--communes", type=int, default=1, help="số xã (mặc định 1; các xã thêm giống xã đầu tiên)")
        parser.add_argument("--force", action="store_true", help="chạy cả khi DEBUG tắt (không dùng trên máy thật)")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG đang tắt: đây có thể là hệ thống thật, seed_demo không chạy. Dùng --force nếu chắc chắn."
            )
        if options["children"] < 0:
            raise CommandError("--children phải là số không âm.")
        if options["communes"] < 1:
            raise CommandError("--communes phải là số nguyên dương (ít nhất 1 xã).")
        commune = Commune.objects.filter(code=options["commune"]).first()
        if commune is None:
            raise CommandError(f"Không có xã mã {options['commune']}: chạy load_plan trước.")
        report = seed_demo(
            commune=commune,
            children=options["children"],
            password=options["password"],
            seed=options["seed"],
            communes=options["communes"],
            progress=self._progress if options["communes"] > 1 else None,
        )
        if report.registry_skipped:
            self.stdout.write("Sổ theo dõi đã có trẻ em: không tạo thêm dữ liệu mẫu.")
        else:
            where = f" ở {report.communes} xã" if report.communes > 1 else ""
            self.stdout.write(f"Đã tạo {report.households} hộ gia đình và {report.children} trẻ em{where}, cùng:")
            for name, count in report.facts.items():
                self.stdout.write(f"  {count:>6} {name}")
        self.stdout.write("")
        width = max([14, *(len(login.username) for login in report.logins)])
        self.stdout.write(f"{'Tên đăng nhập':<{width}} {'Vai trò':<38} Phạm vi")
        for login in report.logins:
            mark = "" if login.created else " (đã có)"
            self.stdout.write(f"{login.username:<{width}} {login.role:<38} {login.scope}{mark}")
        self.stdout.write(f"Mật khẩu: {options['password']} (người dùng đã có giữ mật khẩu cũ)")
        if report.communes > 1:
            self._summary(report)

    def _progress(self, done: int, total: int, commune, children: int) -> None:
        if done == 1 or done == total or done % 10 == 0:
            self.stdout.write(f"  {done}/{total} xã: {commune.name}, {children} trẻ em")

    def _summary(self, report) -> None:
        self.stdout.write("")
        if report.figures == "marked" and report.marked_years:
            self.stdout.write(
                f"Số liệu chỉ tiêu để worker tính: đã đánh dấu {report.marked_years} năm của mỗi xã cần tính lại "
                "(lượt tính lại tiếp theo hoặc lượt hằng đêm sẽ tính)."
            )
        elif report.figures == "recompute_communes":
            self.stdout.write("Số liệu chỉ tiêu đã tính cho mọi xã một lượt (recompute_communes).")
        self.stdout.write("Thời gian từng bước:")
        for stage, seconds in report.timings.items():
            self.stdout.write(f"  {STAGES.get(stage, stage):<45} {seconds:8.1f} s")
