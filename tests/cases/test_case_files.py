"""Attachments (kept outside the web root, served through the permission check, logged), notes and
corrections from the pages, assignment from the page, and the printable case file (PDF)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Attachment, Case
from cases.services import attachment_add, attachment_path, case_assign, case_step
from tanloi_portal.models import AccessLog
from tests.cases.conftest import DESCRIPTION
from tests.cases.steps import valid_form
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name="bien-ban.pdf", content=PDF, ctype="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=ctype)


# --- attachments ---------------------------------------------------------------------------------------------


def test_an_attachment_is_stored_outside_the_web_root_and_noted_on_the_timeline(case, users):
    attachment = attachment_add(case=case, by=users["officer"], upload=upload(), title="Biên bản ghi lời khai")
    path = attachment_path(attachment)
    assert path.read_bytes() == PDF and attachment.content_type == "application/pdf"
    assert path.is_relative_to(Path(settings.PRIVATE_ROOT))
    for public in (settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not path.is_relative_to(Path(public))
    assert case.timeline.filter(kind="attachment", data__attachment=attachment.pk).exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("a.pdf", b"<html><script>alert(1)</script>", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),  # named .pdf, is not
        ("a.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
        ("a.pdf", b"", "Tệp rỗng"),
    ],
)
def test_files_that_are_not_pdf_or_images_are_refused(case, users, name, content, message):
    with pytest.raises(ValidationError, match=message):
        attachment_add(case=case, by=users["officer"], upload=upload(name, content))
    assert not Attachment.objects.exists() and not case.timeline.filter(kind="attachment").exists()


def test_files_over_the_size_limit_are_refused(case, users, settings):
    settings.CASE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="lớn hơn"):
        attachment_add(case=case, by=users["officer"], upload=upload(content=PDF + b"0" * 1024))
    assert not Attachment.objects.exists()
    assert attachment_add(case=case, by=users["officer"], upload=upload("anh.png", PNG)).content_type == "image/png"


def test_only_the_officer_and_assigned_units_attach_files(case, users, commune):
    for who in ("chairman", "health", "ctv_a"):
        with pytest.raises(PermissionDenied):
            attachment_add(case=case, by=users[who], upload=upload())
    case_assign(case=case, unit=commune.units.get(code="tram-y-te"), by=users["officer"],
                tasks=[("Khám", timezone.localdate())])  # fmt: skip
    assert attachment_add(case=case, by=users["health"], upload=upload(), title="Kết quả khám").pk


def test_an_attachment_is_served_only_to_who_may_open_the_case_and_each_read_is_logged(case, users, client_for):
    attachment = attachment_add(case=case, by=users["officer"], upload=upload(), title="Biên bản")
    url = reverse("cases:attachment", args=[attachment.pk])
    response = client_for(users["officer"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    log = AccessLog.objects.get(object_type="cases.attachment", object_id=attachment.pk)
    assert log.user == users["officer"]
    # The school is not assigned; the chairman has no decision waiting (the case is at intake).
    assert client_for(users["school"]).get(url).status_code == 404
    assert client_for(users["chairman"]).get(url).status_code == 404
    reads = AccessLog.objects.filter(object_type="cases.attachment", object_id=attachment.pk).order_by("pk")
    assert [(e.user, e.action) for e in reads] == [
        (users["officer"], "view"),
        (users["school"], "refused"),  # the refusals are written down too, under the same record
        (users["chairman"], "refused"),
    ]


def _real_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("title, name", [("", "anh-"), ("Ảnh vết thương đùi", "anh-vet-thuong-dui-")])
def test_a_download_is_named_by_its_detected_type_never_by_the_uploaders_name(case, users, client_for, title, name):
    png = _real_png()
    attachment = attachment_add(case=case, by=users["officer"], title=title,
                                upload=upload("poly.html", png, "text/html"))  # fmt: skip
    response = client_for(users["officer"]).get(reverse("cases:attachment", args=[attachment.pk]))
    assert b"".join(response.streaming_content) == png
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{name}{attachment.pk}.png"'
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store" and response["Content-Security-Policy"] == "sandbox"
    assert not [header for header, value in response.items() if "html" in value.lower()]


def test_uploading_from_the_page_keeps_the_title_when_the_file_is_refused(case, users, client_for):
    officer = client_for(users["officer"])
    url = reverse("cases:attach", args=[case.pk])
    bad = officer.post(url, {"title": "Ảnh vết thương", "upload": upload("x.pdf", b"not a pdf")})
    assert bad.status_code == 200 and "Chỉ nhận tệp PDF, JPEG hoặc PNG" in bad.content.decode()
    assert 'value="Ảnh vết thương"' in bad.content.decode()
    good = officer.post(url, {"title": "Ảnh vết thương", "upload": upload("x.png", PNG, "image/png")})
    assert good.status_code == 302 and case.attachments.get().title == "Ảnh vết thương"


# --- notes, corrections, assignment from the pages -------------------------------------------------------------


def test_a_correction_from_the_page_leaves_the_corrected_line_as_it_was(case, users, client_for):
    first = case.timeline.get()
    response = client_for(users["officer"]).post(
        reverse("cases:note", args=[case.pk]),
        {"text": "Đính chính: hàng xóm báo lúc 7 giờ", "corrects": first.pk},
    )
    assert response.status_code == 302
    correction = case.timeline.get(kind="correction")
    assert correction.corrects == first and case.timeline.get(pk=first.pk).text == DESCRIPTION
    page = client_for(users["officer"]).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Đính chính dòng lúc" in page


def test_the_note_page_refuses_to_correct_a_line_of_another_case(case, users, client_for, open_case):
    other = open_case(name="Lê Văn Khác").timeline.get()
    response = client_for(users["officer"]).post(
        reverse("cases:note", args=[case.pk]), {"text": "Đính chính", "corrects": other.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["corrects"] == [
        f"Hãy chọn một lựa chọn hợp lệ. {other.pk} không phải là một trong các lựa chọn khả thi."
    ]
    assert not case.timeline.filter(kind__in=["note", "correction"]).exists()


def test_the_officer_assigns_a_unit_with_a_task_from_the_page(case, users, client_for, commune):
    health = commune.units.get(code="tram-y-te")
    url = reverse("cases:assign", args=[case.pk])
    early = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    bad = client_for(users["officer"]).post(url, {"unit": health.pk, "what": "Khám sức khỏe", "due_on": early})
    assert bad.status_code == 200 and "Hạn không được trước ngày tiếp nhận" in bad.content.decode()
    assert 'value="Khám sức khỏe"' in bad.content.decode() and not case.assignments.exists()
    due = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
    ok = client_for(users["officer"]).post(url, {"unit": health.pk, "what": "Khám sức khỏe", "due_on": due})
    assert ok.status_code == 302
    assert case.assignments.get().tasks.get().what == "Khám sức khỏe"
    inbox = client_for(users["health"]).get(reverse("cases:inbox")).content.decode()
    assert "Khám sức khỏe" in inbox


def test_units_of_another_commune_cannot_be_assigned(case, users, other_commune):
    with pytest.raises(ValidationError, match="không thuộc xã"):
        case_assign(case=case, unit=other_commune.units.get(), by=users["officer"], tasks=[])


# --- the printable case file ---------------------------------------------------------------------------------


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_case_file_is_a_pdf_in_the_official_format_with_the_forms_and_timeline(case, users, client_for):
    case.refresh_from_db()
    case_step(case=case, action="assess", by=users["officer"], expected_version=case.version,
              data=valid_form("assess", child_whereabouts="Ở với bà ngoại", immediate_danger=True))  # fmt: skip
    attachment_add(case=case, by=users["officer"], upload=upload(), title="Biên bản ghi lời khai")
    response = client_for(users["officer"]).get(reverse("cases:case-file", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content)
    for expected in (
        "ỦY BAN NHÂN DÂN\nXÃ TÂN LỢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {case.pk:02d}/HS-UBND",  # numbers below 10 take a leading zero
        f"Tân Lợi, ngày {timezone.localdate():%d} tháng",
        "HỒ SƠ TRƯỜNG HỢP TRẺ EM CẦN ĐƯỢC BẢO VỆ",
        "Trần Thị Bé",
        "Đánh giá nguy cơ ban đầu",
        "Ở với bà ngoại",
        "Biên bản ghi lời khai",
        "Nơi nhận:",
        "NGƯỜI LẬP HỒ SƠ",
    ):
        assert expected in text, expected
    # Every glyph, page numbers included, comes from Liberation Serif (metric-compatible with Times New Roman).
    fonts = _fonts(response.content)
    assert fonts and all("LiberationSerif" in name.replace("-", "") for name in fonts), fonts
    log = AccessLog.objects.get(object_type="cases.case", object_id=case.pk, action="print")
    assert log.user == users["officer"]


def test_the_case_file_is_in_vietnamese_for_an_english_reader(case, users, client_for):
    client = client_for(users["officer"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = _text(client.get(reverse("cases:case-file", args=[case.pk])).content)
    assert "Tiếp nhận thông tin, thông báo, tố giác" in text and "Bạo lực" in text and "Violence" not in text


def test_the_case_file_is_refused_like_the_case_page(case, users, client_for):
    url = reverse("cases:case-file", args=[case.pk])
    for who in ("school", "chairman"):  # not assigned; no decision waiting
        assert client_for(users[who]).get(url).status_code == 404
    assert client_for(users["ctv_a"]).get(url).status_code == 403
    assert not AccessLog.objects.filter(action="print").exists()


@pytest.mark.parametrize(
    "name, contact, shown",
    [("", "", "Không ghi"), ("Chị Năm", "", "Chị Năm"), ("", "0909000111", "0909000111"),
     ("Chị Năm", "0909000111", "Chị Năm, 0909000111")],
)  # fmt: skip
def test_the_reporter_line_is_marked_confidential_once_and_says_when_nobody_was_recorded(
    open_case, users, client_for, name, contact, shown
):
    case = open_case(reporter_name=name, reporter_contact=contact)
    text = _text(client_for(users["officer"]).get(reverse("cases:case-file", args=[case.pk])).content)
    lines = [line.strip() for line in text.splitlines()]  # the labels come out first, then the values
    assert "Người báo tin (bảo mật)" in lines and shown in lines
    assert text.count("bảo mật") == 1  # the label says it; "Không ghi" is not a confidential name


def test_the_demo_cases_record_no_placeholder_reporter(users, commune, hamlet_a, client_for):
    from cases.demo import demo_cases

    ChildFactory.create_batch(8, household=HouseholdFactory(hamlet=hamlet_a))
    demo_cases(commune=commune)
    cases = list(Case.objects.all())
    assert len(cases) == 4 and {(c.reporter_name, c.reporter_contact) for c in cases} == {("", "")}
    assert [c.reported_name for c in cases if c.child is None] == ["Bé Tí"]
    for case in cases:
        text = _text(client_for(users["officer"]).get(reverse("cases:case-file", args=[case.pk])).content)
        assert text.count("bảo mật") == 1 and "Không ghi" in text


def test_case_status_is_untouched_by_reading(case, users, client_for):
    client_for(users["officer"]).get(reverse("cases:case-file", args=[case.pk]))
    assert Case.objects.get(pk=case.pk).version == case.version
