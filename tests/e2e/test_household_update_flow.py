"""A collaborator on a 360 px phone reports a new birth, losing the connection once; the officer approves it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from children.household_updates import APPROVE_LABELS
from children.models import Child, GrowthMeasurement, HouseholdUpdate
from children.rules import Doubt
from children.selectors.profile import growth_problems
from tanloi_portal.models import Hamlet, Role
from tests.e2e.conftest import PHONE
from tests.e2e.journey import person
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    household = HouseholdFactory(hamlet=hamlet, code="01-00042", head="Nguyễn Văn Hùng")
    UserFactory(username="ctv-ap1", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv")
    UserFactory(username="officer", role=Role.OFFICER, password="mat-khau-cb", full_name="Nguyễn Thị Hồng")
    return household


@pytest.mark.parametrize("language", ["vi", "en"])
def test_collaborator_reports_a_birth_offline_then_online_and_the_officer_approves(
    live_server, browser, cast, screenshot, language
):
    born = (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y")
    j = person(browser, live_server.url, "ctv-ap1", "mat-khau-ctv", language, viewport=PHONE, name="collaborator-birth",
               screenshot=screenshot)  # fmt: skip
    page, t = j.page, j.t
    page.get_by_role("link", name=t("Hộ gia đình trong ấp")).click()
    page.get_by_role("link", name="01-00042").click()
    page.get_by_role("link", name=t("Báo thay đổi")).click()
    j.step("choose what to report")
    page.get_by_role("link", name=t("Trẻ mới sinh")).click()

    page.get_by_label(t("Họ và tên trẻ")).fill("Nguyễn Thị Bé Na")
    page.get_by_label(t("Nữ"), exact=True).check()
    page.get_by_label(t("Ngày sinh")).fill(born)
    page.get_by_label(t("Có"), exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    j.step("the new birth typed")

    # The connection drops as she sends: nothing is lost, the page says so and offers to send again.
    page.context.set_offline(True)
    page.get_by_role("button", name=t("Gửi"), exact=True).click()
    offline = t("Mất kết nối: nội dung đã được lưu trên máy. Khi có mạng, bấm “Gửi lại”.")
    expect(page.get_by_text(offline)).to_be_visible()
    expect(page.get_by_label(t("Họ và tên trẻ"))).to_have_value("Nguyễn Thị Bé Na")
    j.step("offline: kept on the phone")
    assert HouseholdUpdate.objects.count() == 0

    # Even a reload keeps what was typed (it is in the phone's storage).
    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_label(t("Họ và tên trẻ"))).to_have_value("Nguyễn Thị Bé Na")
    expect(page.get_by_text(t("Đã khôi phục nội dung bạn nhập lần trước (chưa gửi được)."))).to_be_visible()
    j.step("back online: restored")
    page.get_by_role("button", name=t("Gửi"), exact=True).click()
    expect(page.get_by_text(t("Đã gửi. Cán bộ xã sẽ xem và duyệt."))).to_be_visible()
    expect(page.get_by_text(t("Chờ duyệt"), exact=True)).to_be_visible()
    j.step("sent, waiting for the officer")
    assert HouseholdUpdate.objects.count() == 1
    page.context.close()

    desk = {"width": 1280, "height": 900}
    office = person(browser, live_server.url, "officer", "mat-khau-cb", language, viewport=desk, name="officer-birth",
                    screenshot=screenshot)  # fmt: skip
    queue = "%(n)s cập nhật của cộng tác viên chờ duyệt"
    expect(office.page.get_by_text(office.t(queue, queue, 1, n=1))).to_be_visible()
    office.page.get_by_role("link", name=office.t("Duyệt"), exact=True).click()
    office.page.get_by_role(
        "link", name=timezone.localtime(HouseholdUpdate.objects.get().submitted_at).strftime("%d/%m/%Y")
    ).click()
    expect(office.page.get_by_text("Nguyễn Thị Bé Na")).to_be_visible()
    office.step("the review")
    office.page.get_by_role("button", name=office.said(APPROVE_LABELS["new_birth"])).click()
    expect(office.page.get_by_text(office.t("Đã duyệt và cập nhật sổ."))).to_be_visible()
    office.step("approved")
    assert (len(j.save()), len(office.save())) == (5, 2)

    child = Child.objects.get(full_name="Nguyễn Thị Bé Na")
    assert child.household == cast and child.birth_registration is not None


@pytest.mark.parametrize("language", ["vi", "en"])
def test_collaborator_is_questioned_about_an_implausible_measurement_and_sends_it_anyway(
    live_server, browser, cast, screenshot, language
):
    today = timezone.localdate()
    born = today - timedelta(days=525)  # 17 months
    toddler = ChildFactory(household=cast, full_name="Nguyễn Văn Tí", sex="M", date_of_birth=born)
    GrowthMeasurement.objects.create(child=toddler, measured_on=today, weight_kg=11, height_cm=85)
    j = person(browser, live_server.url, "ctv-ap1", "mat-khau-ctv", language, viewport=PHONE,
               name="collaborator-growth", screenshot=screenshot)  # fmt: skip
    page, t = j.page, j.t
    page.goto(f"{live_server.url}/ctv/ho/{cast.pk}/bao-cao/growth/")
    page.locator("select[name=child]").select_option(str(toddler.pk))
    page.get_by_label(t("Ngày cân đo")).fill(today.strftime("%d/%m/%Y"))
    page.get_by_label(t("Cân nặng (kg)")).fill("45")
    page.get_by_label(t("Chiều cao (cm)")).fill("60")
    page.get_by_role("button", name=t("Gửi"), exact=True).click()
    with translation.override(language):
        problem = implausible_message_words(toddler, today)
    expect(page.get_by_text(problem, exact=False)).to_be_visible()
    expect(page.get_by_label(t("Cân nặng (kg)"))).to_have_value("45")
    j.step("questioned in plain words")
    assert HouseholdUpdate.objects.count() == 0
    page.get_by_label(j.said(Doubt.GROWTH.send_anyway)).check()
    page.get_by_role("button", name=t("Gửi"), exact=True).click()
    expect(page.get_by_text(t("Đã gửi. Cán bộ xã sẽ xem và duyệt."))).to_be_visible()
    j.step("sent anyway")
    update = HouseholdUpdate.objects.get()
    assert update.kind == "growth" and update.payload["confirm_implausible"] is True
    assert len(j.save()) == 2


def implausible_message_words(child, day) -> str:
    """The first problem the collaborator is told of, in the active language ("cân nặng 45 kg không hợp với trẻ
    17 tháng tuổi"), as the rules word it."""
    return growth_problems(child=child, measured_on=day, weight_kg=Decimal(45), height_cm=Decimal(60))[0]
