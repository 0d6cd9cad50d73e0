"""Each role's working day on the demo province, in Vietnamese and in English, one after the other as the work
passes between them: the officer, the health station, the chairman, the level above. Every step asserts what the
user sees, is saved as a screenshot and passes axe-core (tests/e2e/journey.py); the steps of each journey are
written to test-artifacts/journeys/. The collaborator's day on the phone is test_household_update_flow.py."""

import uuid
from datetime import date, timedelta

import openpyxl
import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from cases.models import Case, Task
from cases.services import case_step
from children.household_updates import APPROVE_LABELS, update_submit
from children.models import Child, HouseholdUpdate, VaccinationDose, Vaccine
from children.selectors import communes_visible_to
from demo.seed import seed_demo
from reports.models import ProgressReport
from tanloi_portal.models import Commune, User
from tanloi_portal.text import fold
from tests.e2e.journey import person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
IMPORT_HEADERS = ["Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính"]


@pytest.fixture
def province():
    """The demo province (Tân Lợi and one more commune) and, on top of the demo's own work: a plan drafted for
    a case (the chairman's decision) and a collaborator's safety concern (the officer's case to open)."""
    commune = Commune.objects.get(code="tan-loi")
    seed_demo(commune=commune, children=240, password="demo", communes=2)
    officer = User.objects.get(username="officer")
    case = Case.objects.get(commune=commune, status=Case.Status.DETAILED)
    case_step(case=case, action="draft_plan", by=officer, expected_version=case.version, text="",
              data={"objectives": "Trẻ an toàn ở nhà", "activities": "Công an xã và trưởng ấp thăm gia đình hằng tuần",
                    "review_on": timezone.localdate() + timedelta(days=30)})  # fmt: skip
    collaborator = User.objects.get(username="ctv-ap2")
    household = commune.households.filter(hamlet=collaborator.hamlet).order_by("pk").first()
    child = household.children.filter(status=Child.Status.LIVING).order_by("pk").first()
    update_submit(user=collaborator, household=household, kind=HouseholdUpdate.Kind.SAFETY_CONCERN,
                  data={"child": str(child.pk), "urgent": "False",
                        "description": "Trẻ nghỉ học ba ngày, trên tay có vết bầm."},
                  client_id=uuid.uuid4())  # fmt: skip
    return commune


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_of_the_commune_from_the_officer_to_the_level_above(
    live_server, browser, province, screenshot, tmp_path, language
):
    base = live_server.url
    steps = {
        "officer": _officer(browser, base, province, screenshot, tmp_path, language),
        "health": _health_station(browser, base, province, screenshot, language),
        "chairman": _chairman(browser, base, province, screenshot, language),
        "district": _level_above(browser, base, province, screenshot, language),
    }
    assert {who: len(s) for who, s in steps.items()} == {"officer": 9, "health": 5, "chairman": 6, "district": 5}


def _officer(browser, base, commune, screenshot, tmp_path, language):
    j = person(browser, base, "officer", "demo", language, viewport=DESKTOP, name="officer", screenshot=screenshot)
    page, t = j.page, j.t
    expect(page.locator("h1")).to_be_visible()
    waiting = (
        HouseholdUpdate.objects.filter(household__commune=commune, state="waiting")
        .exclude(kind="safety_concern")
        .count()
    )
    queue = "%(n)s cập nhật của cộng tác viên chờ duyệt"
    expect(page.locator("main")).to_contain_text(t(queue, queue, waiting, n=waiting))
    j.step("home: what waits")

    # An import with its preview, confirmed.
    workbook = openpyxl.Workbook()
    workbook.active.append(IMPORT_HEADERS)
    for i in range(3):
        row = [f"09-{i:04d}", f"Lâm Văn Nhập {i}", "Ấp 9", f"Lâm Thị Mới {i}", date(2019, 3, i + 1), "Nữ"]
        workbook.active.append(row)
    path = tmp_path / f"so-moi-{language}.xlsx"
    workbook.save(path)
    page.get_by_role("link", name=t("Danh sách trẻ em")).click()
    page.get_by_role("link", name=t("Nhập từ Excel")).click()
    page.get_by_label(t("Tệp Excel (.xlsx, tối đa 10 MB, 100.000 dòng)")).set_input_files(str(path))
    page.get_by_role("button", name=t("Tải lên và kiểm tra")).click()
    confirm = page.get_by_role("button", name=t("Xác nhận nhập toàn bộ tệp"))
    expect(confirm).to_be_visible(timeout=20_000)
    expect(page.get_by_role("cell", name="Lâm Thị Mới 0", exact=True)).to_be_visible()
    j.step("import: the preview")
    confirm.click()
    expect(page.get_by_text(t("Đã nhập toàn bộ tệp."))).to_be_visible(timeout=20_000)
    j.step("import: done")

    # A search typed without diacritics, then a growth record for the child found.
    living = Child.objects.filter(commune=commune, status=Child.Status.LIVING)
    child = living.filter(date_of_birth__range=(_years_ago(4), _years_ago(3))).order_by("pk").first()  # 13,4 kg fits
    page.get_by_role("link", name=t("Trẻ em"), exact=True).first.click()
    page.get_by_label(t("Tìm tên trẻ hoặc mã hộ")).fill(fold(child.full_name))
    page.get_by_label(t("Tìm tên trẻ hoặc mã hộ")).press("Enter")
    found = page.locator(f'a[href="/tre-em/{child.pk}/"]')
    expect(found).to_have_text(child.full_name)
    j.step("search without diacritics")
    found.click()
    page.get_by_role("tab", name=t("Sức khỏe")).click()
    page.locator(f'a[href="/tre-em/{child.pk}/can-do/them/"]').click()
    page.get_by_label(t("ngày cân đo")).fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_label(t("cân nặng (kg)")).fill("13,4" if language == "vi" else "13.4")
    page.get_by_role("button", name=t("Lưu")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert child.growthmeasurement_set.filter(weight_kg="13.4").exists()
    j.step("growth record saved")

    # The review queue: a new birth approved.
    page.get_by_role("link", name=t("Duyệt cập nhật")).first.click()
    birth = HouseholdUpdate.objects.filter(kind="new_birth", state="waiting", household__commune=commune).first()
    page.locator(f'a[href="/duyet-cap-nhat/{birth.pk}/"]').first.click()
    page.get_by_role("button", name=j.said(APPROVE_LABELS["new_birth"])).click()
    expect(page.locator(".alert-success")).to_be_visible()
    birth.refresh_from_db()
    assert birth.state == "approved"
    j.step("review: a new birth approved")

    # The collaborator's safety concern becomes a case, then a unit is assigned.
    page.get_by_role("link", name=t("Duyệt cập nhật")).first.click()
    concern = HouseholdUpdate.objects.get(kind="safety_concern", state="waiting", household__commune=commune)
    page.locator(f'a[href="/duyet-cap-nhat/{concern.pk}/"]').first.click()
    page.get_by_role("link", name=t("Tiếp nhận thành hồ sơ")).click()
    expect(page.get_by_label(t("Mô tả ban đầu"))).to_have_value("Trẻ nghỉ học ba ngày, trên tay có vết bầm.")
    page.get_by_label(t("Vấn đề được báo")).select_option(value="violence")
    page.get_by_role("button", name=t("Lưu")).click()
    case = Case.objects.filter(commune=commune).order_by("-pk").first()
    expect(page.get_by_text(t("Đã tiếp nhận hồ sơ #%(pk)s.", pk=case.pk))).to_be_visible()
    assert str(case.child_id) == str(concern.payload["child"])
    j.step("case received from the concern")
    page.get_by_role("link", name=t("Phân công đơn vị")).click()
    health = commune.units.get(code="tram-y-te")
    page.get_by_label(t("Đơn vị")).select_option(value=str(health.pk))
    page.get_by_label(t("Nhiệm vụ")).fill("Khám vết bầm, tư vấn gia đình")
    page.get_by_label(t("Hạn")).fill((timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name=t("Lưu")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Task.objects.filter(assignment__case=case, what="Khám vết bầm, tư vấn gia đình").exists()
    j.step("a unit assigned")

    # The half-year report, written and sent to the chairman.
    page.get_by_role("link", name=t("Trang chủ")).first.click()
    page.get_by_role("link", name=t("Báo cáo định kỳ")).click()
    page.get_by_label(t("Kỳ báo cáo")).select_option(value="1")  # the first half-year, over by now
    page.get_by_role("button", name=t("Soạn báo cáo")).click()
    page.get_by_role("button", name=t("Gửi Chủ tịch duyệt")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert ProgressReport.objects.filter(commune=commune, status=ProgressReport.Status.SUBMITTED).exists()
    j.step("half-year report sent to the chairman")
    return j.save()


def _health_station(browser, base, commune, screenshot, language):
    j = person(browser, base, "tramyte", "demo", language, viewport=DESKTOP, name="health", screenshot=screenshot)
    page, t = j.page, j.t
    expect(page.get_by_role("link", name="Khám vết bầm, tư vấn gia đình")).to_be_visible()
    expect(page.locator("main")).to_contain_text((timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y"))
    j.step("home: open tasks with their due dates")
    page.get_by_role("link", name=t("Thông báo")).first.click()
    expect(page.locator("main")).to_contain_text("Khám vết bầm, tư vấn gia đình")
    j.step("notices: the task assigned")

    page.get_by_role("link", name="Khám vết bầm, tư vấn gia đình").first.click()
    page.get_by_label(t("Kết quả thực hiện")).fill("Đã khám: vết bầm nhẹ, tư vấn cha mẹ")
    page.get_by_label(t("Đã hoàn thành")).check()
    page.get_by_role("button", name=t("Lưu")).click()
    expect(page.get_by_text(t("Đã ghi kết quả."))).to_be_visible()
    j.step("task result recorded")

    babies = Child.objects.filter(commune=commune, status=Child.Status.LIVING, date_of_birth__gte=_years_ago(1))
    child = babies.filter(vaccinationdose__isnull=True, date_of_birth__lt=timezone.localdate()).order_by("pk").first()
    given = VaccinationDose.objects.filter(child=child).count()
    for code, what in (("bcg", "first vaccination"), ("hepb_birth", "second vaccination")):
        page.goto(f"{base}/tre-em/{child.pk}/")
        page.get_by_role("tab", name=t("Sức khỏe")).click()
        page.locator(f'a[href="/tre-em/{child.pk}/tiem-chung/them/"]').click()
        page.get_by_label(t("vắc xin")).select_option(label=_vaccine_name(code, language))
        page.get_by_label(t("mũi thứ")).fill("1")
        page.get_by_label(t("ngày tiêm")).fill((child.date_of_birth + timedelta(days=1)).strftime("%d/%m/%Y"))
        page.get_by_role("button", name=t("Lưu")).click()
        expect(page.locator(".alert-success")).to_be_visible()
        j.step(what)
    assert VaccinationDose.objects.filter(child=child).count() == given + 2
    return j.save()


def _chairman(browser, base, commune, screenshot, language):
    j = person(browser, base, "chairman", "demo", language, viewport=DESKTOP, name="chairman", screenshot=screenshot)
    page, t = j.page, j.t
    expect(page.get_by_role("heading", name=t("Chỉ tiêu kế hoạch"))).to_be_visible()
    j.step("dashboard")
    waiting = page.locator('a[href$="?xem=chu-tich"]')
    decisions = "%(n)s hồ sơ chờ Chủ tịch quyết định"
    expect(waiting).to_have_text(t(decisions, decisions, 1, n=1))
    waiting.click()
    drafted = Case.objects.get(commune=commune, status=Case.Status.PLAN_DRAFTED)
    expect(page.get_by_role("link", name=f"#{drafted.pk}", exact=True)).to_be_visible()
    j.step("the cases awaiting a decision, exactly")
    page.get_by_role("link", name=f"#{drafted.pk}", exact=True).click()
    page.get_by_role("link", name=f"{t('Phê duyệt kế hoạch')} (Mẫu 05)").click()
    page.get_by_role("link", name=t("Trả lại kế hoạch để xây dựng lại")).click()
    page.get_by_label(t("Lý do trả lại kế hoạch")).fill("Kế hoạch cần thêm việc của nhà trường.")
    page.get_by_role("button", name=t("Trả lại kế hoạch để xây dựng lại")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    drafted.refresh_from_db()
    assert drafted.status == Case.Status.DETAILED
    j.step("plan sent back with a reason")

    page.get_by_role("link", name=t("Trang chủ")).first.click()
    waiting_reports = "%(n)s báo cáo chờ duyệt"
    page.get_by_role("link", name=t(waiting_reports, waiting_reports, 1, n=1)).click()
    report = ProgressReport.objects.get(commune=commune, status=ProgressReport.Status.SUBMITTED)
    page.locator(f'a[href="/bao-cao/{report.pk}/"]').click()
    page.get_by_role("button", name=t("Duyệt và ban hành")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ISSUED
    j.step("report approved and issued")

    page.get_by_role("link", name=t("Trang chủ")).first.click()
    page.get_by_role("link", name=t("Bảng tổng hợp gửi cấp trên")).click()
    page.get_by_role("button", name=t("Tổng hợp")).click()
    expect(page.get_by_role("link", name=t("Tải tệp Excel"))).to_be_visible(timeout=20_000)
    j.step("workbook ready")
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Tải tệp Excel")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    j.step("workbook downloaded")
    return j.save()


def _level_above(browser, base, commune, screenshot, language):
    j = person(browser, base, "district", "demo", language, viewport=DESKTOP, name="district", screenshot=screenshot)
    page, t = j.page, j.t
    communes = list(communes_visible_to(user=User.objects.get(username="district")).order_by("name"))
    assert len(communes) == 2
    for other in communes:  # a row of figures each, its name the link to its dashboard
        expect(page.locator(f'a[href^="?xa={other.code}&"]').first).to_have_text(other.name)
    j.step("home: the communes with their figures")
    for other in communes:
        page.locator(f'a[href^="?xa={other.code}&"]').first.click()
        expect(page.locator('[aria-current="true"]')).to_have_text(other.name)
        j.step(f"dashboard of {other.code}")
    page.get_by_role("link", name=t("Bảng tổng hợp gửi cấp trên (Excel)")).first.click()
    page.get_by_role("button", name=t("Tổng hợp")).click()
    expect(page.get_by_role("link", name=t("Tải tệp Excel"))).to_be_visible(timeout=30_000)
    expect(page.locator(".alert-success")).to_contain_text("2")
    j.step("workbook of both communes ready")
    # The registry's lists and records, a collaborator's update, a case and its printed file: figures only.
    child = Child.objects.filter(commune=commune).order_by("pk").first()
    update = HouseholdUpdate.objects.filter(household__commune=commune).order_by("pk").first()
    case = Case.objects.filter(commune=commune).order_by("pk").first()
    paths = ["/tre-em/", "/ho-gia-dinh/", "/ap-soc/", "/duyet-cap-nhat/", "/nhap-excel/", "/xuat-excel/tre-em/",
             f"/tre-em/{child.pk}/", f"/ho-gia-dinh/{child.household_id}/", f"/tre-em/{child.pk}/can-do/them/",
             f"/duyet-cap-nhat/{update.pk}/", "/ho-so/", "/ho-so/tiep-nhan/", f"/ho-so/{case.pk}/",
             f"/ho-so/{case.pk}/ban-in.pdf"]  # fmt: skip
    refused = {path: page.goto(f"{base}{path}").status for path in paths}
    assert refused == dict.fromkeys(paths, 403)
    expect(page.locator("main")).to_be_visible()  # the refusal is a page of the portal, not a bare error
    j.step("refused on every registry page")
    return j.save()


def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years)


def _vaccine_name(code: str, language: str) -> str:
    """The vaccine as the health station's select names it in that language."""
    with translation.override(language):
        return str(Vaccine.objects.get(code=code))
