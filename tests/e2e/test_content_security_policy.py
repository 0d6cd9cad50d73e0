"""The strict Content-Security-Policy breaks nothing: each role's main pages load, draw their charts and run
their scripts in Chromium without a single violation (no inline script or style is left)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tanloi_portal.models import Hamlet, Role, Unit
from tests.e2e.conftest import log_in
from tests.factories import ChildFactory, GrowthMeasurementFactory, HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sourceFile || ""}:${e.lineNumber}`);
});
"""


@pytest.fixture
def people():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    commune = hamlet.commune
    UserFactory(username="officer", role=Role.OFFICER, commune=commune, password="mk-cb")
    UserFactory(username="ctv", role=Role.COLLABORATOR, commune=commune, hamlet=hamlet, password="mk-ctv")
    UserFactory(username="tramyte", role=Role.UNIT_STAFF, commune=commune, password="mk-yt",
                unit=Unit.objects.get(commune=commune, code="tram-y-te"))  # fmt: skip
    UserFactory(username="chairman", role=Role.CHAIRMAN, commune=commune, password="mk-ct")
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet), full_name="Thạch Thị Sa Rum")
    GrowthMeasurementFactory(child=child)
    call_command("recompute_indicators", year=timezone.localdate().year, verbosity=0)
    return child


PAGES = {
    "officer": ("mk-cb", ["/trang-chu/can-bo/", "/tre-em/", "/tre-em/{child}/", "/chi-tieu/", "/chi-tieu/4a/",
                          "/ho-so/", "/ho-so/tiep-nhan/", "/nhap-excel/", "/duyet-cap-nhat/", "/ke-hoach/"]),
    "ctv": ("mk-ctv", ["/trang-chu/cong-tac-vien/", "/ho-gia-dinh/", "/tre-em/{child}/"]),
    "tramyte": ("mk-yt", ["/trang-chu/don-vi/", "/tre-em/{child}/", "/chi-tieu/4a/"]),
    "chairman": ("mk-ct", ["/trang-chu/chu-tich/", "/ho-so/thong-ke/", "/chi-tieu/"]),
}  # fmt: skip


@pytest.mark.parametrize("username", list(PAGES))
def test_every_main_page_runs_under_the_policy_without_a_violation(live_server, browser, people, username):
    password, paths = PAGES[username]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server.url, username, password)
    for path in paths:
        response = page.goto(live_server.url + path.format(child=people.pk))
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        if path.startswith("/chi-tieu/4a"):
            # The chart was drawn (Chart.js sets the canvas size once it has rendered).
            assert page.locator("#metric-chart").evaluate("c => c.width > 0 && !!window.Chart"), path
        violations = page.evaluate("window.__csp")
        assert violations == [] and console == [], (path, violations, console)
    context.close()
