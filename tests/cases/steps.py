"""Valid content of each step's legal form, and helpers for tests that walk the process."""

from datetime import timedelta

from django.utils import timezone

from cases.services import case_step

# The steps from intake to closure, with who takes each.
WALK = [("assess", "officer"), ("detail", "officer"), ("draft_plan", "officer"), ("approve_plan", "chairman"),
        ("start", "officer"), ("review", "officer"), ("close", "chairman")]  # fmt: skip


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
        "return_plan": {},
    }  # fmt: skip
    return {**forms[action], **overrides}


def take(case, action: str, user, **kw):
    """Take a step from the case's current version (the form's valid content unless `data` is given); the case
    object passed is reloaded afterwards, whether the step was taken or refused."""
    kw.setdefault("data", valid_form(action))
    case.refresh_from_db()
    try:
        return case_step(case=case, action=action, by=user, expected_version=case.version, **kw)
    finally:
        case.refresh_from_db()


def walk(case, users, upto: int, *, confirmed: bool = False, recommendation: str = "close", **changes):
    """Take the first `upto` steps of WALK (the assessment's `confirmed`, the review's proposal and any step's
    fields, as `draft_plan={"review_on": ...}`, as given)."""
    for action, who in WALK[:upto]:
        data = valid_form(action, **changes.get(action, {}))
        if action == "assess":
            data["confirmed"] = confirmed
        if action == "review":
            data["recommendation"] = recommendation
        take(case, action, users[who], data=data, text="Trẻ an toàn" if action == "close" else "")
    return case
