"""The periodic report: written by the officer (prefilled from the last period's), previewed, submitted,
sent back with a reason or approved by the chairman, issued with its number, its stored PDF and its frozen
figures, downloaded byte for byte for ever, corrected by a new version; who may do what; the export log."""

import hashlib
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from children.models import BirthRegistration
from reports.models import ProgressReport
from reports.services import report_issue, report_start, report_submit
from tanloi_portal.models import ExportRecord
from tests.factories import ChildFactory, HouseholdFactory
from tests.pdf import extents, fonts, text_of

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def registry(hamlet_a, hamlet_b):
    """Four under-fives of two hamlets, three with a registered birth."""
    children = [
        ChildFactory(household=HouseholdFactory(hamlet=hamlet), date_of_birth=date(2022, 3, 1), sex=sex)
        for hamlet, sex in ((hamlet_a, "F"), (hamlet_a, "M"), (hamlet_b, "F"), (hamlet_b, "M"))
    ]
    for child in children[:3]:
        BirthRegistration.objects.create(child=child, registered_on=date(2022, 3, 20))
    return children


def _start(users, client, **period):
    response = client.post(reverse("report-list"), {"year": YEAR, "half": 0, **period})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ProgressReport.objects.latest("pk")


def _texts(client, report, **changes):
    form = client.get(reverse("report-detail", args=[report.pk])).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(changes)
    return client.post(reverse("report-detail", args=[report.pk]), data)


def _issue(users, client_for, report):
    client_for(users["officer"]).post(reverse("report-submit", args=[report.pk]))
    client_for(users["chairman"]).post(reverse("report-decide", args=[report.pk]), {"decision": "issue"})
    report.refresh_from_db()
    return report


def test_the_officer_writes_submits_the_chairman_sends_back_then_approves_and_the_report_is_issued(
    users, client_for, registry
):
    officer, chairman = client_for(users["officer"]), client_for(users["chairman"])
    report = _start(users, officer)
    assert report.status == ProgressReport.Status.DRAFT
    response = _texts(officer, report, strengths="Các ban ngành phối hợp chặt chẽ.", objective_1="Tiêm chủng tốt.",
                      requests="Đề nghị tỉnh hỗ trợ kinh phí.")  # fmt: skip
    assert response.status_code == 302
    preview = text_of(officer.get(reverse("report-preview", args=[report.pk])).content)
    assert "DỰ THẢO" in preview and "Các ban ngành phối hợp chặt chẽ." in preview
    officer.post(reverse("report-submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    # Sending back needs a reason; the report stays submitted without one.
    chairman.post(reverse("report-decide", args=[report.pk]), {"decision": "return", "reason": " "})
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    chairman.post(reverse("report-decide", args=[report.pk]), {"decision": "return", "reason": "Bổ sung nguyên nhân."})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ProgressReport.Status.RETURNED, "Bổ sung nguyên nhân.")
    assert "Bổ sung nguyên nhân." in officer.get(reverse("report-detail", args=[report.pk])).content.decode()
    _texts(officer, report, strengths="Các ban ngành phối hợp chặt chẽ.", causes="Thiếu kinh phí.")
    report = _issue(users, client_for, report)
    assert report.status == ProgressReport.Status.ISSUED
    assert (report.number, report.issued_on, report.decided_by) == ("01/BC-UBND", date.today(), users["chairman"])
    assert report.sha256 == hashlib.sha256(bytes(report.pdf)).hexdigest()
    assert report.figures["period"] == str(YEAR) and report.figures["start"] == f"{YEAR - 1}-12-15"


def test_the_issued_pdf_holds_the_head_every_metric_the_recipients_the_signature_and_the_ending(
    users, client_for, registry
):
    officer = client_for(users["officer"])
    report = _start(users, officer)
    _texts(officer, report, grounds="Căn cứ Kế hoạch của Ủy ban nhân dân xã;", directions="Tiếp tục rà soát.")
    report = _issue(users, client_for, report)
    pdf = bytes(report.pdf)
    text = text_of(pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: 01/BC-UBND Tân Lợi, ngày {date.today():%d}",
        "BÁO CÁO Kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2025",
        # The period ended on 14/12/2025: the province's recipients, not the district's.
        "Kính gửi: - Ủy ban nhân dân tỉnh Đồng Nai; - Sở Y tế tỉnh Đồng Nai.",
        "I. TÌNH HÌNH TRẺ EM TRÊN ĐỊA BÀN",
        "Tính đến ngày 14/12/2025, toàn xã có 4 trẻ em dưới 16 tuổi (nam 2, nữ 2)",
        "3/4 trẻ em dưới 5 tuổi đã được đăng ký khai sinh",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
        "Tiếp tục rà soát.",
        "Nơi nhận:",
        "- Sở Y tế tỉnh Đồng Nai;",
        "- Lưu: VT, VHXH.",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        "Lê Viết Truyền",
        "./.",
        "Phụ lục I",
        "(Kèm theo Báo cáo số 01/BC-UBND",
        "Số liệu từ ngày 15/12/2024 đến ngày 14/12/2025",
        "Phụ lục II",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text and "huyện" not in text
    for figure in report.figures["figures"]:
        assert figure["name"] in text, figure["code"]
    assert "75%" in text  # indicator 14: 3 of 4 under-fives
    portrait = [page for page in extents(pdf) if page.height > page.width]
    for page in portrait:
        assert 30 - 0.5 <= page.left <= 35 and page.right >= 15 - 0.5 and page.top >= 20 - 0.5, page
    used = fonts(pdf)
    assert used and all(used.values())


def test_an_issued_report_downloads_byte_for_byte_as_issued_after_the_registry_changes(
    users, client_for, registry, hamlet_a
):
    officer = client_for(users["officer"])
    report = _issue(users, client_for, _start(users, officer))
    issued, figures = bytes(report.pdf), report.figures
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2023, 1, 1))
    BirthRegistration.objects.filter(child=registry[0]).delete()
    for user in ("officer", "chairman", "district"):
        response = client_for(users[user]).get(reverse("report-download", args=[report.pk]))
        assert response.status_code == 200 and response.content == issued, user
    report.refresh_from_db()
    assert report.figures == figures
    # A fresh draft of the same period would count differently: the issued one does not move.
    assert "5 trẻ em dưới 16 tuổi" not in text_of(issued)


def test_a_correction_is_a_new_version_and_never_overwrites(users, client_for, registry):
    officer = client_for(users["officer"])
    first = _issue(users, client_for, _start(users, officer))
    pdf = bytes(first.pdf)
    officer.post(reverse("report-correct", args=[first.pk]))
    correction = ProgressReport.objects.get(supersedes=first)
    assert (correction.version, correction.status) == (2, ProgressReport.Status.DRAFT)
    _texts(officer, correction, causes="Đính chính số liệu vụ việc.")
    correction = _issue(users, client_for, correction)
    first.refresh_from_db()
    assert bytes(first.pdf) == pdf and first.number == "01/BC-UBND"
    assert correction.number == "02/BC-UBND"
    assert "Đính chính số liệu vụ việc." in text_of(bytes(correction.pdf))
    # A period already issued is corrected, not started again; a second correction of the same one is refused.
    with pytest.raises(ValidationError):
        report_start(commune=first.commune, year=YEAR, half=0, by=users["officer"])
    response = officer.post(reverse("report-correct", args=[first.pk]), follow=True)
    assert "đã có bản đính chính" in response.content.decode()


def test_a_new_report_is_prefilled_from_the_last_periods(users, client_for, registry):
    officer = client_for(users["officer"])
    first = _start(users, officer)
    _texts(officer, first, directions="Rà soát trẻ em có hoàn cảnh đặc biệt.", objective_2="Không có vụ xâm hại.")
    second = _start(users, officer, year=YEAR + 1, half=1)
    assert (second.year, second.half) == (YEAR + 1, 1)
    assert second.directions == "Rà soát trẻ em có hoàn cảnh đặc biệt."
    assert second.objective_texts["2"] == "Không có vụ xâm hại."
    # Starting the same period again opens the one being written.
    assert _start(users, officer, year=YEAR + 1, half=1).pk == second.pk


def test_the_half_year_report_counts_the_ndo9_half_year(users, client_for, registry):
    officer = client_for(users["officer"])
    report = _issue(users, client_for, _start(users, officer, year=2026, half=1))
    assert (report.figures["start"], report.figures["end"]) == ("2025-12-15", "2026-06-14")
    assert "6 tháng đầu năm 2026" in text_of(bytes(report.pdf))


def test_the_docx_is_set_from_the_frozen_figures(users, client_for, registry):
    report = _issue(users, client_for, _start(users, client_for(users["officer"])))
    response = client_for(users["district"]).get(reverse("report-download", args=[report.pk]) + "?dinh-dang=docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    paragraphs = " ".join(p.text for p in document.paragraphs)
    assert "Số: 01/BC-UBND" in cells and "Phụ lục I" in paragraphs and "75%" in cells


def test_who_may_do_what(users, client_for, registry):
    officer, chairman = client_for(users["officer"]), client_for(users["chairman"])
    report = _start(users, officer)
    district = client_for(users["district"])
    # The level above sees no draft and cannot start, edit or decide.
    assert district.get(reverse("report-detail", args=[report.pk])).status_code == 404
    assert district.post(reverse("report-list"), {"year": YEAR, "half": 0}).status_code == 403
    assert district.post(reverse("report-decide", args=[report.pk]), {"decision": "issue"}).status_code == 403
    # The chairman cannot write the officer's text; the officer cannot approve.
    assert chairman.post(reverse("report-detail", args=[report.pk]), {"strengths": "x"}).status_code == 403
    officer.post(reverse("report-submit", args=[report.pk]))
    assert officer.post(reverse("report-decide", args=[report.pk]), {"decision": "issue"}).status_code == 403
    with pytest.raises(PermissionDenied):
        report_issue(report=report, by=users["officer"])
    for role in ("ctv_a", "health"):
        client = client_for(users[role])
        for name in ("report-detail", "report-preview", "report-download"):
            assert client.get(reverse(name, args=[report.pk])).status_code == 403, (role, name)
        assert client.get(reverse("report-list")).status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    # Issued, it is the level above's to read and download; still not to correct.
    report_issue(report=report, by=users["chairman"])
    assert district.get(reverse("report-detail", args=[report.pk])).status_code == 200
    assert district.post(reverse("report-correct", args=[report.pk])).status_code == 403


def test_a_report_of_another_commune_is_a_404(users, client_for, other_commune, registry):
    from tests.factories import UserFactory

    stranger = UserFactory(username="officer-2", role="officer", commune=other_commune)
    report = report_start(commune=users["officer"].commune, year=YEAR, half=0, by=users["officer"])
    assert client_for(stranger).get(reverse("report-detail", args=[report.pk])).status_code == 404


def test_every_download_is_in_the_export_log(users, client_for, registry):
    officer = client_for(users["officer"])
    report = _start(users, officer)
    preview = officer.get(reverse("report-preview", args=[report.pk]))
    report = _issue(users, client_for, report)
    issued = client_for(users["district"]).get(reverse("report-download", args=[report.pk]))
    records = list(ExportRecord.objects.filter(kind=ExportRecord.Kind.REPORT).order_by("at"))
    assert [r.user for r in records] == [users["officer"], users["district"]]
    assert records[0].sha256 == hashlib.sha256(preview.content).hexdigest()
    assert records[1].sha256 == report.sha256 == hashlib.sha256(issued.content).hexdigest()
    assert records[1].period == str(YEAR) and records[1].commune == report.commune


def test_progress_report_writes_the_issued_file_or_a_draft(users, client_for, registry, tmp_path):
    report = _issue(users, client_for, _start(users, client_for(users["officer"])))
    call_command("progress_report", "--period", str(YEAR), "--out", str(tmp_path / "bc.pdf"), stdout=io.StringIO())
    assert (tmp_path / "bc.pdf").read_bytes() == bytes(report.pdf)
    call_command("progress_report", "--period", "2026-H1", "--out", str(tmp_path / "dt.pdf"), stdout=io.StringIO())
    assert "DỰ THẢO" in text_of((tmp_path / "dt.pdf").read_bytes())
    call_command("progress_report", "--period", str(YEAR), "--out", str(tmp_path / "bc.docx"), stdout=io.StringIO())
    assert Document(str(tmp_path / "bc.docx")).tables
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("progress_report", "--period", "2026-H3", "--out", str(tmp_path / "x.pdf"))


def test_a_bad_period_is_a_message_not_an_error(users, client_for):
    response = client_for(users["officer"]).post(reverse("report-list"), {"year": "abc", "half": 7})
    assert response.status_code == 400 and response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_submitting_twice_is_refused_with_a_message(users, client_for, registry):
    officer = client_for(users["officer"])
    report = _start(users, officer)
    report_submit(report=report, by=users["officer"])
    response = officer.post(reverse("report-submit", args=[report.pk]), follow=True)
    assert "Chờ Chủ tịch duyệt" in response.content.decode()
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED


def test_the_homes_say_what_waits(users, client_for, registry):
    officer, chairman = client_for(users["officer"]), client_for(users["chairman"])
    report = _start(users, officer)
    officer.post(reverse("report-submit", args=[report.pk]))
    assert "1 báo cáo chờ duyệt" in chairman.get(reverse("home-chairman")).content.decode()
    chairman.post(reverse("report-decide", args=[report.pk]), {"decision": "return", "reason": "Bổ sung số liệu."})
    assert "1 báo cáo chờ duyệt" not in chairman.get(reverse("home-chairman")).content.decode()
    assert "1 báo cáo bị trả lại" in officer.get(reverse("home-officer")).content.decode()


def test_an_issued_report_cannot_be_reverted_or_changed_by_any_path(users, client_for, registry):
    from django.contrib.auth import get_user_model

    from reports.models import IssuedReportError

    report = _issue(users, client_for, _start(users, client_for(users["officer"])))
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x", role="admin")
    client = client_for(admin)
    version = report.history.order_by("history_date").first()  # the draft it was
    url = reverse("admin:reports_progressreport_simple_history", args=[report.pk, version.history_id])
    assert client.get(url).status_code == 200  # a past version may be read
    assert client.post(url, {}).status_code == 403
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ISSUED and bytes(report.pdf)
    report.causes = "đổi"
    with pytest.raises(IssuedReportError):
        report.save()


def test_a_commune_without_a_plan_is_told_so(users, client_for, other_commune):
    from tests.factories import UserFactory

    officer = UserFactory(username="officer-2", role="officer", commune=other_commune)
    response = client_for(officer).post(reverse("report-list"), {"year": YEAR, "half": 0})
    assert response.status_code == 400 and "Xã chưa có kế hoạch" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_the_new_report_starts_from_the_latest_period_that_ended_before_it(users, client_for, registry):
    officer = client_for(users["officer"])
    half_year = _start(users, officer, year=2026, half=1)
    _texts(officer, half_year, directions="Sáu tháng đầu năm 2026.")
    year = _start(users, officer, year=2026, half=0)
    _texts(officer, year, directions="Cả năm 2026.")
    # (the page offers years up to this one; the service takes any)
    later = report_start(commune=year.commune, year=2027, half=1, by=users["officer"])
    assert later.directions == "Cả năm 2026."  # the year's report ends after its own first half
    earlier = _start(users, officer, year=2025, half=0)
    assert earlier.directions == ""  # nothing ended before 2025: a later period is never copied back


def test_a_report_is_issued_only_after_its_period_ends(users, client_for, registry):
    officer, chairman = client_for(users["officer"]), client_for(users["chairman"])
    report = report_start(commune=users["officer"].commune, year=date.today().year + 1, half=1, by=users["officer"])
    officer.post(reverse("report-submit", args=[report.pk]))
    response = chairman.post(reverse("report-decide", args=[report.pk]), {"decision": "issue"})
    assert response.status_code == 400 and "Kỳ báo cáo chưa kết thúc" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED and not report.number


def test_the_issued_reports_names_are_frozen_with_its_figures(users, client_for, registry, commune):
    from tanloi_portal.models import ReportingChain

    report = _issue(users, client_for, _start(users, client_for(users["officer"])))
    ReportingChain.objects.filter(commune=commune, valid_until__isnull=True).update(signer_name="Người Ký Mới")
    commune.report_cutoff = "calendar"
    commune.save(update_fields=["report_cutoff"])
    district = client_for(users["district"])
    docx = Document(io.BytesIO(district.get(reverse("report-download", args=[report.pk]) + "?dinh-dang=docx").content))
    cells = " ".join(c.text for t in docx.tables for r in t.rows for c in r.cells)
    assert "Lê Viết Truyền" in cells and "Người Ký Mới" not in cells
    page = district.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Số liệu từ ngày 15/12/2024 đến ngày 14/12/2025" in page


def test_only_the_communes_officer_writes_and_submits(users, client_for, registry):
    from django.core.exceptions import PermissionDenied as Refused

    from reports.services import report_save

    report = _start(users, client_for(users["officer"]))
    for who in ("chairman", "district", "ctv_a"):
        with pytest.raises(Refused):
            report_save(report=report, by=users[who], objective_texts={}, causes="x")
        with pytest.raises(Refused):
            report_submit(report=report, by=users[who])


def test_a_report_issued_by_a_chairman_reading_english_freezes_the_vietnamese_names(users, client_for, registry):
    """The figures frozen on issue are the document's: issued from the English interface, they still carry the
    plan's Vietnamese names (reports.services.report_data is built in Vietnamese)."""
    from indicators.models import Metric

    report = _start(users, client_for(users["officer"]))
    client_for(users["officer"]).post(reverse("report-submit", args=[report.pk]))
    chairman = client_for(users["chairman"])
    chairman.post(reverse("set_language"), {"language": "en", "next": "/"})
    chairman.post(reverse("report-decide", args=[report.pk]), {"decision": "issue"})
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ISSUED
    metric = Metric.objects.get(indicator__plan__commune=report.commune, code="1")
    names = [f["name"] for f in report.figures["figures"] if f["code"] == "1"]
    assert names == [metric.title_vi] and metric.title_en != metric.title_vi
