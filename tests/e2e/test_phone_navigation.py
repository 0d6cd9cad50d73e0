"""A collaborator on a 360 px phone logs in, opens the menu and finds a child by a name typed without accents."""

import pytest
from playwright.sync_api import expect

from tanloi_portal.models import Role
from tests.e2e.conftest import PHONE, log_in
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def collaborator():
    from tanloi_portal.models import Hamlet

    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    household = HouseholdFactory(hamlet=hamlet, code="01-00042", head="Nguyễn Văn Hùng")
    ChildFactory(household=household, full_name="Nguyễn Thị Ánh Tuyết")
    ChildFactory(household=household, full_name="Nguyễn Văn Phúc")
    return UserFactory(username="ctv-ap1", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv")


def test_collaborator_on_a_phone(live_server, browser, collaborator, screenshot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/dang-nhap/?next=/")
    page.get_by_label("Tên đăng nhập").fill("ctv-ap1")
    page.get_by_label("Mật khẩu").fill("mat-khau-ctv")
    screenshot(page, "phone-01-login")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", name="Ấp 1")).to_be_visible()
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-02-home")

    menu_link = page.get_by_role("link", name="Hộ gia đình", exact=True)
    expect(menu_link).to_be_hidden()
    page.get_by_role("button", name="Mở menu").click()
    expect(menu_link).to_be_visible()
    expect(page.locator("#main-nav.show")).to_be_visible()  # the opening animation has ended
    screenshot(page, "phone-03-menu")
    page.keyboard.press("Escape")

    page.get_by_label("Tìm trẻ em (không cần dấu)").fill("nguyen thi anh tuyet")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="Nguyễn Thị Ánh Tuyết")).to_be_visible()
    expect(page.get_by_role("link", name="Nguyễn Văn Phúc")).to_have_count(0)
    screenshot(page, "phone-04-search")
    context.close()


@pytest.mark.parametrize(
    "username, role, unit, path",
    [
        ("officer", Role.OFFICER, None, "/trang-chu/can-bo/"),
        ("chairman", Role.CHAIRMAN, None, "/trang-chu/chu-tich/"),
        ("tramyte", Role.UNIT_STAFF, "tram-y-te", "/trang-chu/don-vi/"),
        ("officer", Role.OFFICER, None, "/tre-em/"),
    ],
)
def test_home_pages_fit_a_phone(live_server, browser, screenshot, username, role, unit, path):
    from tanloi_portal.models import Unit

    HouseholdFactory(code="01-04321")
    UserFactory(
        username=username,
        role=role,
        unit=Unit.objects.get(code=unit) if unit else None,
        password="mat-khau-1234",
    )
    page = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/dang-nhap/?next={path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("mat-khau-1234")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{live_server.url}{path}")
    screenshot(page, f"phone-{username}-{path.strip('/').replace('/', '-')}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_child_list_shows_the_first_child_on_a_phone_and_every_filter_on_a_desktop(
    live_server, browser, collaborator, screenshot
):
    for viewport, folded in ((PHONE, True), ({"width": 1366, "height": 768}, False)):
        page = browser.new_context(viewport=viewport, locale="vi-VN").new_page()
        log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv")
        page.goto(f"{live_server.url}/tre-em/")
        first = page.get_by_role("link", name="Nguyễn Thị Ánh Tuyết")
        box = first.bounding_box()
        assert box["y"] + box["height"] <= viewport["height"], "the first child is below the fold"
        sex = page.get_by_label("Giới tính")
        if folded:
            expect(sex).to_be_hidden()
            code = page.get_by_role("link", name="01-00042").first
            assert code.bounding_box()["height"] < 1.5 * code.evaluate(
                "e => parseFloat(getComputedStyle(e).lineHeight)"
            )
            screenshot(page, "phone-05-child-list-folded")
            page.get_by_text("Lọc thêm").click()
            expect(sex).to_be_visible()
            sex.select_option(label="Nữ")
            page.get_by_role("button", name="Lọc").click()
            # A filter in use keeps the fold open and says how many are chosen.
            expect(page.get_by_text("Lọc thêm (1 đang chọn)")).to_be_visible()
            expect(page.get_by_label("Giới tính")).to_be_visible()
        else:
            expect(sex).to_be_visible()
        page.context.close()
