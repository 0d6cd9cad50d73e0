import json

from django.core.management.base import BaseCommand, CommandError

from indicators.freshness import Busy, refresh_stale
from indicators.period_figures import period_figures
from indicators.report_periods import parse_period, report_period
from indicators.selectors import current_plan, metric_values
from tanloi_portal.models import Commune


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


REFRESH_WAIT_SECONDS = 600


class Command(BaseCommand):
    help = (
        "In giá trị mọi chỉ số của một năm (toàn xã hoặc một ấp/sóc) dưới dạng JSON, kèm đánh giá tiến độ; "
        "với --period: số liệu tính đúng theo kỳ báo cáo của xã (như bảng tổng hợp gửi cấp trên)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--year", type=int)
        which.add_argument("--period", help="kỳ báo cáo: 2026 (cả năm) hoặc 2026-H1 (6 tháng đầu năm)")
        parser.add_argument("--hamlet", help="mã ấp/sóc (mặc định: toàn xã)")
        parser.add_argument("--commune", default="tan-loi")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options):
        commune = Commune.objects.filter(code=options["commune"]).first()
        plan = current_plan(commune=commune) if commune else None
        if plan is None:
            raise CommandError("Không có xã hoặc kế hoạch: chạy load_plan trước.")
        if options["period"] is not None:
            self._print_period(commune, plan, options)
            return
        hamlet = None
        if options["hamlet"]:
            hamlet = commune.hamlets.filter(code=options["hamlet"]).first()
            if hamlet is None:
                raise CommandError(f"Không có ấp/sóc mã {options['hamlet']}.")
        # Figures a change has marked stale are computed first (waiting for the worker if it is at it), so
        # that what is printed is never older than the registry.
        try:
            refresh_stale(commune_id=commune.pk, wait_seconds=REFRESH_WAIT_SECONDS)
        except Busy:
            self.stderr.write("Một lần tính lại khác chưa xong: số liệu đánh dấu stale=true có thể chưa mới nhất.")
        values = metric_values(plan=plan, year=options["year"], hamlet=hamlet)
        data = {
            "year": options["year"],
            "hamlet": hamlet.code if hamlet else None,
            "values": [
                {
                    "metric": v.metric.code,
                    "numerator": _number(v.numerator),
                    "denominator": _number(v.denominator),
                    "value": _number(v.value),
                    "source": v.source or ("computed" if v.metric.source != "manual" else "entered"),
                    "status": v.progress.status,
                    "completeness": _number(v.completeness),
                    "base_year": v.progress.base_year,
                    "verdict_2025": None if v.progress.verdict is None else v.progress.verdict.achieved,
                    "computed_at": v.computed_at.isoformat() if v.computed_at else None,
                    "stale": v.stale,
                }
                for v in values
            ],
        }
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _print_period(self, commune, plan, options):
        """The figures of a report period, computed from the registry for exactly its days (for the commune:
        the level above's workbook has no hamlet figures), as the workbook writes them."""
        if options["hamlet"]:
            raise CommandError("--period chỉ tính cho toàn xã, không dùng cùng --hamlet.")
        try:
            period = report_period(commune, *parse_period(options["period"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        data = {
            "commune": commune.code,
            "period": period.code,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "rule": period.rule,
            "rule_text": period.rule_text,
            "values": period_figures(plan=plan, period=period),
        }
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
