"""What each role sees first after log-in, and the navigation it gets."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tanloi_portal.models import Role

HOME_URL_NAMES = {
    Role.OFFICER: "home-officer",
    Role.COLLABORATOR: "home-collaborator",
    Role.UNIT_STAFF: "home-unit",
    Role.CHAIRMAN: "home-chairman",
    Role.DISTRICT: "home-district",
    Role.ADMIN: "admin:index",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_REGISTRY = [
    NavItem(_("Trẻ em"), "children:child-list"),
    NavItem(_("Hộ gia đình"), "children:household-list"),
    NavItem(_("Ấp/sóc"), "children:hamlet-list"),
]
_PLAN = NavItem(_("Kế hoạch"), "indicators:plan")
_BOARD = NavItem(_("Chỉ tiêu"), "indicators:board")

NAVIGATION = {
    Role.OFFICER: [
        NavItem(_("Trang chủ"), "home-officer"),
        *_REGISTRY,
        NavItem(_("Duyệt cập nhật"), "children:review-queue"),
        NavItem(_("Hồ sơ"), "cases:list"),
        _BOARD,
        _PLAN,
    ],
    Role.COLLABORATOR: [
        NavItem(_("Trang chủ"), "home-collaborator"),
        NavItem(_("Hộ gia đình"), "children:household-list"),
        NavItem(_("Trẻ em"), "children:child-list"),
        NavItem(_("Đã gửi"), "children:my-updates"),
    ],
    Role.UNIT_STAFF: [
        NavItem(_("Trang chủ"), "home-unit"),
        NavItem(_("Trẻ em"), "children:child-list"),
        NavItem(_("Nhiệm vụ"), "cases:inbox"),
        _BOARD,
        _PLAN,
    ],
    Role.CHAIRMAN: [
        NavItem(_("Trang chủ"), "home-chairman"),
        NavItem(_("Hồ sơ"), "cases:list"),
        NavItem(_("Thống kê hồ sơ"), "cases:statistics"),
        _BOARD,
        _PLAN,
    ],
    Role.DISTRICT: [
        NavItem(_("Trang chủ"), "home-district"),
        _BOARD,
        NavItem(_("Thống kê hồ sơ"), "cases:statistics"),
        _PLAN,
    ],
    Role.ADMIN: [NavItem(_("Quản trị"), "admin:index"), _BOARD, _PLAN],
}


def home_url_for(user) -> str:
    return reverse(HOME_URL_NAMES.get(user.role, "login"))


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return NAVIGATION.get(user.role, [])
