"""A case from intake to closure across three people: the officer, the chairman and the health station."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tanloi_portal.models import Hamlet, Role, Unit
from tests.e2e.conftest import log_in
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def child():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-3")
    commune = hamlet.commune
    UserFactory(username="officer", role=Role.OFFICER, commune=commune, password="mk-cb", full_name="Lê Thị Hoa")
    UserFactory(username="chairman", role=Role.CHAIRMAN, commune=commune, password="mk-ct", full_name="Trần Văn Nam")
    UserFactory(username="tramyte", role=Role.UNIT_STAFF, commune=commune, password="mk-yt",
                unit=Unit.objects.get(commune=commune, code="tram-y-te"))  # fmt: skip
    return ChildFactory(household=HouseholdFactory(hamlet=hamlet), full_name="Thạch Thị Sa Rum")


def _person(browser, base, username, password):
    context = browser.new_context(viewport=DESK, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, username, password)
    return page


def _open_case(page, base, case_pk):
    page.goto(f"{base}/ho-so/?tat-ca=1")  # closed cases too
    page.get_by_role("link", name=f"#{case_pk}", exact=True).click()


def _step(page, name):
    page.get_by_role("link", name=name, exact=True).click()


def test_intake_to_closure_across_the_officer_the_chairman_and_the_health_station(
    live_server, browser, child, screenshot
):
    base, today = live_server.url, timezone.localdate()
    officer = _person(browser, base, "officer", "mk-cb")

    # Step 1: the report comes in through Tổng đài 111.
    officer.goto(f"{base}/ho-so/tiep-nhan/")
    officer.get_by_label("Mô tả ban đầu").fill("Trẻ 6 tuổi ở nhà một mình nhiều ngày, thiếu ăn.")
    officer.get_by_label("Tìm trẻ trong sổ").fill("thach thi sa rum")  # typed without diacritics
    officer.get_by_role("button", name="Tìm").click()
    expect(officer.get_by_label("Mô tả ban đầu")).to_have_value("Trẻ 6 tuổi ở nhà một mình nhiều ngày, thiếu ăn.")
    officer.get_by_role("combobox", name="Trẻ", exact=True).select_option(value=str(child.pk))
    officer.get_by_label("Vấn đề được báo").select_option(label="Sao nhãng, bỏ rơi")
    officer.get_by_label("Nguồn tin").select_option(label="Tổng đài 111")
    received = timezone.localtime() - timedelta(hours=2)
    officer.get_by_label("Thời điểm tiếp nhận").fill(received.strftime("%d/%m/%Y %H:%M"))
    officer.get_by_label("Người báo tin (bảo mật)", exact=True).fill("Bà Sáu")
    officer.get_by_role("button", name="Lưu").click()
    expect(officer.get_by_text("Đã tiếp nhận hồ sơ")).to_be_visible()
    case = Case.objects.get(child=child)
    screenshot(officer, "case-01-received")

    # Step 2 (Mẫu 02): initial assessment; no immediate danger, so no emergency decision.
    _step(officer, "Đánh giá nguy cơ ban đầu (Mẫu 02)")
    officer.get_by_label("Mức độ nguy cơ").select_option(label="Trung bình")
    officer.get_by_label("Trẻ đang gặp nguy hiểm tức thời").select_option(label="Không")
    officer.get_by_label("Bị bỏ mặc, thiếu chăm sóc").check()
    officer.get_by_label("Trẻ hiện ở đâu, với ai").fill("Ở nhà bà ngoại, ấp 3")
    officer.get_by_role("button", name="Lưu").click()
    expect(officer.get_by_text("Đã ghi bước “Đánh giá nguy cơ ban đầu”.")).to_be_visible()

    # Step 4 (Mẫu 03): detailed assessment and needs meeting. A bad date keeps what was typed.
    _step(officer, "Đánh giá chi tiết, họp xác định nhu cầu (Mẫu 03)")
    officer.get_by_label("Ngày họp xác định nhu cầu").fill((today + timedelta(days=3)).strftime("%d/%m/%Y"))
    officer.get_by_label("Thành phần tham gia").fill("Công chức VH-XH, Trạm Y tế, trưởng ấp")
    officer.get_by_label("Chăm sóc sức khỏe").check()
    officer.get_by_label("Cấp độ bảo vệ").select_option(label="Hỗ trợ")
    officer.get_by_role("button", name="Lưu").click()
    expect(officer.get_by_text("Ngày không được ở tương lai.")).to_be_visible()
    expect(officer.get_by_label("Thành phần tham gia")).to_have_value("Công chức VH-XH, Trạm Y tế, trưởng ấp")
    officer.get_by_label("Ngày họp xác định nhu cầu").fill(today.strftime("%d/%m/%Y"))
    officer.get_by_role("button", name="Lưu").click()
    expect(officer.get_by_text("Đã ghi bước “Đánh giá chi tiết, họp xác định nhu cầu”.")).to_be_visible()

    # Step 5 (Mẫu 04): the plan, with a review date; the health station is given a task.
    _step(officer, "Xây dựng kế hoạch hỗ trợ, can thiệp (Mẫu 04)")
    officer.get_by_label("Mục tiêu").fill("Trẻ được chăm sóc đầy đủ")
    officer.get_by_label("Hoạt động, đơn vị thực hiện, thời gian").fill("Trạm Y tế khám dinh dưỡng trong tuần")
    officer.get_by_label("Ngày rà soát, đánh giá").fill((today + timedelta(days=30)).strftime("%d/%m/%Y"))
    officer.get_by_role("button", name="Lưu").click()
    officer.get_by_role("link", name="Phân công đơn vị").click()
    officer.get_by_label("Đơn vị").select_option(label="Trạm Y tế xã")
    officer.get_by_label("Nhiệm vụ").fill("Khám dinh dưỡng, tư vấn bà ngoại")
    officer.get_by_label("Hạn").fill((today + timedelta(days=5)).strftime("%d/%m/%Y"))
    officer.get_by_role("button", name="Lưu").click()
    expect(officer.get_by_text("Đã phân công Trạm Y tế xã.")).to_be_visible()
    screenshot(officer, "case-02-plan-drafted")

    # The chairman approves the plan (Mẫu 05): the case opens for them because a decision waits.
    chairman = _person(browser, base, "chairman", "mk-ct")
    _open_case(chairman, base, case.pk)
    expect(chairman.get_by_text("Bà Sáu")).to_have_count(0)  # never the reporter
    _step(chairman, "Phê duyệt kế hoạch (Mẫu 05)")
    # Both answers are on the page: approve (the button says so), or send the plan back with a reason.
    expect(chairman.get_by_role("link", name="Trả lại kế hoạch để xây dựng lại")).to_be_visible()
    chairman.get_by_label("Số quyết định phê duyệt").fill("21/QĐ-UBND")
    chairman.get_by_role("button", name="Phê duyệt kế hoạch").click()
    expect(chairman.get_by_text("Đã ghi bước “Phê duyệt kế hoạch”.")).to_be_visible()
    screenshot(chairman, "case-03-approved")

    # The officer starts the plan; the health station records its result from its inbox.
    _open_case(officer, base, case.pk)
    _step(officer, "Bắt đầu thực hiện kế hoạch")
    officer.get_by_role("button", name="Lưu").click()
    unit = _person(browser, base, "tramyte", "mk-yt")
    unit.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    unit.get_by_role("link", name="Khám dinh dưỡng, tư vấn bà ngoại").click()
    unit.get_by_label("Kết quả thực hiện").fill("Đã khám: suy dinh dưỡng nhẹ, hướng dẫn bà ngoại chế độ ăn")
    expect(unit.get_by_label("Đã hoàn thành")).not_to_be_checked()  # a progress note leaves the task open
    unit.get_by_label("Đã hoàn thành").check()
    unit.get_by_role("button", name="Lưu").click()
    expect(unit.get_by_text("Đã ghi kết quả.")).to_be_visible()
    expect(unit.get_by_text("Bà Sáu")).to_have_count(0)
    screenshot(unit, "case-04-task-result")

    # Review (officer), then closure (chairman).
    _open_case(officer, base, case.pk)
    _step(officer, "Rà soát, đánh giá")
    officer.get_by_role("combobox", name="Tình trạng của trẻ").select_option(label="Tiến triển tốt")
    officer.get_by_label("Đề xuất").select_option(label="Đề nghị đóng hồ sơ")
    officer.get_by_role("button", name="Lưu").click()
    _open_case(chairman, base, case.pk)
    _step(chairman, "Đóng hồ sơ")
    chairman.get_by_role("combobox", name="Kết quả").select_option(label="Trẻ an toàn, sống cùng gia đình")
    chairman.get_by_label("Tình trạng của trẻ khi đóng hồ sơ").fill("Trẻ tăng cân, đi học đều")
    expect(chairman.get_by_role("link", name="Không đóng hồ sơ, yêu cầu xây dựng lại kế hoạch")).to_be_visible()
    chairman.get_by_role("button", name="Đóng hồ sơ").click()
    expect(chairman.get_by_text("Đã ghi bước “Đóng hồ sơ”.")).to_be_visible()
    screenshot(chairman, "case-05-closed")
    chairman.get_by_role("link", name="Thống kê hồ sơ").click()
    expect(chairman.get_by_text("kế hoạch phê duyệt trong năm đúng hạn 7 ngày làm việc")).to_be_visible()
    expect(chairman.get_by_text("Thạch Thị Sa Rum")).to_have_count(0)  # figures only
    screenshot(chairman, "case-07-statistics")

    case.refresh_from_db()
    assert case.status == "closed" and case.outcome_kind == "safe_with_family"
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds == ["step", "step", "step", "step", "assignment", "step", "step", "task", "step", "step"]
    # The whole history, as printed, is in the timeline the officer sees.
    _open_case(officer, base, case.pk)
    timeline_text = "Đã khám: suy dinh dưỡng nhẹ, hướng dẫn bà ngoại chế độ ăn"
    expect(officer.get_by_text(timeline_text, exact=True)).to_be_visible()
    expect(officer.get_by_text("Đã đóng hồ sơ")).to_be_visible()
    screenshot(officer, "case-06-timeline")
