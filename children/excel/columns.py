"""The registry's spreadsheet columns: one declaration feeds the template, the import and the export, so an
export can be edited and imported back.

Headers match whatever their case, accents and surrounding spaces ("ma ho", "MÃ HỘ ", "Mã hộ").
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from tanloi_portal.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    width: int = 16


COLUMNS = (
    Column("household_code", "Mã hộ", True, _("Mã hộ gia đình, duy nhất trong xã."), 12),
    Column("head_name", "Chủ hộ", True, _("Họ và tên chủ hộ."), 24),
    Column("hamlet", "Ấp/Sóc", True, _("Tên ấp/sóc (ví dụ Ấp 3) hoặc mã (ap-3)."), 12),
    Column("full_name", "Họ và tên trẻ", True, _("Họ, tên đệm và tên của trẻ."), 26),
    Column("date_of_birth", "Ngày sinh", True, _("Ngày Excel, hoặc chữ dạng dd/mm/yyyy (d/m/yyyy cũng được)."), 12),
    Column("sex", "Giới tính", True, _("Nam hoặc Nữ."), 9),
    Column("ethnicity", "Dân tộc", False, _("Một trong 54 dân tộc; để trống là Kinh."), 12),
    Column("personal_id", "Mã định danh", False, _("Số định danh cá nhân 12 chữ số (nếu có)."), 15),
    Column("birth_registered", "Đăng ký khai sinh", False, _("Có hoặc Không."), 10),
    Column("registered_on", "Ngày đăng ký khai sinh", False, _("Ngày đăng ký khai sinh (nếu biết)."), 12),
    Column("groups", "Nhóm hoàn cảnh đặc biệt", False, _("Số nhóm 1-14, cách nhau bằng dấu phẩy (ví dụ 4, 13)."), 14),
    Column("notes", "Ghi chú", False, _("Ghi chú về trẻ."), 30),
)
BY_KEY = {c.key: c for c in COLUMNS}

# The template's example row. It is shown on the instructions sheet only: the template's first sheet holds the
# headers and nothing else, so a template uploaded as it is imports nothing. Templates downloaded before held it
# under the headers; the import recognises it, cell for cell, and skips it.
SAMPLE = {
    "household_code": "01-0001",
    "head_name": "Nguyễn Văn Hùng",
    "hamlet": "Ấp 1",
    "full_name": "Nguyễn Thị Lan",
    "date_of_birth": date(2020, 5, 17),
    "sex": "Nữ",
    "ethnicity": "Kinh",
    "birth_registered": "Có",
    "registered_on": date(2020, 6, 2),
}


def header_key(text) -> str:
    """Normalise a header cell for matching: no accents, lower case, single spaces, none around "/"."""
    folded = fold(str(text or ""))
    return re.sub(r"\s*/\s*", "/", folded)


HEADER_KEYS = {header_key(c.header): c.key for c in COLUMNS}


def match_headers(cells) -> dict[str, int] | None:
    """{column key: position} if this row holds every required header, else None."""
    found = {}
    for position, cell in enumerate(cells):
        key = HEADER_KEYS.get(header_key(cell))
        if key and key not in found:
            found[key] = position
    if all(c.key in found for c in COLUMNS if c.required):
        return found
    return None
