"""Who may enter an indicator's value by hand: the officer, and the staff of the indicator's lead unit
(a school's staff for what "Các trường trên địa bàn" leads)."""

from tanloi_portal.models import Role

BOARD_ROLES = (Role.OFFICER, Role.UNIT_STAFF, Role.CHAIRMAN, Role.DISTRICT, Role.ADMIN)
# The children behind a figure: only those who may read the registry of the whole commune.
DRILL_DOWN_ROLES = (Role.OFFICER, Role.UNIT_STAFF)


def can_enter(user, metric, plan) -> bool:
    if user.role == Role.OFFICER:
        return user.commune_id == plan.commune_id
    if user.role == Role.UNIT_STAFF and user.unit_id:
        lead = metric.indicator.lead_unit_id
        return lead in (user.unit_id, user.unit.parent_id)
    return False
