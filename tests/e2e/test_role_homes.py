"""Each role's morning on the demo commune, in Vietnamese and in English: log in, the home opens on what waits for
them, the first item opens, the notices are there; a registry page is refused to the level above. Every page
is audited by axe-core and saved as a screenshot (test-artifacts/screenshots/home-<role>-<language>.png; the
README's pictures, docs/screenshots/, are made again by `make screenshots`)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from demo.seed import seed_demo
from tanloi_portal.models import Commune
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
# Per role: who, on what screen, the home's address, and what the home must show (in vi, in en).
ROLES = {
    "officer": ("officer", DESKTOP, "/trang-chu/can-bo/", ("chờ duyệt", "waiting")),
    "collaborator": ("ctv-ap1", PHONE, "/trang-chu/cong-tac-vien/", ("Ấp 1", "Ấp 1")),
    "unit": ("tramyte", DESKTOP, "/trang-chu/don-vi/", ("Khám sức khỏe, tư vấn gia đình",) * 2),
    "chairman": (
        "chairman",
        DESKTOP,
        "/trang-chu/chu-tich/",
        ("hồ sơ chờ Chủ tịch quyết định", "awaiting the chairman"),
    ),
    "district": ("district", DESKTOP, "/trang-chu/cap-tren/", ("Tân Lợi", "Tân Lợi")),
}


@pytest.fixture
def demo():
    seed_demo(commune=Commune.objects.get(code="tan-loi"), children=300, password="demo")


def test_each_role_starts_the_day_on_its_home(live_server, browser, demo, screenshot):
    for language in ("vi", "en"):  # one demo commune for both
        _morning(live_server, browser, screenshot, language)


def _morning(live_server, browser, screenshot, language: str) -> None:
    steps = {}
    for role, (username, viewport, home, shows) in ROLES.items():
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        page = context.new_page()
        log_in(page, live_server.url, username, "demo") if language == "vi" else _log_in_en(
            page, live_server.url, username
        )
        expect(page).to_have_url(f"{live_server.url}{home}")
        assert page.locator("html").get_attribute("lang") == language
        expect(page.locator("main")).to_contain_text(shows[0 if language == "vi" else 1])
        screenshot(page, f"home-{role}-{language}")
        if language == "vi":  # the README's picture: what the screen shows first
            screenshot(page, f"readme-home-{role}", full_page=False)
        assert_accessible(page, f"home-{role}-{language}")
        taken = 3
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():  # the phone's menu is folded
            toggler.click()
            expect(page.locator("#main-nav.show")).to_be_visible()
            taken += 1
        page.get_by_role("link", name="Thông báo" if language == "vi" else "Notices").first.click()
        expect(page.locator("h1")).to_be_visible()
        assert_accessible(page, f"notices-{role}-{language}")
        taken += 1
        if role == "district":
            response = page.goto(f"{live_server.url}/tre-em/")
            assert response.status == 403
            taken += 1
        steps[role] = taken
        context.close()
    assert steps == {"officer": 4, "collaborator": 5, "unit": 4, "chairman": 4, "district": 5}


def _log_in_en(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
