"""A shared phone: drafts belong to the collaborator who typed them and log-out clears them; the idle warning."""

import base64
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tanloi_portal.models import Hamlet, Role
from tests.e2e.conftest import PHONE, log_in
from tests.factories import HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONCERN = "Nghe tiếng trẻ khóc và la hét nhiều đêm liền"
PORTAL_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('tanloi:') || k.startsWith('draft:'))"


@pytest.fixture
def phone_cast():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    household = HouseholdFactory(hamlet=hamlet, code="01-00042", head="Nguyễn Văn Hùng")
    first = UserFactory(username="ctv-ap1", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv-1")
    second = UserFactory(username="ctv-ap1-b", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv-2")
    form = reverse("children:report-form", kwargs={"pk": household.pk, "kind": "safety_concern"})
    return {"form": form, "first": first, "second": second, "household": household}


def _log_out_from_the_menu(page):
    page.get_by_role("button", name="Mở menu").click()
    # The menu opens with an animation ("collapsing", then "show"): a click on the user menu during it can be
    # lost on a loaded machine, so wait for the menu to be open, and for the user menu's items.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#main-nav .dropdown-toggle").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/$"))


def test_a_draft_is_cleared_at_log_out_and_never_shown_to_another_user(live_server, browser, phone_cast, screenshot):
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv-1")
    page.goto(live_server.url + phone_cast["form"])
    page.get_by_label("Mô tả điều đã thấy hoặc nghe").fill(CONCERN)
    page.reload()
    expect(page.get_by_label("Mô tả điều đã thấy hoặc nghe")).to_have_value(CONCERN)
    drafts = [k for k in page.evaluate(PORTAL_KEYS) if "draft:" in k]
    assert drafts == [f"tanloi:draft:{phone_cast['first'].pk}:update:{phone_cast['household'].pk}:safety_concern"]
    screenshot(page, "drafts-01-typed")

    # Logging out asks first, since the draft was never sent; then nothing of the portal is left in the browser.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    _log_out_from_the_menu(page)
    assert dialogs and "chưa gửi" in dialogs[0]
    assert page.evaluate(PORTAL_KEYS) == []
    screenshot(page, "drafts-02-logged-out")

    log_in(page, live_server.url, "ctv-ap1-b", "mat-khau-ctv-2")
    page.goto(live_server.url + phone_cast["form"])
    expect(page.get_by_label("Mô tả điều đã thấy hoặc nghe")).to_have_value("")
    expect(page.get_by_text("Đã khôi phục")).to_have_count(0)
    screenshot(page, "drafts-03-other-user")
    phone.close()


def test_a_draft_left_behind_is_not_shown_to_the_next_user_and_waits_for_its_author(live_server, browser, phone_cast):
    """The first collaborator's session ended without a log-out (cookies gone): the draft stays hers alone."""
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv-1")
    page.goto(live_server.url + phone_cast["form"])
    page.get_by_label("Mô tả điều đã thấy hoặc nghe").fill(CONCERN)
    phone.clear_cookies()

    log_in(page, live_server.url, "ctv-ap1-b", "mat-khau-ctv-2")
    page.goto(live_server.url + phone_cast["form"])
    expect(page.get_by_label("Mô tả điều đã thấy hoặc nghe")).to_have_value("")
    # Still there, under the first collaborator's id.
    assert [k for k in page.evaluate(PORTAL_KEYS) if k.startswith(f"tanloi:draft:{phone_cast['first'].pk}:")]
    phone.clear_cookies()

    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv-1")
    page.goto(live_server.url + phone_cast["form"])
    expect(page.get_by_label("Mô tả điều đã thấy hoặc nghe")).to_have_value(CONCERN)
    expect(page.get_by_text("Đã khôi phục")).to_be_visible()
    phone.close()


def test_chromium_honours_the_log_out_responses_clear_site_data(live_server, browser, phone_cast):
    """The header alone empties the storage: the form is sent without its submit event, so the script does not run."""
    desk = browser.new_context(locale="vi-VN")
    page = desk.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv-1")
    page.goto(live_server.url + phone_cast["form"])
    page.get_by_label("Mô tả điều đã thấy hoặc nghe").fill(CONCERN)
    assert page.evaluate(PORTAL_KEYS)
    with page.expect_navigation():
        page.evaluate("HTMLFormElement.prototype.submit.call(document.querySelector('form[data-logout-form]'))")
    expect(page).to_have_url(f"{live_server.url}/dang-nhap/")
    assert page.evaluate(PORTAL_KEYS) == []
    desk.close()


def test_the_idle_warning_keeps_the_session_on_a_click_then_the_session_ends(
    live_server, browser, phone_cast, settings, screenshot
):
    settings.IDLE_TIMEOUT_SECONDS = 6
    settings.IDLE_WARNING_SECONDS = 4
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv-1")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=5000)
    expect(warning).to_contain_text("phiên làm việc sẽ kết thúc lúc")
    screenshot(page, "idle-01-warning")
    page.get_by_role("button", name="Tiếp tục làm việc").click()
    expect(warning).to_be_hidden()
    assert "/dang-nhap/" not in page.url

    # Nobody clicks this time: the page goes to the log-in page, which says why.
    expect(page.get_by_text("không có thao tác nào trong")).to_be_visible(timeout=12000)
    assert "/dang-nhap/" in page.url
    screenshot(page, "idle-02-ended")
    phone.close()


def test_the_chairman_sets_up_the_second_factor_then_is_asked_for_a_code(live_server, browser, screenshot):
    from django_otp.oath import totp

    from tanloi_portal.models import SecondFactorRequirement

    SecondFactorRequirement.objects.update_or_create(role=Role.CHAIRMAN, defaults={"required": True})
    UserFactory(username="chairman", role=Role.CHAIRMAN, password="mat-khau-chu-tich")
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = phone.new_page()
    log_in(page, live_server.url, "chairman", "mat-khau-chu-tich")
    expect(page.get_by_text("bắt buộc dùng xác thực hai bước")).to_be_visible()
    expect(page.locator("svg[aria-hidden=true]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "second-factor-01-setup")
    key = base64.b32decode(page.locator("[data-secret]").inner_text().replace(" ", ""))
    page.get_by_label("Mã 6 số trong ứng dụng xác thực").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_text("Đã bật xác thực hai bước")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/trang-chu/chu-tich/$"))
    phone.clear_cookies()

    log_in(page, live_server.url, "chairman", "mat-khau-chu-tich")
    expect(page).to_have_url(re.compile(r"/xac-thuc-hai-buoc/ma/"))
    screenshot(page, "second-factor-02-code")
    # The code just used is not taken again: wait for the app's next one.
    page.get_by_label("Mã 6 số trong ứng dụng xác thực").fill(f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"/trang-chu/chu-tich/$"))
    phone.close()
