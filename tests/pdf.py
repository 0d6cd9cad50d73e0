"""Reading the portal's PDFs in tests: their text, their page sizes, where their text lies and their fonts."""

import io
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer
from pypdf import PdfReader

MM = 72 / 25.4  # PDF points per millimetre


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """The whole text, pages joined, whitespace runs made single spaces (a line break inside a sentence reads
    as a space)."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader(pdf).pages)


@dataclass(frozen=True)
class Extent:
    """Where a page's text lies, in millimetres from the page's edges."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float


def page_number_or_mark(line: str) -> bool:
    """The lines that sit in the top margin by design: the page number, the "DỰ THẢO" mark."""
    return line.isdigit() or line == "DỰ THẢO"


def extents(pdf: bytes, *, ignore=page_number_or_mark) -> list[Extent]:
    """Per page: the margins its text leaves, from the glyphs' boxes (pdfminer), lines `ignore` accepts
    left out."""
    found = []
    for page in extract_pages(io.BytesIO(pdf)):
        boxes = [
            item.bbox
            for element in page
            if isinstance(element, LTTextContainer)
            for line in element
            if not ignore(line.get_text().strip())
            for item in line
            if isinstance(item, LTChar) and item.get_text().strip()
        ]
        if not boxes:
            continue
        width, height = page.width, page.height
        found.append(
            Extent(
                width=width / MM,
                height=height / MM,
                left=min(b[0] for b in boxes) / MM,
                right=(width - max(b[2] for b in boxes)) / MM,
                top=(height - max(b[3] for b in boxes)) / MM,
                bottom=min(b[1] for b in boxes) / MM,
            )
        )
    return found


def page_numbers(pdf: bytes) -> list[tuple[str, float]]:
    """What each page prints in its top 20 mm as a number, and the middle of it in mm from the left edge;
    ("", 0) for a page that prints none."""
    found = []
    for page in extract_pages(io.BytesIO(pdf)):
        numbers = [
            (element.get_text().strip(), (element.x0 + element.x1) / 2 / MM)
            for element in page
            if isinstance(element, LTTextContainer)
            and element.get_text().strip().isdigit()
            and page.height - element.y1 < 20 * MM
        ]
        found.append(numbers[0] if numbers else ("", 0.0))
    return found


def fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the PDF uses: its name, and whether its glyphs are embedded in the file."""
    seen = {}
    for page in reader(pdf).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            seen[str(font.get("/BaseFont"))] = embedded
    return seen
