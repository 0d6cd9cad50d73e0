"""Help: a page per role in plain words, linked from every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIRST_STEP = {
    "officer": "Mỗi sáng mở “Thông báo”",
    "ctv_a": "Mở “Hộ gia đình trong ấp”",
    "health": "Trang chủ là danh sách việc cần làm",
    "chairman": "Trang chủ liệt kê từng hồ sơ chờ Chủ tịch quyết định",
    "district": "Trang chủ đặt các xã cạnh nhau",
    "admin": "Tạo tài khoản trong trang quản trị",
}


@pytest.mark.parametrize("who", sorted(FIRST_STEP))
def test_each_role_has_a_help_page_of_its_own_linked_from_its_home(users, client_for, who):
    client = client_for(users[who])
    page = client.get(reverse("help"))
    assert page.status_code == 200
    content = page.content.decode()
    assert FIRST_STEP[who] in content and users[who].get_role_display() in content
    assert all(step not in content for other, step in FIRST_STEP.items() if other != who)
    assert "Bảo vệ thông tin của trẻ" in content
    if who != "admin":  # the admin's home is the admin site, which has its own layout
        home = client.get(reverse("home"), follow=True).content.decode()
        assert f'href="{reverse("help")}"' in home


def test_help_is_in_english_too(users, client_for):
    client = client_for(users["ctv_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("help")).content.decode()
    assert "Help" in content and "Mở “Hộ gia đình trong ấp”" not in content
