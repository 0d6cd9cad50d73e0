"""The plan as a document: its stored words (indicators.PlanText), its objectives and indicators, the units'
tasks, as a PDF in the Nghị định 30 layout and as a .docx the clerk edits before signing."""

from django.utils import timezone

from indicators.formatting import format_target
from indicators.models import Plan
from indicators.selectors import metric_targets, plan_objectives
from reports.documents.docx import render_docx
from reports.documents.text import Appendix, Block, blocks_of, ends_the_document, paragraph, section, table
from tanloi_portal.documents import ARCHIVE_LINE, DocumentHead, head_for, in_vietnamese, render_pdf
from tanloi_portal.selectors import units_of_commune

LETTERS = "abcdefghiklmn"
TARGET_YEARS = (2025, 2030)


def _target(metric, year: int) -> str:
    return format_target(metric.direction, metric_targets(metric).get(year), metric.unit)


def _summary(plan: Plan) -> str:
    """The summary (trích yếu) under "KẾ HOẠCH": the plan's title without its document type."""
    title = plan.title.strip()
    if title.lower().startswith("kế hoạch "):
        title = title[len("kế hoạch ") :]
    return title[:1].upper() + title[1:]


def plan_head(plan: Plan) -> DocumentHead:
    text = plan.text
    return head_for(
        plan.commune,
        number=text.number or "\u2003\u2003/KH-UBND",
        title="Kế hoạch",
        subtitle=_summary(plan),
        issued_on=text.issued_on,
        recipients=[*text.recipient_list, ARCHIVE_LINE],
        draft=text.issued_on is None,
    )


def plan_blocks(plan: Plan) -> list[Block]:
    """The plan's body: grounds; I. purposes; II. objectives (the general one, then each objective with its
    indicators' sentences); III. key activities; IV. solutions; V. organisation (each unit's tasks)."""
    text = plan.text
    blocks = blocks_of(text.grounds)
    blocks += [section("I. Mục đích, yêu cầu"), *blocks_of(text.purposes)]
    blocks += [section("II. Mục tiêu"), Block("numbered", "1. Mục tiêu tổng quát"), *blocks_of(text.general_objective)]
    blocks.append(
        Block(
            "numbered", f"2. Các mục tiêu, chỉ tiêu đến năm {plan.base_year + 4} và định hướng đến năm {plan.end_year}"
        )
    )
    objectives = list(plan_objectives(plan=plan))
    for o_index, objective in enumerate(objectives):
        blocks.append(Block("lettered", f"{LETTERS[o_index]}) Mục tiêu {objective.number}: {objective.title}"))
        indicators = list(objective.indicators.all())
        for i_index, indicator in enumerate(indicators):
            last = o_index == len(objectives) - 1 and i_index == len(indicators) - 1
            sentence = indicator.plan_text.rstrip(" ;.")
            blocks.append(paragraph(f"- Chỉ tiêu {indicator.number}: {sentence}{'.' if last else ';'}"))
    blocks += [section("III. Các hoạt động trọng tâm"), *blocks_of(text.activities)]
    blocks += [section("IV. Các giải pháp"), *blocks_of(text.solutions)]
    blocks.append(section("V. Tổ chức thực hiện"))
    units = [u for u in units_of_commune(commune_id=plan.commune_id) if u.plan_section and u.tasks.strip()]
    for number, unit in enumerate(units, start=1):
        blocks.append(Block("numbered", f"{number}. {unit.name}"))
        blocks += blocks_of(unit.tasks.replace("\n- ", "\n\n- "))
    blocks += blocks_of(text.closing)
    return ends_the_document(blocks)


def plan_appendix(plan: Plan) -> Appendix:
    """Every metric with its unit, its targets and its lead unit: the plan's indicators as a table."""
    rows = []
    for objective in plan_objectives(plan=plan):
        for indicator in objective.indicators.all():
            for metric in indicator.metrics.all():
                rows.append(
                    [
                        f"{indicator.number} ({metric.code})",
                        metric.title,
                        *[_target(metric, year) for year in TARGET_YEARS],
                        indicator.lead_unit.name,
                    ]
                )
    header = ["Chỉ tiêu (mã)", "Nội dung", *[f"Chỉ tiêu năm {y}" for y in TARGET_YEARS], "Đơn vị chủ trì"]
    return Appendix(
        title="Phụ lục",
        attached=f"(Kèm theo Kế hoạch số {plan_head(plan).number} của Ủy ban nhân dân xã {plan.commune.name})",
        blocks=[table(header, rows, numeric=(2, 3), widths=(10, 46, 12, 12, 20))],
    )


@in_vietnamese
def plan_pdf(plan: Plan) -> bytes:
    return render_pdf(
        "documents/blocks_document.html",
        {"head": plan_head(plan), "blocks": plan_blocks(plan), "appendices": [plan_appendix(plan)]},
    )


@in_vietnamese
def plan_docx(plan: Plan) -> bytes:
    return render_docx(plan_head(plan), plan_blocks(plan), [plan_appendix(plan)])


def plan_file_name(plan: Plan, extension: str) -> str:
    return f"ke-hoach-{plan.code}-{timezone.localdate():%Y%m%d}.{extension}"
