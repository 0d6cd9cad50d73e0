"""The same documents as .docx (python-docx), for the clerk to edit before signing: the Nghị định 30 layout
(A4, margins 20/20/30/15 mm, Times New Roman 14 pt, the header's two columns, the number and the date on one
line, page numbers at the top from page 2, "Nơi nhận" beside the signature) filled from the blocks the PDF
is set from (reports/documents/text.py)."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from reports.documents.text import Appendix, Block
from tanloi_portal.documents import DocumentHead

FONT = "Times New Roman"  # Word's own; LibreOffice maps it to Liberation Serif, metric-compatible


def _run(paragraph, text: str, *, bold=False, italic=False, size=14, caps=False, underline=False):
    run = paragraph.add_run(text.upper() if caps else text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    return run


def _para(container, *, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, before=0, indent=False):
    p = container.add_paragraph()
    p.alignment = align
    f = p.paragraph_format
    f.space_after, f.space_before = Pt(after), Pt(before)
    f.line_spacing = 1.15
    if indent:
        f.first_line_indent = Cm(1.27)
    return p


def _cell_text(cell, lines: list[tuple[str, dict]], *, align=WD_ALIGN_PARAGRAPH.CENTER):
    first = True
    for text, style in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        _run(p, text, **style)
    return cell


def _short_rule(cell, *, share: float = 0.4, width_mm: float = 60):
    """A rule under the issuing body: a paragraph's bottom border, narrowed by its indents."""
    p = cell.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    side = Mm(width_mm * (1 - share) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    _run(p, "", size=4)


def _page_number_header(section):
    """Page numbers centred at the top, from page 2 (the first page's header is empty)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    p._p.append(field)


def _borderless(table):
    table.style = None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False


def _head(doc, head: DocumentHead):
    if head.draft:
        _run(_para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT), "DỰ THẢO", bold=True, size=11)
    t = doc.add_table(rows=2, cols=2)
    _borderless(t)
    widths = (Mm(62), Mm(103))
    for row in t.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = t.rows[0].cells
    _cell_text(left, [(head.parent_body, {"bold": True, "size": 13}), (head.body, {"bold": True, "size": 13})])
    _short_rule(left)
    _cell_text(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "size": 13}),
            ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "size": 14, "underline": True}),
        ],
    )
    number, dated = t.rows[1].cells
    _cell_text(number, [(head.number_line, {"size": 13})])
    _cell_text(dated, [(head.dated, {"italic": True, "size": 14})])
    _run(_para(doc, before=12), head.title, bold=True, caps=True)
    if head.subtitle:
        _run(_para(doc), head.subtitle, bold=True)
    rule = _para(doc, after=6)
    _run(rule, "\u2500" * 12, size=8)
    if head.addressees:
        lines = head.addressee_lines
        p = _para(doc, after=6)
        _run(p, "Kính gửi: ")
        for i, line in enumerate(lines):
            if i:
                _run(p, "").add_break()
            _run(p, line)


def _table(doc, block: Block):
    t = doc.add_table(rows=1, cols=len(block.header))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, block.header, strict=True):
        _cell_text(cell, [(text, {"bold": True, "size": 12})])
    for row in block.rows:
        cells = t.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if index in block.numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cell, [(text, {"size": 12})], align=align)
    _para(doc, after=6)


def _blocks(doc, blocks: list[Block]):
    for block in blocks:
        if block.kind == "table":
            _table(doc, block)
        elif block.kind == "section":
            _run(
                _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, before=6, indent=True),
                block.text,
                bold=True,
                caps=True,
            )
        elif block.kind in ("numbered", "lettered"):
            p = _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=True)
            _run(p, block.text, bold=True, italic=block.kind == "lettered")
        else:
            _run(_para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=True), block.text)


def _foot(doc, head: DocumentHead):
    t = doc.add_table(rows=1, cols=2)
    _borderless(t)
    recipients, signature = t.rows[0].cells
    recipients.width, signature.width = Mm(82), Mm(83)
    if head.recipients:
        lines = [("Nơi nhận:", {"bold": True, "italic": True, "size": 12})]
        lines += [(line, {"size": 11}) for line in head.recipient_lines]
        _cell_text(recipients, lines, align=WD_ALIGN_PARAGRAPH.LEFT)
    lines = [(head.signer_on_behalf, {"bold": True, "caps": True})] if head.signer_on_behalf else []
    lines += [(head.signer_role, {"bold": True, "caps": True})]
    lines += [("", {})] * 4 + [(head.signer_name, {"bold": True})]
    _cell_text(signature, lines)


def render_docx(head: DocumentHead, blocks: list[Block], appendices: list[Appendix] = ()) -> bytes:
    """The document as .docx, each appendix on a landscape page."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number_header(section)
    _head(doc, head)
    _blocks(doc, blocks)
    _foot(doc, head)
    for appendix in appendices:
        wide = doc.add_section()
        wide.orientation = WD_ORIENT.LANDSCAPE
        wide.page_width, wide.page_height = Mm(297), Mm(210)
        wide.top_margin, wide.bottom_margin, wide.left_margin, wide.right_margin = Mm(30), Mm(15), Mm(20), Mm(20)
        _run(_para(doc), appendix.title, bold=True)
        _run(_para(doc, after=6), appendix.attached, italic=True, size=13)
        _blocks(doc, appendix.blocks)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
