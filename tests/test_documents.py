"""The Nghị định 30 document layout of the ground floor (tanloi_portal.documents), which every app prints with."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tanloi_portal.documents import head_for, render_pdf

pytestmark = pytest.mark.django_db


def test_the_document_date_follows_the_decree(commune):
    def dated(day):
        return head_for(commune, number="", title="x", issued_on=day).dated

    assert dated(date(2026, 2, 5)) == "Tân Lợi, ngày 05 tháng 02 năm 2026"
    assert dated(date(2026, 11, 30)) == "Tân Lợi, ngày 30 tháng 11 năm 2026"
    assert dated(date(2026, 3, 9)) == "Tân Lợi, ngày 09 tháng 3 năm 2026"


def test_a_document_prints_the_issuing_body_the_motto_the_date_and_the_signature_in_vietnamese(
    commune, settings, tmp_path
):
    (tmp_path / "thu.html").write_text(
        '{% extends "documents/base.html" %}{% block body %}<p>Nội dung thử nghiệm.</p>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    head = head_for(
        commune, number="Số: 05/BC-UBND", title="BÁO CÁO", issued_on=date(2026, 1, 5), signer_role="CHỦ TỊCH",
        signer_on_behalf="TM. ỦY BAN NHÂN DÂN", signer_name="Trần Văn Nam", recipients=["Lưu: VT, VHXH."],
    )  # fmt: skip
    pdf = render_pdf("thu.html", {"head": head})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-UBND",
        "Tân Lợi, ngày 05 tháng 01 năm 2026",
        "BÁO CÁO",
        "Nội dung thử nghiệm.",
        "TM. ỦY BAN NHÂN DÂN",
        "Trần Văn Nam",
        commune.authority_name,
    ):
        assert expected in text, expected
