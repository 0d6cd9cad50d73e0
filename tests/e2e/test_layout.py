"""The navbar at 1366 px: every item on one line, in one row; its links and the outline buttons readable (WCAG AA
contrast, measured on the colours the browser computes)."""

import pytest
from playwright.sync_api import expect

from tanloi_portal.models import Role, Unit
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The contrast ratio of two CSS colours, each laid over the page's background where it is translucent.
CONTRAST = """([fg, bg]) => {
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const ch = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const [b, f] = [parse(bg), parse(fg)];
  const a = f.length > 3 ? f[3] : 1;
  const mixed = [0, 1, 2].map((i) => f[i] * a + b[i] * (1 - a));
  const [l1, l2] = [lum(mixed), lum(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}"""


def _background(locator) -> str:
    """The first opaque background colour at or above the element."""
    return locator.evaluate(
        """(el) => {
             for (let e = el; e; e = e.parentElement) {
               const c = getComputedStyle(e).backgroundColor;
               if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
             }
             return 'rgb(255, 255, 255)';
           }"""
    )


def _contrast(page, locator) -> float:
    return page.evaluate(CONTRAST, [locator.evaluate("(el) => getComputedStyle(el).color"), _background(locator)])


@pytest.mark.parametrize(
    ("username", "role", "unit", "home"),
    [
        ("officer", Role.OFFICER, None, "/trang-chu/can-bo/"),
        ("chairman", Role.CHAIRMAN, None, "/trang-chu/chu-tich/"),
        ("tramyte", Role.UNIT_STAFF, "tram-y-te", "/trang-chu/don-vi/"),
    ],
)
def test_the_navbar_fits_one_row_at_1366_px_and_its_links_are_readable(
    live_server, browser, screenshot, username, role, unit, home
):
    UserFactory(
        username=username,
        full_name="Nguyễn Thị Hồng Nhung",
        role=role,
        unit=Unit.objects.get(code=unit) if unit else None,
        password="mat-khau-1234",
    )
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN").new_page()
    log_in(page, live_server.url, username, "mat-khau-1234")
    expect(page).to_have_url(f"{live_server.url}{home}")
    screenshot(page, f"navbar-1366-{username}")
    links = page.locator("nav.navbar .nav-link")
    assert links.count() >= 5
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    line = links.first.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight)")
    for i, box in enumerate(boxes):
        label = links.nth(i).inner_text()
        assert box["height"] < 2 * line, f"{label!r} wraps onto two lines"
        assert abs(box["y"] - boxes[0]["y"]) < 2, f"{label!r} is on a second row"
    assert page.locator("nav.navbar").bounding_box()["height"] < 80
    # The links against the navbar, the outline buttons against the page: at least 4.5:1.
    for i in range(links.count()):
        assert _contrast(page, links.nth(i)) >= 4.5, links.nth(i).inner_text()
    outline = page.locator(".btn-outline-secondary, .btn-outline-primary, .btn-outline-danger")
    for i in range(outline.count()):
        if outline.nth(i).is_visible():
            assert _contrast(page, outline.nth(i)) >= 4.5, outline.nth(i).inner_text()
