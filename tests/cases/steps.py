"""Valid content of each step's legal form, for tests that walk the process."""

from datetime import timedelta

from django.utils import timezone


def valid_form(action: str, **overrides) -> dict:
    today = timezone.localdate()
    forms = {
        "assess": {"risk": "medium", "immediate_danger": False},
        "emergency": {"decision_number": "01/QĐ-UBND", "measure": "separation", "place": "Nhà bà ngoại, ấp 2"},
        "detail": {"meeting_on": today, "participants": "Công chức VH-XH, Trạm Y tế", "needs": ["health"],
                   "protection_level": "support"},
        "draft_plan": {"objectives": "Trẻ an toàn", "activities": "Trạm Y tế khám; tư vấn gia đình",
                       "review_on": today + timedelta(days=30)},
        "approve_plan": {"decision_number": "02/QĐ-UBND"},
        "start": {},
        "review": {"situation": "improved", "recommendation": "close"},
        "close": {"outcome": "safe_with_family"},
        "return_to_planning": {},
    }  # fmt: skip
    return {**forms[action], **overrides}
