"""`make bench` (documents): the plan's PDF against WeasyPrint alone on the same HTML (what the portal adds:
reading the plan, building the blocks, the template), the plan's .docx, and the periodic report's PDF as it is
issued (its figures for the period computed, then rendered), at the demo size. Medians of BENCH_REPEAT runs,
measured in one run.

Run: python -m benchmarks.documents [SIZE]; BENCH_DATABASE_URL=postgres://... for PostgreSQL.
"""

import os
import statistics
import sys
import time

from benchmarks import start_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def _median(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(size: int) -> None:
    tmp = start_django()
    from django.db import connection
    from django.utils import timezone

    from benchmarks import reset_database
    from children.demo import generate_registry
    from children.demo_facts import generate_facts
    from indicators.models import Plan
    from indicators.reference_data import load_reference_data
    from reports.documents.plan import plan_appendix, plan_blocks, plan_docx, plan_head, plan_pdf
    from reports.documents.report import report_pdf
    from reports.models import ProgressReport
    from reports.periods import report_period
    from reports.services import report_data
    from tanloi_portal.documents import html_to_pdf, render_html
    from tanloi_portal.models import Commune
    from tests.pdf import reader

    reset_database()
    load_reference_data()
    commune = Commune.objects.get(code="tan-loi")
    today = timezone.localdate()
    generate_registry(commune=commune, children=size, today=today)
    generate_facts(commune=commune, today=today)
    plan = Plan.objects.select_related("text").get(commune=commune)
    plan_pdf(plan)  # warm: fonts, templates

    whole, pdf = _median(lambda: plan_pdf(plan))
    context = {"head": plan_head(plan), "blocks": plan_blocks(plan), "appendices": [plan_appendix(plan)]}
    html = render_html("documents/blocks_document.html", context)
    alone, _ = _median(lambda: html_to_pdf(html))
    docx, _ = _median(lambda: plan_docx(plan))
    pages = len(reader(pdf).pages)
    print(f"{connection.vendor:<10} plan PDF ({pages} pages) median {whole:.2f} s; WeasyPrint alone on the same HTML "
          f"{alone:.2f} s (ratio {whole / alone:.2f}); plan .docx {docx:.2f} s", flush=True)  # fmt: skip

    report = ProgressReport(commune=commune, year=today.year - 1, half=0)
    period = report_period(commune, report.year, 0)
    figures, data = _median(lambda: report_data(report))
    render, pdf = _median(lambda: report_pdf(report, data, period, data["objectives"], draft=False))
    pages = len(reader(pdf).pages)
    print(f"{connection.vendor:<10} report {period.code} at {size:,} children: figures of the period median "
          f"{figures:.2f} s, PDF ({pages} pages) {render:.2f} s, issue in all {figures + render:.2f} s",
          flush=True)  # fmt: skip
    tmp.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3_500)
