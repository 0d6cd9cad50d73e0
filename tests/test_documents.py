"""The Nghị định 30/2020 layout every document of the portal is printed in (tanloi_portal.documents), measured
on the PDF: the text it holds, the page, the margins, the page numbers and the fonts."""

from datetime import date

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tanloi_portal.documents import head_for, render_pdf
from tests.pdf import extents, fonts, page_numbers, reader, text_of

pytestmark = pytest.mark.django_db

VIETNAMESE = "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĐđƠơƯư"


def test_the_document_date_follows_the_decree(commune):
    def dated(day):
        return head_for(commune, number="", title="x", issued_on=day).dated

    assert dated(date(2026, 2, 5)) == "Tân Lợi, ngày 05 tháng 02 năm 2026"
    assert dated(date(2026, 11, 30)) == "Tân Lợi, ngày 30 tháng 11 năm 2026"
    assert dated(date(2026, 3, 9)) == "Tân Lợi, ngày 09 tháng 3 năm 2026"


def test_the_head_comes_from_the_reporting_chain_of_the_documents_date(commune):
    before = head_for(commune, number="01/BC-UBND", title="Báo cáo", dated_by=date(2025, 6, 14), sent_up=True)
    after = head_for(commune, number="02/BC-UBND", title="Báo cáo", dated_by=date(2025, 12, 14), sent_up=True)
    assert (before.parent_body, before.body) == ("ỦY BAN NHÂN DÂN", "XÃ TÂN LỢI")
    assert before.addressee_lines[0] == "- Ủy ban nhân dân huyện Hớn Quản;"
    assert after.addressee_lines == ["- Ủy ban nhân dân tỉnh Đồng Nai;", "- Sở Y tế tỉnh Đồng Nai."]
    assert after.recipient_lines[0] == "- Sở Y tế tỉnh Đồng Nai;"
    assert after.recipient_lines[-1] == "- Lưu: VT, VHXH."
    assert (after.signer_on_behalf, after.signer_role) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    # A document not sent up names nobody under "Kính gửi".
    assert head_for(commune, number="", title="Kế hoạch").addressees == []


@pytest.fixture
def long_document(commune, settings, tmp_path):
    """A three-page document in the shared layout, issued, sent up."""
    sentence = (
        "Nội dung thử nghiệm của văn bản, đủ dài để xuống dòng: dòng thứ hai bắt đầu sát lề trái, dòng đầu lùi vào."
    )
    body = "<h2>I. Tình hình</h2>" + f"<p>{sentence} {sentence}</p>" * 30 + f"<p>{' '.join(VIETNAMESE)}</p>"
    (tmp_path / "thu.html").write_text(
        '{% extends "documents/base.html" %}{% block body %}' + body + "<p>Hết./.</p>{% endblock %}", encoding="utf-8"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    head = head_for(
        commune, number="05/BC-UBND", title="Báo cáo", subtitle="Kết quả thực hiện năm 2025",
        issued_on=date(2026, 1, 5), sent_up=True,
    )  # fmt: skip
    return render_pdf("thu.html", {"head": head})


def test_a_document_prints_the_head_the_addressees_the_body_and_the_signature(long_document):
    text = text_of(long_document)
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ TÂN LỢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-UBND Tân Lợi, ngày 05 tháng 01 năm 2026",  # on one line
        "BÁO CÁO Kết quả thực hiện năm 2025",
        "Kính gửi: - Ủy ban nhân dân tỉnh Đồng Nai; - Sở Y tế tỉnh Đồng Nai.",
        "I. TÌNH HÌNH",
        "Hết./.",
        "Nơi nhận:",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Lê Viết Truyền",
    ):
        assert expected in text, expected
    assert "huyện" not in text.lower()


def test_the_page_is_a4_with_the_decrees_margins(long_document):
    pages = extents(long_document)
    assert len(pages) >= 3
    for page in pages:
        assert (round(page.width), round(page.height)) == (210, 297)
        assert 30 - 0.2 <= page.left <= 35, page  # 30-35 mm
        assert 15 - 0.2 <= page.right <= 20 + 10, page  # 15-20 mm (a ragged last line leaves more)
        assert 20 - 0.2 <= page.top <= 25 + 5, page  # 20-25 mm to the first line's ascent
        assert page.bottom >= 20 - 0.2, page
    # Full lines reach the right margin: justified text.
    assert min(page.right for page in pages) < 15.5


def test_pages_are_numbered_at_the_top_from_page_two(long_document):
    numbers = page_numbers(long_document)
    assert numbers[0] == ("", 0.0)
    assert [n for n, _middle in numbers[1:]] == [str(n) for n in range(2, len(numbers) + 1)]
    # Centred over the text: between the 30 mm left and the 15 mm right margins of an A4 page.
    assert all(abs(middle - (30 + 210 - 15) / 2) < 2 for _n, middle in numbers[1:])


def test_the_only_fonts_are_an_embedded_times_compatible_serif_that_covers_vietnamese(long_document):
    used = fonts(long_document)
    assert used and all(used.values()), used
    assert all("LiberationSerif" in name.replace("-", "") for name in used), used
    # Every Vietnamese letter printed comes back out of the PDF: drawn by the embedded Liberation Serif (a
    # missing glyph would have been taken from another font, which the check above refuses) and mapped back to
    # its character.
    assert VIETNAMESE in text_of(long_document).replace(" ", "")


def test_the_document_font_covers_every_vietnamese_letter():
    """The installed Liberation Serif (what WeasyPrint embeds) has a glyph for each Vietnamese letter."""
    import subprocess

    path = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Serif"], capture_output=True, text=True).stdout
    assert "LiberationSerif" in path
    cmap = TTFont(path).getBestCmap()
    missing = [ch for ch in VIETNAMESE if ord(ch) not in cmap]
    assert missing == []


def test_a_draft_says_so_and_a_document_not_issued_leaves_the_number_and_day_blank(commune, settings, tmp_path):
    (tmp_path / "thu.html").write_text('{% extends "documents/base.html" %}{% block body %}<p>x./.</p>{% endblock %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    head = head_for(commune, number="\u2003\u2003/KH-UBND", title="Kế hoạch", draft=True)
    text = text_of(render_pdf("thu.html", {"head": head}))
    assert "DỰ THẢO" in text
    assert "/KH-UBND" in text and "Tân Lợi, ngày tháng năm" in text
    assert isinstance(reader(render_pdf("thu.html", {"head": head})), PdfReader)
