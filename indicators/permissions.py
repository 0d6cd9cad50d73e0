"""Who may enter an indicator's value by hand: the officer, and the staff of the indicator's lead unit
(a school's staff for what "Các trường trên địa bàn" leads)."""

from children.permissions import child_page_sections
from tanloi_portal.models import Role

BOARD_ROLES = (Role.OFFICER, Role.UNIT_STAFF, Role.CHAIRMAN, Role.DISTRICT, Role.ADMIN)
# The children behind a figure: only those who may read the registry of the whole commune.
DRILL_DOWN_ROLES = (Role.OFFICER, Role.UNIT_STAFF)
# Asking the worker to recompute a year ("Tính lại"): the officer of the commune.
RECOMPUTE_ROLES = (Role.OFFICER,)


def can_recompute(user, plan) -> bool:
    return user.role == Role.OFFICER and user.commune_id == plan.commune_id


# The plan's documents (its PDF and .docx, reports/views_documents.py) are the commune's own: its officer, who
# edits the plan's words, and its chairman, who signs it.
PLAN_DOCUMENT_ROLES = (Role.OFFICER, Role.CHAIRMAN)
PLAN_TEXT_ROLES = (Role.OFFICER,)


def can_read_plan_documents(user, plan) -> bool:
    return plan is not None and user.role in PLAN_DOCUMENT_ROLES and user.commune_id == plan.commune_id


def can_edit_plan_text(user, plan) -> bool:
    return can_read_plan_documents(user, plan) and user.role in PLAN_TEXT_ROLES


# Choosing a metric's base year (with a reason) is the officer's, as recomputing is.
can_set_baseline = can_recompute


def can_enter(user, metric, plan) -> bool:
    if user.role == Role.OFFICER:
        return user.commune_id == plan.commune_id
    if user.role == Role.UNIT_STAFF and user.unit_id:
        lead = metric.indicator.lead_unit_id
        return lead in (user.unit_id, user.unit.parent_id)
    return False


# The part of the child page a metric's drill-down reveals: a user sees the children behind a figure only
# where the child page would show them that part (children.permissions.child_page_sections).
DRILL_DOWN_SECTION = {
    **dict.fromkeys(["8a", "8b", "20b", "9"], "protection"),
    **dict.fromkeys(["10", "11a", "11b", "13"], "events"),
    **dict.fromkeys(["2", "4a", "4b", "4c", "5a", "5b"], "health"),
    **dict.fromkeys(["16", "17a", "17b", "18a", "18b"], "school"),
    **dict.fromkeys(["3a", "3b", "3c", "14"], "civil"),
}


def can_drill_down(user, metric) -> bool:
    section = DRILL_DOWN_SECTION.get(metric.code)
    return section is not None and section in child_page_sections(user)
