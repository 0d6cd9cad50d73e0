"""A collaborator on a 360 px phone reports a new birth, losing the connection once; the officer approves it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from children.models import Child, HouseholdUpdate
from tanloi_portal.models import Hamlet, Role
from tests.e2e.conftest import PHONE, log_in
from tests.factories import HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    household = HouseholdFactory(hamlet=hamlet, code="01-00042", head="Nguyễn Văn Hùng")
    UserFactory(username="ctv-ap1", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv")
    UserFactory(username="officer", role=Role.OFFICER, password="mat-khau-cb", full_name="Nguyễn Thị Hồng")
    return household


def test_collaborator_reports_a_birth_offline_then_online_and_the_officer_approves(
    live_server, browser, cast, screenshot
):
    born = (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y")
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv")
    page.get_by_role("link", name="Hộ gia đình trong ấp").click()
    page.get_by_role("link", name="01-00042").click()
    page.get_by_role("link", name="Báo thay đổi").click()
    screenshot(page, "update-01-choose-kind")
    page.get_by_role("link", name="Trẻ mới sinh").click()

    page.get_by_label("Họ và tên trẻ").fill("Nguyễn Thị Bé Na")
    page.get_by_label("Nữ").check()
    page.get_by_label("Ngày sinh").fill(born)
    page.get_by_label("Có").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "update-02-form-filled")

    # The connection drops as she sends: nothing is lost, the page says so and offers to send again.
    phone.set_offline(True)
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_text("Mất kết nối")).to_be_visible()
    expect(page.get_by_label("Họ và tên trẻ")).to_have_value("Nguyễn Thị Bé Na")
    screenshot(page, "update-03-offline")
    assert HouseholdUpdate.objects.count() == 0

    # Even a reload keeps what was typed (it is in the phone's storage).
    phone.set_offline(False)
    page.reload()
    expect(page.get_by_label("Họ và tên trẻ")).to_have_value("Nguyễn Thị Bé Na")
    expect(page.get_by_text("Đã khôi phục")).to_be_visible()
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_text("Đã gửi. Cán bộ xã sẽ xem và duyệt.")).to_be_visible()
    expect(page.get_by_text("Chờ duyệt")).to_be_visible()
    screenshot(page, "update-04-sent")
    assert HouseholdUpdate.objects.count() == 1
    phone.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    office = desk.new_page()
    log_in(office, live_server.url, "officer", "mat-khau-cb")
    expect(office.get_by_text("1 cập nhật của cộng tác viên chờ duyệt")).to_be_visible()
    office.get_by_role("link", name="Duyệt", exact=True).click()
    office.get_by_role(
        "link", name=timezone.localtime(HouseholdUpdate.objects.get().submitted_at).strftime("%d/%m/%Y")
    ).click()
    expect(office.get_by_text("Nguyễn Thị Bé Na")).to_be_visible()
    screenshot(office, "update-05-review")
    office.get_by_role("button", name="Duyệt: thêm trẻ vào sổ").click()
    expect(office.get_by_text("Đã duyệt và cập nhật sổ.")).to_be_visible()
    screenshot(office, "update-06-approved")
    desk.close()

    child = Child.objects.get(full_name="Nguyễn Thị Bé Na")
    assert child.household == cast and child.birth_registration is not None


def test_collaborator_is_questioned_about_an_implausible_measurement_and_sends_it_anyway(
    live_server, browser, cast, screenshot
):
    from children.models import GrowthMeasurement
    from tests.factories import ChildFactory

    today = timezone.localdate()
    born = today - timedelta(days=525)  # 17 months
    toddler = ChildFactory(household=cast, full_name="Nguyễn Văn Tí", sex="M", date_of_birth=born)
    GrowthMeasurement.objects.create(child=toddler, measured_on=today, weight_kg=11, height_cm=85)
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv")
    page.goto(f"{live_server.url}/ctv/ho/{cast.pk}/bao-cao/growth/")
    page.get_by_label("Trẻ").select_option(str(toddler.pk))
    page.get_by_label("Ngày cân đo").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Cân nặng (kg)").fill("45")
    page.get_by_label("Chiều cao (cm)").fill("60")
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_text("cân nặng 45 kg không hợp với trẻ 17 tháng tuổi", exact=False)).to_be_visible()
    expect(page.get_by_label("Cân nặng (kg)")).to_have_value("45")
    screenshot(page, "update-growth-01-questioned")
    assert HouseholdUpdate.objects.count() == 0
    page.get_by_label("Vẫn gửi: tôi đã kiểm tra lại, số đo này đúng").check()
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_text("Đã gửi. Cán bộ xã sẽ xem và duyệt.")).to_be_visible()
    screenshot(page, "update-growth-02-sent")
    update = HouseholdUpdate.objects.get()
    assert update.kind == "growth" and update.payload["confirm_implausible"] is True
    phone.close()
