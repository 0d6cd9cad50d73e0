"""Who may write which part of the registry.

The officer writes everything in the commune. Unit staff write only what their unit owns: the health
station growth and vaccination, schools schooling, justice birth registration. Collaborators write nothing
directly: they submit household updates that the officer reviews.
"""

from tanloi_portal.models import Role, Unit

# Fact kind -> unit kinds whose staff may write it (besides the officer).
UNIT_OWNED = {
    "growth": {Unit.Kind.HEALTH},
    "vaccination": {Unit.Kind.HEALTH},
    "schooling": {Unit.Kind.SCHOOL},
    "birth_registration": {Unit.Kind.JUSTICE},
}


def can_write_registry(user) -> bool:
    """Households, children, caregivers and every fact: the officer only."""
    return user.is_authenticated and user.role == Role.OFFICER


def can_write_fact(user, kind: str) -> bool:
    if can_write_registry(user):
        return True
    if user.role != Role.UNIT_STAFF or user.unit_id is None:
        return False
    return user.unit.kind in UNIT_OWNED.get(kind, set())


def writable_fact_kinds(user, kinds) -> set[str]:
    return {kind for kind in kinds if can_write_fact(user, kind)}


# The child page's tabs, and what each role may read on it. Need to know: the officer reads everything;
# a collaborator what a hamlet worker needs on a visit (which groups, never their details, notes or events);
# unit staff the child's identity and the facts their unit keeps.
ALL_SECTIONS = frozenset({"general", "civil", "protection", "health", "school", "events", "history", "notes"})
COLLABORATOR_SECTIONS = frozenset({"general", "civil", "protection", "health", "school"})
UNIT_SECTIONS = {
    Unit.Kind.HEALTH: frozenset({"general", "civil", "health"}),
    Unit.Kind.SCHOOL: frozenset({"general", "civil", "school"}),
    Unit.Kind.JUSTICE: frozenset({"general", "civil"}),
}


def child_page_sections(user) -> frozenset[str]:
    """The parts of a child's record this user may read ("notes": free text and special-circumstance details)."""
    if user.role == Role.OFFICER:
        return ALL_SECTIONS
    if user.role == Role.COLLABORATOR:
        return COLLABORATOR_SECTIONS
    if user.role == Role.UNIT_STAFF and user.unit_id:
        return UNIT_SECTIONS.get(user.unit.kind, frozenset({"general", "civil"}))
    return frozenset()


# Every other path to a child's facts asks the same question as the child page. A list filter or an export
# column that reads a section the user may not read is neither offered nor honoured (docs/security.md).
FILTER_SECTIONS = {"group": "protection", "school_status": "school", "no_birth_registration": "civil"}
EXPORT_COLUMN_SECTIONS = {
    "birth_registered": "civil",
    "registered_on": "civil",
    "groups": "protection",
    "notes": "notes",
}


def child_filters_for(user) -> frozenset[str]:
    """The child list's section-bound filters this user may use (the others read only the general section)."""
    sections = child_page_sections(user)
    return frozenset(name for name, section in FILTER_SECTIONS.items() if section in sections)


def export_column_allowed(user, key: str) -> bool:
    """Whether a column of the child export may be written for this user."""
    section = EXPORT_COLUMN_SECTIONS.get(key, "general")
    return section in child_page_sections(user)
