"""The collaborator's report form with the keyboard alone: the first Tab offers to skip the menu, every field
is reached in the order it is read, shows where the focus is, and the report is sent with Enter."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from children.models import HouseholdUpdate
from tanloi_portal.models import Hamlet, Role
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PHONE, log_in
from tests.factories import HouseholdFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What has the focus: its accessible label (or text), its kind, and whether the focus can be seen on it.
FOCUSED = r"""() => {
  const el = document.activeElement;
  const label = (el.labels && el.labels[0] && el.labels[0].innerText) || el.getAttribute('aria-label')
    || el.innerText || el.value || '';
  const style = getComputedStyle(el);
  const seen = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), type: el.type || '', label: label.replace(/\*\s*$/, '').trim(), seen: seen};
}"""


@pytest.fixture
def household():
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    UserFactory(username="ctv-ap1", role=Role.COLLABORATOR, hamlet=hamlet, password="mat-khau-ctv")
    return HouseholdFactory(hamlet=hamlet, code="01-00042", head="Nguyễn Văn Hùng")


def test_a_new_birth_is_reported_with_the_keyboard_alone(live_server, browser, household, screenshot):
    born = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, "ctv-ap1", "mat-khau-ctv")
    page.goto(f"{live_server.url}{reverse('children:report-form', args=[household.pk, 'new_birth'])}")

    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["label"] == "Bỏ qua, tới nội dung chính"
    expect(page.get_by_role("link", name="Bỏ qua, tới nội dung chính")).to_be_visible()
    page.keyboard.press("Enter")

    # Tab until the first field, past what the page says before the form (a few links at most).
    visited = []
    for _ in range(8):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED))
        if visited[-1]["label"] == "Họ và tên trẻ":
            break
    assert visited[-1]["label"] == "Họ và tên trẻ", visited
    assert all(v["label"] != "Trang chủ" for v in visited), "the skip link did not skip the menu"
    steps = [visited[-1]]
    page.keyboard.type("Nguyễn Thị Bé Na")
    page.keyboard.press("Tab")  # the sex: a radio group, entered at its first answer, chosen with the arrows
    steps.append(page.evaluate(FOCUSED))
    page.keyboard.press("ArrowDown")
    steps.append(page.evaluate(FOCUSED))
    page.keyboard.press("Tab")
    steps.append(page.evaluate(FOCUSED))
    page.keyboard.type(born)
    page.keyboard.press("Tab")
    steps.append(page.evaluate(FOCUSED))  # the ethnicity, left blank: Kinh
    page.keyboard.press("Tab")
    steps.append(page.evaluate(FOCUSED))
    page.keyboard.press("Space")  # "Có": registered
    screenshot(page, "keyboard-01-new-birth-form")
    assert_accessible(page, "keyboard-new-birth-form")
    page.keyboard.press("Tab")
    steps.append(page.evaluate(FOCUSED))

    assert [(s["type"], s["label"]) for s in steps] == [
        ("text", "Họ và tên trẻ"),
        ("radio", "Nam"),
        ("radio", "Nữ"),
        ("text", "Ngày sinh"),
        ("text", "Dân tộc"),
        ("radio", "Có"),
        ("submit", "Gửi"),
    ], steps
    assert all(s["seen"] for s in steps), [s for s in steps if not s["seen"]]
    page.keyboard.press("Enter")
    expect(page.get_by_text("Đã gửi. Cán bộ xã sẽ xem và duyệt.")).to_be_visible()
    screenshot(page, "keyboard-02-sent")
    update = HouseholdUpdate.objects.get()
    assert update.payload["full_name"] == "Nguyễn Thị Bé Na" and update.payload["sex"] == "F"
    assert update.payload["birth_registered"] is True and update.payload["ethnicity"] == "Kinh"
    context.close()
