"""The shared layout of the commune's printed documents (Nghị định 30/2020/NĐ-CP, DESIGN section 6).

Every PDF of the portal (the case file now, the plans and progress reports later) extends
templates/documents/base.html, which lays out the issuing body, the national motto, the number and symbol,
the place and date, the title, the body, "Nơi nhận" and the signature block, and is turned into a PDF here.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML


@dataclass(frozen=True)
class DocumentHead:
    """What the header and the signature block of a document say."""

    authority: str  # the issuing body, e.g. "UBND XÃ TÂN LỢI"
    number: str  # "Số: 12/HS-UBND"; an empty number leaves the blank the clerk fills in
    place: str  # "Tân Lợi"
    issued_on: date
    title: str
    subtitle: str = ""
    signer_role: str = ""  # "CHỦ TỊCH", "NGƯỜI LẬP HỒ SƠ"
    signer_on_behalf: str = ""  # "TM. ỦY BAN NHÂN DÂN"
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    @property
    def dated(self) -> str:
        """ "Tân Lợi, ngày 05 tháng 3 năm 2026": days and months below 10 (days, and months 1-2) take a
        leading zero, as Nghị định 30 writes them."""
        d = self.issued_on
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{self.place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def head_for(commune, *, number: str, title: str, issued_on: date | None = None, **kwargs) -> DocumentHead:
    return DocumentHead(
        authority=commune.authority_name,
        number=number,
        place=commune.name,
        issued_on=issued_on or timezone.localdate(),
        title=title,
        **kwargs,
    )


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template (which extends documents/base.html) as an A4 PDF, in Vietnamese."""
    with translation.override("vi"):  # an official document is in Vietnamese whatever the reader's language
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
