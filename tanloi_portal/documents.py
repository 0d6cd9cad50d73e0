"""The shared layout of the commune's printed documents (Nghị định 30/2020/NĐ-CP, Phụ lục I; DESIGN section 6).

Every PDF of the portal (the case file, the plan, the periodic report) extends templates/documents/base.html,
which lays out the issuing body, the national name and motto, the number and the place and date on one line,
the document type and its summary, "Kính gửi", the body, "Nơi nhận" beside the signature block, and page
numbers from page 2. What the header and the signature block say comes from the commune's reporting chain of
the document's date (tanloi_portal.models.ReportingChain): a document keeps the names of its time.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from tanloi_portal.selectors import reporting_chain_on

# The archive's line, always the last of "Nơi nhận" (Nghị định 30/2020, Phụ lục I, mục IV.6).
ARCHIVE_LINE = "Lưu: VT, VHXH."
# The serif the documents are set in: metric-compatible with Times New Roman and covering Vietnamese
# (Debian's fonts-liberation2, installed by scripts/system-deps); WeasyPrint embeds the glyphs it uses.
DOCUMENT_FONT = "Liberation Serif"


@dataclass(frozen=True)
class DocumentHead:
    """What the header, "Kính gửi", "Nơi nhận" and the signature block of a document say."""

    parent_body: str  # "ỦY BAN NHÂN DÂN"
    body: str  # "XÃ TÂN LỢI"
    number: str  # "05/BC-UBND"; an empty number leaves the blank the clerk fills in ("Số:      /KH-UBND")
    place: str  # "Tân Lợi"
    issued_on: date | None  # None: not yet issued, the day and month are left blank
    title: str  # the document type: "KẾ HOẠCH", "BÁO CÁO"
    subtitle: str = ""  # the summary (trích yếu)
    addressees: list[str] = field(default_factory=list)  # "Kính gửi:", for a document sent up
    signer_on_behalf: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"
    signer_role: str = ""  # "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "NGƯỜI LẬP HỒ SƠ"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    draft: bool = False  # a draft says so on every page

    @property
    def dated(self) -> str:
        """ "Tân Lợi, ngày 05 tháng 3 năm 2026": days below 10 and the months 1 and 2 take a leading zero, as
        Nghị định 30 writes them; a document not yet issued leaves the day and month blank."""
        d = self.issued_on
        if d is None:
            year = timezone.localdate().year
            return f"{self.place}, ngày\u2003\u2003tháng\u2003\u2003năm {year}"
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{self.place}, ngày {d.day:02d} tháng {month} năm {d.year}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else "Số:\u2003\u2003/"

    @property
    def recipient_lines(self) -> list[str]:
        """Each item "- ...;", the last "- ....", as Nghị định 30 sets "Nơi nhận"."""
        items = [r.strip().rstrip(";.") for r in self.recipients if r.strip()]
        return [f"- {item}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]

    @property
    def addressee_lines(self) -> list[str]:
        """One addressee on the line of "Kính gửi:" ending "."; several as a list, "- ...;" and the last "."."""
        items = [a.strip().rstrip(";.") for a in self.addressees if a.strip()]
        if len(items) == 1:
            return [f"{items[0]}."]
        return [f"- {item}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]


def head_for(
    commune,
    *,
    number: str,
    title: str,
    issued_on: date | None = None,
    dated_by: date | None = None,
    sent_up: bool = False,
    **overrides,
) -> DocumentHead:
    """The head of a document of the commune, from its reporting chain on `dated_by` (the period's end, for a
    report) or the issue date or today: issuing body, place, signer, recipients and, when the document is
    `sent_up`, the addressees. Any field may be given instead (the case file names its own signer)."""
    day = dated_by or issued_on or timezone.localdate()
    chain = reporting_chain_on(commune=commune, day=day)
    if chain is not None:
        on_behalf, role = chain.signature
        values = {
            "parent_body": chain.parent_body,
            "body": chain.body,
            "place": chain.place,
            "signer_on_behalf": on_behalf,
            "signer_role": role,
            "signer_name": chain.signer_name,
            "recipients": chain.recipient_list,
            "addressees": chain.addressee_list if sent_up else [],
        }
    else:  # a commune the admin has not given a chain yet: its own name, the archive line
        parent, _, body = commune.authority_name.upper().replace("UBND ", "ỦY BAN NHÂN DÂN ").partition(" XÃ ")
        values = {
            "parent_body": parent if body else "ỦY BAN NHÂN DÂN",
            "body": f"XÃ {body}" if body else commune.authority_name.upper(),
            "place": commune.name,
            "signer_on_behalf": "TM. ỦY BAN NHÂN DÂN",
            "signer_role": "CHỦ TỊCH",
            "recipients": [ARCHIVE_LINE],
        }
    values.update(overrides)
    return DocumentHead(number=number, title=title, issued_on=issued_on, **values)


def in_vietnamese[**P, R](build: Callable[P, R]) -> Callable[P, R]:
    """An official document is in Vietnamese whatever the reader's language: its template, the labels of its
    context and the reference data's names it quotes (the plan's objectives, indicators and metrics, the 14
    groups). Decorates what builds a document or its parts (each call its own override: one shared between
    calls would restore the wrong language when they nest or run in two threads)."""

    @functools.wraps(build)
    def built_in_vietnamese(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("vi"):
            return build(*args, **kwargs)

    return built_in_vietnamese


def render_html(template_name: str, context: dict) -> str:
    with translation.override("vi"):
        return render_to_string(template_name, {"document_font": DOCUMENT_FONT, **context})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template (which extends documents/base.html) as an A4 PDF, in Vietnamese."""
    return html_to_pdf(render_html(template_name, context))
