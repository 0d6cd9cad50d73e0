"""The officer imports a spreadsheet in the browser: check in the worker, preview, confirm, done."""

from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from children.models import Child
from tanloi_portal.models import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADERS = ["Mã hộ", "Chủ hộ", "Ấp/Sóc", "Họ và tên trẻ", "Ngày sinh", "Giới tính"]


def test_officer_imports_a_file_checked_in_the_background(live_server, browser, screenshot, tmp_path):
    # The tasks run eagerly (tests' settings), once the upload's and the confirmation's requests have committed;
    # the job's page then polls its progress (static/js/progress.js) until it is final.
    UserFactory(username="officer", role=Role.OFFICER, password="mat-khau-cb")
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for i in range(300):
        workbook.active.append(
            [f"05-{i // 2:04d}", f"Lâm Văn Chủ {i // 2}", "Ấp 5", f"Lâm Thị Số {i}", date(2015, 1, 1), "Nữ"]
        )
    path = tmp_path / "so-theo-doi.xlsx"
    workbook.save(path)

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/dang-nhap/?next=/nhap-excel/")
    page.get_by_label("Tên đăng nhập").fill("officer")
    page.get_by_label("Mật khẩu").fill("mat-khau-cb")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_label("Tệp Excel").set_input_files(str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    # The page polls the job and shows the preview when the check is over.
    expect(page.get_by_role("button", name="Xác nhận nhập toàn bộ tệp")).to_be_visible(timeout=20_000)
    expect(page.locator(".stat.text-success")).to_have_text("300")  # the count of new children
    # and the children themselves, 50 a page
    expect(page.get_by_role("heading", name="Sẽ thêm hoặc thay đổi khi xác nhận")).to_be_visible()
    expect(page.get_by_role("cell", name="Lâm Thị Số 0", exact=True)).to_be_visible()
    screenshot(page, "excel-01-preview")
    assert Child.objects.count() == 0
    page.get_by_role("button", name="Xác nhận nhập toàn bộ tệp").click()
    expect(page.get_by_text("Đã nhập toàn bộ tệp.")).to_be_visible(timeout=20_000)
    screenshot(page, "excel-02-done")
    assert Child.objects.count() == 300
