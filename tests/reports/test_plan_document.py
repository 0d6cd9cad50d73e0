"""The plan as official documents: its words stored and edited by the officer, its PDF in the Nghị định 30
layout and its .docx, the command, who may have them, and the export log."""

import hashlib
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from indicators.models import Plan, PlanText
from indicators.reference_data import load_reference_data
from reports.documents.plan import plan_docx, plan_pdf
from tanloi_portal.models import ExportRecord
from tests.pdf import extents, fonts, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(commune) -> Plan:
    return Plan.objects.select_related("text").get(commune=commune)


@pytest.fixture(scope="module")
def pdf_text(django_db_blocker):
    with django_db_blocker.unblock():
        plan = Plan.objects.get(code="bvcste-2021-2030")
        pdf = plan_pdf(plan)
    return pdf, text_of(pdf)


def _targets(plan):
    from indicators.formatting import format_metric_value

    for metric in plan.indicators.order_by("number").prefetch_related("metrics__targets"):
        for m in metric.metrics.all():
            for target in m.targets.all():
                yield m, f"{m.get_direction_display()} {format_metric_value(target.value, m.unit)}"


def test_the_plan_is_seeded_with_its_words_and_the_seed_texts_slips_corrected(plan):
    text = plan.text
    assert text.grounds.startswith("Căn cứ Kế hoạch số 356/KH-UBND")
    assert "Tháng hành động Vì trẻ em" in text.activities
    assert "tiếp cận trẻ em, cha mẹ" in text.activities  # a sentence the seed broke over two paragraphs
    for slip in ("áp/sóc", "Phần đầu", "thị trấn", "các các", "Công tác viên", "khu phố"):
        for words in (text.grounds, text.purposes, text.general_objective, text.activities, text.solutions):
            assert slip not in words, slip
    assert text.recipient_list[-1] == "Khu dân cư ấp/sóc"


def test_the_plan_pdf_holds_the_head_every_indicator_with_its_targets_the_recipients_and_the_signature(plan, pdf_text):
    _pdf, text = pdf_text
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ TÂN LỢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/KH-UBND",
        "KẾ HOẠCH Tăng cường công tác bảo vệ, chăm sóc trẻ em",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. MỤC TIÊU",
        "III. CÁC HOẠT ĐỘNG TRỌNG TÂM",
        "IV. CÁC GIẢI PHÁP",
        "V. TỔ CHỨC THỰC HIỆN",
        "định hướng đến năm 2030./.",
        "Nơi nhận:",
        "- TT Đảng ủy, HĐND xã;",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Lê Viết Truyền",
        "DỰ THẢO",  # no number and date yet: a draft
    ):
        assert expected in text, expected
    for indicator in plan.indicators.order_by("number"):
        sentence = " ".join(indicator.plan_text.rstrip(" ;.").split())
        assert f"Chỉ tiêu {indicator.number}: {sentence}" in text, indicator.number
    for metric, target in _targets(plan):
        assert target in text, (metric.code, target)
    for unit in plan.commune.units.exclude(tasks=""):
        assert unit.name in text


def test_the_plan_pdf_is_a4_with_the_margins_and_embedded_fonts(pdf_text):
    pdf, _text = pdf_text
    pages = extents(pdf)
    portrait = [p for p in pages if p.height > p.width]
    landscape = [p for p in pages if p.width > p.height]
    assert len(portrait) >= 5 and landscape  # the appendix table on landscape pages
    for page in portrait:
        assert (round(page.width), round(page.height)) == (210, 297)
        # Within half a millimetre: a justified line's last glyph may overhang its advance by a hair.
        assert 30 - 0.5 <= page.left <= 35 and page.right >= 15 - 0.5 and page.top >= 20 - 0.5, page
        assert page.bottom >= 20 - 0.2, page
    used = fonts(pdf)
    assert all(used.values()) and all("LiberationSerif" in n.replace("-", "") for n in used), used


def test_the_docx_says_what_the_pdf_says_in_the_same_layout(plan, pdf_text):
    document = Document(io.BytesIO(plan_docx(plan)))
    section = document.sections[0]

    def mm(*lengths):  # Word stores twentieths of a point: compare to a tenth of a millimetre
        return tuple(round(length.mm, 1) for length in lengths)

    assert mm(section.page_width, section.page_height) == (210, 297)
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (20, 20, 30, 15)
    assert section.different_first_page_header_footer  # page numbers from page 2
    assert 'w:instr="PAGE"' in section.header._element.xml
    words = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            words += [cell.text for cell in row.cells]
    text = " ".join(" ".join(words).split())
    _pdf, pdf_words = pdf_text
    for indicator in plan.indicators.order_by("number"):
        assert f"Chỉ tiêu {indicator.number}:" in text
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:",
                     "- Lưu: VT, VHXH.", "TM. ỦY BAN NHÂN DÂN", "định hướng đến năm 2030./."):  # fmt: skip
        assert expected in text and expected in pdf_words, expected
    for _metric, target in _targets(plan):
        assert target in text


def test_the_officer_edits_the_words_and_the_documents_follow(plan, users, client_for):
    officer = client_for(users["officer"])
    page = officer.get(reverse("indicators:plan-text"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(number="120/KH-UBND", issued_on="15/03/2024", closing="Trên đây là Kế hoạch đã sửa của xã./.")
    response = officer.post(reverse("indicators:plan-text"), data)
    assert response.status_code == 302
    text = PlanText.objects.get(plan=plan)
    assert (text.number, text.issued_on, text.updated_by) == ("120/KH-UBND", date(2024, 3, 15), users["officer"])
    assert text.history.count() == 2
    pdf = text_of(officer.get(reverse("plan-pdf")).content)
    assert "Số: 120/KH-UBND Tân Lợi, ngày 15 tháng 3 năm 2024" in pdf
    assert "Trên đây là Kế hoạch đã sửa của xã./." in pdf
    assert "DỰ THẢO" not in pdf  # numbered and dated: issued
    # A plan of 2024 is signed under the chain of its time and keeps its own recipients.
    assert "Phòng Lao động - Thương binh và Xã hội huyện Hớn Quản" in pdf
    # Loading the plan file again leaves the officer's words alone.
    load_reference_data()
    assert PlanText.objects.get(plan=plan).number == "120/KH-UBND"


def test_a_bad_edit_changes_nothing_and_keeps_what_was_typed(plan, users, client_for):
    officer = client_for(users["officer"])
    form = officer.get(reverse("indicators:plan-text")).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(number="120/KH-UBND", issued_on="31/02/2024", solutions="Giải pháp mới đã gõ.")
    response = officer.post(reverse("indicators:plan-text"), data)
    assert response.status_code == 200
    assert "Giải pháp mới đã gõ." in response.content.decode()
    assert response.context["form"].errors["issued_on"]
    assert PlanText.objects.get(plan=plan).number == ""
    data.update(issued_on="")
    response = officer.post(reverse("indicators:plan-text"), data)
    assert "Kế hoạch đã có số thì ghi cả ngày ban hành." in response.content.decode()


@pytest.mark.parametrize("role", ["chairman", "district", "ctv_a", "health"])
def test_only_the_officer_edits_the_words(plan, users, client_for, role):
    response = client_for(users[role]).post(reverse("indicators:plan-text"), {"number": "1/KH-UBND"})
    assert response.status_code in (403, 404)
    assert PlanText.objects.get(plan=plan).number == ""


@pytest.mark.parametrize(("role", "allowed"), [("officer", True), ("chairman", True), ("district", False),
                                               ("ctv_a", False), ("health", False)])  # fmt: skip
def test_the_plan_documents_are_the_officers_and_the_chairmans_and_each_is_logged(
    plan, users, client_for, role, allowed
):
    client = client_for(users[role])
    for name, kind in (("plan-pdf", "application/pdf"), ("plan-docx", "wordprocessingml")):
        response = client.get(reverse(name))
        if not allowed:
            assert response.status_code == 403
            continue
        assert response.status_code == 200 and kind in response["Content-Type"]
        record = ExportRecord.objects.filter(user=users[role], kind=ExportRecord.Kind.PLAN).latest("at")
        assert record.sha256 == hashlib.sha256(response.content).hexdigest()
        assert record.size == len(response.content) and record.commune == plan.commune
    assert ExportRecord.objects.filter(user=users[role]).count() == (2 if allowed else 0)


def test_the_plan_page_links_the_documents_for_those_who_may_have_them(plan, users, client_for):
    assert reverse("plan-pdf") in client_for(users["officer"]).get(reverse("indicators:plan")).content.decode()
    assert (
        reverse("indicators:plan-text") in client_for(users["officer"]).get(reverse("indicators:plan")).content.decode()
    )
    chairman = client_for(users["chairman"]).get(reverse("indicators:plan")).content.decode()
    assert reverse("plan-pdf") in chairman and reverse("indicators:plan-text") not in chairman
    assert reverse("plan-pdf") not in client_for(users["health"]).get(reverse("indicators:plan")).content.decode()


def test_render_plan_writes_the_pdf_and_the_docx(plan, tmp_path):
    call_command("render_plan", "--out", str(tmp_path / "ke-hoach.pdf"), stdout=io.StringIO())
    assert "Chỉ tiêu 24:" in text_of((tmp_path / "ke-hoach.pdf").read_bytes())
    call_command("render_plan", "--out", str(tmp_path / "ke-hoach.docx"), stdout=io.StringIO())
    assert any("Chỉ tiêu 24:" in p.text for p in Document(str(tmp_path / "ke-hoach.docx")).paragraphs)
    with pytest.raises(CommandError, match="Không có xã"):
        call_command("render_plan", "--out", str(tmp_path / "x.pdf"), "--commune", "khong-co")
    with pytest.raises(CommandError, match="Không ghi được"):
        call_command("render_plan", "--out", str(tmp_path / "khong-co" / "x.pdf"))
