"""Reads of the registry, always scoped to what the user may see (registry), and a child's full profile
with its history (profile)."""

from children.selectors.profile import child_history, child_profile
from children.selectors.registry import (
    AGE_BANDS,
    ChildFilters,
    Totals,
    child_list,
    children_visible_to,
    commune_hamlets,
    commune_summary,
    communes_visible_to,
    current_school_year,
    get_child_for_user,
    get_household_for_user,
    hamlet_summary,
    hamlets_visible_to,
    household_children,
    household_list,
    households_visible_to,
    possible_duplicates,
    totals_of,
)
from children.selectors.updates import (
    QueueCounts,
    get_update_for_user,
    queue_counts,
    review_queue,
    updates_visible_to,
)

__all__ = [
    "AGE_BANDS",
    "ChildFilters",
    "QueueCounts",
    "Totals",
    "child_history",
    "child_list",
    "child_profile",
    "children_visible_to",
    "commune_hamlets",
    "commune_summary",
    "communes_visible_to",
    "current_school_year",
    "get_child_for_user",
    "get_household_for_user",
    "get_update_for_user",
    "hamlet_summary",
    "hamlets_visible_to",
    "household_children",
    "household_list",
    "households_visible_to",
    "possible_duplicates",
    "queue_counts",
    "review_queue",
    "totals_of",
    "updates_visible_to",
]
