"""The content of each step's legal form (Nghị định 56/2017/NĐ-CP, Mẫu 01 to 07) as structured fields.

One declaration serves three readers: the step form (cases.forms builds its fields from it), the service
(cases.services checks what a step carries against it, whoever calls it) and the displays (the case page's
timeline and the printable case file show each value with its label).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case

YES_NO = ((True, _("Có")), (False, _("Không")))
HARM_SIGNS = (
    ("physical", _("Tổn hại thân thể")),
    ("psychological", _("Tổn hại tinh thần")),
    ("sexual", _("Dấu hiệu xâm hại tình dục")),
    ("neglect", _("Bị bỏ mặc, thiếu chăm sóc")),
    ("labour", _("Phải lao động nặng nhọc, nguy hiểm")),
    ("none", _("Chưa phát hiện dấu hiệu tổn hại")),
)
PERPETRATOR = (
    ("parent", _("Cha, mẹ, người chăm sóc")),
    ("relative", _("Người thân khác")),
    ("acquaintance", _("Người quen")),
    ("stranger", _("Người lạ")),
    ("unknown", _("Chưa xác định")),
)
EMERGENCY_MEASURE = (
    ("separation", _("Tạm thời cách ly trẻ khỏi môi trường, người gây tổn hại")),
    ("medical", _("Chăm sóc y tế khẩn cấp")),
    ("shelter_relative", _("Bố trí nơi tạm trú an toàn: người thân")),
    ("shelter_facility", _("Bố trí nơi tạm trú an toàn: cơ sở trợ giúp xã hội")),
    ("other", _("Biện pháp khác")),
)
NEEDS = (
    ("health", _("Chăm sóc sức khỏe")),
    ("psychological", _("Tham vấn, trị liệu tâm lý")),
    ("education", _("Giáo dục, học nghề")),
    ("legal", _("Trợ giúp pháp lý")),
    ("livelihood", _("Hỗ trợ kinh tế cho gia đình")),
    ("care", _("Chăm sóc thay thế")),
    ("safety", _("Bảo đảm an toàn")),
    ("other", _("Nhu cầu khác")),
)
PROTECTION_LEVEL = (
    ("prevention", _("Phòng ngừa")),
    ("support", _("Hỗ trợ")),
    ("intervention", _("Can thiệp")),
)
SITUATION = (
    ("improved", _("Tiến triển tốt")),
    ("partly", _("Có tiến triển một phần")),
    ("unchanged", _("Chưa thay đổi")),
    ("worse", _("Xấu đi")),
)
RECOMMENDATION = (("close", _("Đề nghị đóng hồ sơ")), ("plan_again", _("Đề nghị xây dựng lại kế hoạch")))
OUTCOME = (
    ("safe_with_family", _("Trẻ an toàn, sống cùng gia đình")),
    ("alternative_care", _("Trẻ được chăm sóc thay thế")),
    ("transferred", _("Chuyển cơ quan, cấp có thẩm quyền xử lý")),
    ("moved_away", _("Trẻ chuyển khỏi địa bàn")),
    ("adult", _("Trẻ đã đủ 16 tuổi")),
    ("died", _("Trẻ đã mất")),
    ("other", _("Khác")),
)


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str  # choice, choices (several), yesno, text, longtext, date, days
    choices: tuple = ()
    required: bool = False
    ahead: bool = False  # a date planned ahead (today or later) rather than one that has happened


F = Field
FIELDS: dict[str, tuple[Field, ...]] = {
    # Mẫu 02: initial risk assessment.
    "assess": (
        F("risk", _("Mức độ nguy cơ"), "choice", tuple(Case.Risk.choices), required=True),
        F("immediate_danger", _("Trẻ đang gặp nguy hiểm tức thời"), "yesno", YES_NO, required=True),
        F("harm_signs", _("Dấu hiệu tổn hại"), "choices", HARM_SIGNS),
        F("perpetrator", _("Người gây tổn hại"), "choice", PERPETRATOR),
        F("perpetrator_access", _("Người gây tổn hại còn tiếp xúc với trẻ"), "yesno", YES_NO),
        F("child_whereabouts", _("Trẻ hiện ở đâu, với ai"), "text"),
        F("urgent_measures", _("Biện pháp cần làm ngay"), "longtext"),
        F("confirmed", _("Đã xác minh trẻ bị xâm hại"), "yesno", YES_NO),
    ),
    # Mẫu 07: decision on emergency protection (temporary separation).
    "emergency": (
        F("decision_number", _("Số quyết định"), "text", required=True),
        F("measure", _("Biện pháp bảo vệ khẩn cấp"), "choice", EMERGENCY_MEASURE, required=True),
        F("place", _("Nơi tạm trú an toàn"), "text", required=True),
        F("caretaker", _("Người chăm sóc tạm thời"), "text"),
        F("duration_days", _("Thời hạn (ngày)"), "days"),
    ),
    # Mẫu 03: detailed assessment and the meeting on the child's needs.
    "detail": (
        F("meeting_on", _("Ngày họp xác định nhu cầu"), "date", required=True),
        F("participants", _("Thành phần tham gia"), "longtext", required=True),
        F("needs", _("Nhu cầu của trẻ"), "choices", NEEDS, required=True),
        F("protection_level", _("Cấp độ bảo vệ"), "choice", PROTECTION_LEVEL, required=True),
        F("confirmed", _("Đã xác minh trẻ bị xâm hại"), "yesno", YES_NO),
    ),
    # Mẫu 04: the support and intervention plan.
    "draft_plan": (
        F("objectives", _("Mục tiêu"), "longtext", required=True),
        F("activities", _("Hoạt động, đơn vị thực hiện, thời gian"), "longtext", required=True),
        F("review_on", _("Ngày rà soát, đánh giá"), "date", required=True, ahead=True),
        F("resources", _("Kinh phí, nguồn lực"), "text"),
    ),
    # Mẫu 05: the chairman's decision approving the plan.
    "approve_plan": (F("decision_number", _("Số quyết định phê duyệt"), "text", required=True),),
    "return_plan": (),
    "start": (),
    "review": (
        F("situation", _("Tình trạng của trẻ"), "choice", SITUATION, required=True),
        F("recommendation", _("Đề xuất"), "choice", RECOMMENDATION, required=True),
    ),
    "close": (F("outcome", _("Kết quả"), "choice", OUTCOME, required=True),),
    "return_to_planning": (),
}

# What each step is called on buttons, headings and in the case file.
LABELS = {
    "intake": _("Tiếp nhận thông tin, thông báo, tố giác"),
    "assess": _("Đánh giá nguy cơ ban đầu"),
    "emergency": _("Quyết định bảo vệ khẩn cấp"),
    "detail": _("Đánh giá chi tiết, họp xác định nhu cầu"),
    "draft_plan": _("Xây dựng kế hoạch hỗ trợ, can thiệp"),
    "approve_plan": _("Phê duyệt kế hoạch"),
    "return_plan": _("Trả lại kế hoạch để xây dựng lại"),
    "start": _("Bắt đầu thực hiện kế hoạch"),
    "review": _("Rà soát, đánh giá"),
    "close": _("Đóng hồ sơ"),
    "return_to_planning": _("Không đóng hồ sơ, yêu cầu xây dựng lại kế hoạch"),
}


def clean(action: str, data: dict, *, earliest: date, today: date) -> dict:
    """The step's structured content checked against its form: JSON-ready (dates as ISO), unknown keys
    dropped, every problem reported at once as {field: message}."""
    errors, cleaned = {}, {}
    for field in FIELDS[action]:
        value = data.get(field.name)
        if value in (None, "", [], ()):
            if field.required:
                errors[field.name] = gettext("Mục “%(label)s” là bắt buộc.") % {"label": field.label}
            continue
        allowed = {key for key, _label in field.choices}
        if (field.kind == "choice" and value not in allowed) or (
            field.kind == "choices" and (not isinstance(value, list | tuple) or not set(value) <= allowed)
        ):
            errors[field.name] = gettext("Giá trị không hợp lệ.")
        elif field.kind == "yesno" and not isinstance(value, bool):
            errors[field.name] = gettext("Chọn có hoặc không.")
        elif field.kind == "days" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            errors[field.name] = gettext("Số ngày phải là số nguyên dương.")
        elif field.kind == "date":
            if not isinstance(value, date):
                errors[field.name] = gettext("Ngày không hợp lệ.")
            elif value < earliest:
                errors[field.name] = gettext("Ngày không được trước ngày tiếp nhận.")
            elif field.ahead and value < today:
                errors[field.name] = gettext("Ngày rà soát phải từ hôm nay trở đi.")
            elif not field.ahead and value > today:
                errors[field.name] = gettext("Ngày không được ở tương lai.")
        if field.name not in errors:
            cleaned[field.name] = value.isoformat() if field.kind == "date" else value
            if field.kind == "choices":
                cleaned[field.name] = list(value)
    if errors:
        raise ValidationError(errors)
    return cleaned


def describe(action: str, data: dict) -> list[tuple[str, str]]:
    """(label, shown value) for each field a step recorded, in the form's order, dates as dd/mm/yyyy."""
    rows = []
    for field in FIELDS.get(action, ()):
        value = data.get(field.name)
        if value in (None, "", []):
            continue
        names = {key: str(label) for key, label in field.choices}
        if field.kind in ("choice", "yesno"):
            shown = names.get(value, str(value))
        elif field.kind == "choices":
            shown = ", ".join(names.get(v, str(v)) for v in value)
        elif field.kind == "date":
            shown = date.fromisoformat(value).strftime("%d/%m/%Y")
        else:
            shown = str(value)
        rows.append((str(field.label), shown))
    return rows
