"""Checks on the 12-digit personal identification number (số định danh cá nhân, Nghị định 137/2015/NĐ-CP).

Digits 1-3: province of birth registration (001-096); digit 4: century and sex (0/1: born 1900-1999,
male/female; 2/3: born 2000-2099, male/female); digits 5-6: the last two digits of the birth year.
"""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A number held by a child the user may not know of (another commune's) is refused with this: it names no one
# and says neither that such a child exists nor where. Within the commune the holder is named instead.
PERSONAL_ID_UNUSABLE = gettext_lazy("Mã định danh này không dùng được; kiểm tra lại hoặc liên hệ quản trị.")

_CENTURY_SEX = {(1900, "M"): "0", (1900, "F"): "1", (2000, "M"): "2", (2000, "F"): "3"}


def personal_id_problems(personal_id: str, *, sex: str | None, date_of_birth: date | None) -> list[str]:
    """Why this number cannot be the child's, in Vietnamese; empty when it fits."""
    if len(personal_id) != 12 or not personal_id.isdigit():
        return [_("Mã định danh cá nhân gồm đúng 12 chữ số.")]
    problems = []
    if not 1 <= int(personal_id[:3]) <= 96:
        problems.append(_("Ba chữ số đầu (mã tỉnh) phải từ 001 đến 096."))
    if date_of_birth and sex:
        century = 1900 if date_of_birth.year < 2000 else 2000
        expected = _CENTURY_SEX.get((century, sex))
        if expected and personal_id[3] != expected:
            problems.append(_("Chữ số thứ 4 phải là %(d)s với giới tính và năm sinh đã nhập.") % {"d": expected})
        if personal_id[4:6] != f"{date_of_birth.year % 100:02d}":
            problems.append(_("Chữ số thứ 5-6 phải là hai số cuối của năm sinh (%(y)s).") % {"y": date_of_birth.year})
    return problems
