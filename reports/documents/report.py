"""The periodic report as a document: the officer's text beside the period's figures (frozen on issue), as a
PDF in the Nghị định 30 layout and as a .docx. Set from data only (the report row and its figures), so that the
same report and figures always give the same document."""

import dataclasses
from datetime import date

from indicators.formatting import format_metric_value, format_target
from reports.documents.docx import render_docx
from reports.documents.text import Appendix, Block, blocks_of, ends_the_document, paragraph, section, table
from reports.models import ProgressReport
from tanloi_portal.documents import DocumentHead, head_for, html_to_pdf, in_vietnamese, render_html
from tanloi_portal.numbers import format_number

LETTERS = "abcdefghiklmn"


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _value(figure: dict, key: str = "value") -> str:
    return format_metric_value(figure[key], figure["unit"]) if figure.get(key) is not None else "—"


def _count(value) -> str:
    return "—" if value is None else format_number(value)


def _target(figure: dict, year: int) -> str:
    return format_target(figure["direction"], figure.get(f"target_{year}"), figure["unit"])


def _verdict(figure: dict) -> str:
    return {True: "Đạt", False: "Không đạt"}.get(figure.get("verdict_2025"), "—")


def _status(figure: dict) -> str:
    return figure["status_label"] + (f" ({figure['reason']})" if figure.get("reason") else "")


def _metrics_table(figures: list[dict], *, full: bool) -> Block:
    if full:
        header = ["Mã", "Chỉ số", "Giá trị", "Tử số", "Mẫu số", "Chỉ tiêu 2025", "Chỉ tiêu 2030", "Năm 2025",
                  "Đánh giá", "Độ đầy đủ"]  # fmt: skip
        rows = [
            [
                f["code"],
                f["name"],
                _value(f),
                _count(f["numerator"]),
                _count(f["denominator"]),
                _target(f, 2025),
                _target(f, 2030),
                _verdict(f),
                _status(f),
                f"{format_number(f['completeness'])}%" if f.get("completeness") is not None else "—",
            ]
            for f in figures
        ]
        return table(header, rows, numeric=(2, 3, 4, 5, 6, 9), widths=(4, 25, 9, 6, 7, 11, 11, 7, 13, 7))
    header = ["Mã", "Chỉ số", "Kết quả (tử số/mẫu số)", "Chỉ tiêu 2025", "Chỉ tiêu 2030", "Đánh giá"]
    rows = [
        [
            f["code"],
            f["name"],
            f"{_value(f)} ({_count(f['numerator'])}/{_count(f['denominator'])})",
            _target(f, 2025),
            _target(f, 2030),
            _status(f),
        ]
        for f in figures
    ]
    return table(header, rows, numeric=(2, 3, 4), widths=(7, 35, 17, 10, 10, 21))


def _situation_paragraph(situation: dict) -> str:
    children, groups = situation["children_under_16"], situation["groups"]["children"]
    births = situation["birth_registration"]
    return (
        f"Tính đến ngày {_day(situation['on'])}, toàn xã có {format_number(children['total'])} trẻ em dưới 16 tuổi "
        f"(nam {format_number(children['M'])}, nữ {format_number(children['F'])}); "
        f"{format_number(groups['total'])} trẻ em có hoàn cảnh đặc biệt thuộc 14 nhóm theo Luật Trẻ em; "
        f"{format_number(births['registered'])}/{format_number(births['total'])} trẻ em dưới 5 tuổi đã được đăng ký "
        "khai sinh."
    )


def _cases_table(cases: dict) -> Block:
    rows = [[r["label"], _count(r["received"]), _count(r["closed"]), _count(r["open_at_end"])] for r in cases["rows"]]
    t = cases["totals"]
    rows.append(["Tổng số", _count(t["received"]), _count(t["closed"]), _count(t["open_at_end"])])
    return table(["Vấn đề", "Tiếp nhận trong kỳ", "Kết thúc trong kỳ", "Đang xử lý cuối kỳ"], rows, numeric=(1, 2, 3),
                 widths=(46, 18, 18, 18))  # fmt: skip


def _groups_table(groups: dict) -> Block:
    header = ["Nhóm", *groups["hamlets"], "Nam", "Nữ", "Tổng"]
    rows = [
        [
            f"{r['number']}. {r['name']}",
            *map(_count, [c["M"] + c["F"] for c in r["cells"]]),
            _count(r["by_sex"]["M"]),
            _count(r["by_sex"]["F"]),
            _count(r["total"]),
        ]
        for r in groups["rows"]
    ]
    c = groups["children"]
    rows.append(["Số trẻ em (mỗi em tính một lần)", *map(_count, [x["M"] + x["F"] for x in c["cells"]]),
                 _count(c["by_sex"]["M"]), _count(c["by_sex"]["F"]), _count(c["total"])])  # fmt: skip
    return table(header, rows, numeric=range(1, len(header)))


def frozen_head(head: DocumentHead) -> dict:
    """The head as JSON, to keep with an issued report's figures."""
    values = dataclasses.asdict(head)
    values["issued_on"] = head.issued_on.isoformat() if head.issued_on else None
    return values


def report_head(report: ProgressReport, period, *, draft: bool) -> DocumentHead:
    """The head of the report: as frozen on issue, or (a draft) from the reporting chain of the period's end."""
    frozen = (report.figures or {}).get("head") if not draft else None
    if frozen:
        issued_on = date.fromisoformat(frozen["issued_on"]) if frozen["issued_on"] else None
        return DocumentHead(**{**frozen, "issued_on": issued_on})
    return head_for(
        report.commune,
        number=report.number or "\u2003\u2003/BC-UBND",
        title="Báo cáo",
        subtitle=f"Kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em {period.label}",
        issued_on=report.issued_on,
        dated_by=period.end,  # the chain of the period's time: its level above, its recipients
        sent_up=True,
        draft=draft,
    )


def report_blocks(report: ProgressReport, data: dict, objectives: list[tuple[int, str]]) -> list[Block]:
    figures, situation = data["figures"], data["situation"]
    blocks = blocks_of(report.grounds)
    blocks += [section("I. Tình hình trẻ em trên địa bàn"), paragraph(_situation_paragraph(situation))]
    blocks += blocks_of(report.situation)
    blocks += [section("II. Kết quả thực hiện"), *blocks_of(report.results)]
    by_objective: dict[int, list[dict]] = {}
    for f in figures:
        by_objective.setdefault(f.get("objective", 0), []).append(f)
    for index, (number, title) in enumerate(objectives, start=1):
        blocks.append(Block("numbered", f"{index}. Mục tiêu {number}: {title}"))
        blocks += blocks_of(report.objective_texts.get(str(number), ""))
        if by_objective.get(number):
            blocks.append(_metrics_table(by_objective[number], full=False))
    blocks.append(Block("numbered", f"{len(objectives) + 1}. Công tác tiếp nhận, xử lý vụ việc"))
    blocks += [*blocks_of(report.cases_text), _cases_table(situation["cases"])]
    blocks.append(section("III. Đánh giá chung"))
    for number, (title, text) in enumerate(
        (("Ưu điểm", report.strengths), ("Hạn chế", report.shortcomings), ("Nguyên nhân", report.causes)), start=1
    ):
        blocks += [Block("numbered", f"{number}. {title}"), *blocks_of(text)]
    blocks += [section("IV. Phương hướng, nhiệm vụ kỳ tới"), *blocks_of(report.directions)]
    blocks += [section("V. Kiến nghị, đề xuất"), *blocks_of(report.requests)]
    return ends_the_document(blocks)


def report_appendices(report: ProgressReport, data: dict, head: DocumentHead) -> list[Appendix]:
    attached = f"(Kèm theo Báo cáo số {head.number} của Ủy ban nhân dân xã {report.commune.name})"
    return [
        Appendix("Phụ lục I", attached, [Block("numbered", "Kết quả các chỉ số của kỳ báo cáo"),
                                          paragraph(data["rule_text"]), _metrics_table(data["figures"], full=True)]),
        Appendix("Phụ lục II", attached, [Block("numbered", "Trẻ em có hoàn cảnh đặc biệt theo nhóm và ấp/sóc"),
                                           paragraph(f"Số liệu tại ngày {_day(data['situation']['on'])}."),
                                           _groups_table(data["situation"]["groups"])]),
    ]  # fmt: skip


def _parts(report: ProgressReport, data: dict, period, objectives, *, draft: bool):
    head = report_head(report, period, draft=draft)
    return head, report_blocks(report, data, objectives), report_appendices(report, data, head)


@in_vietnamese
def report_pdf(report: ProgressReport, data: dict, period, objectives, *, draft: bool) -> bytes:
    head, blocks, appendices = _parts(report, data, period, objectives, draft=draft)
    html = render_html("documents/blocks_document.html", {"head": head, "blocks": blocks, "appendices": appendices})
    return html_to_pdf(html)


@in_vietnamese
def report_docx(report: ProgressReport, data: dict, period, objectives, *, draft: bool) -> bytes:
    head, blocks, appendices = _parts(report, data, period, objectives, draft=draft)
    return render_docx(head, blocks, appendices)
