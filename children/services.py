"""Writes to the registry. Views and commands call these; nothing else writes registry rows."""

from datetime import date

from django.db import transaction

from children.models import Child, Hamlet, Household
from tanloi_portal.text import fold, name_sort_key


def child_name_fields(full_name: str) -> dict[str, str]:
    """The stored name and the keys derived from it (search without diacritics, Vietnamese sort order)."""
    name = " ".join(full_name.split())
    return {"full_name": name, "name_search": fold(name), "name_sort_key": name_sort_key(name)}


def household_name_fields(head_name: str) -> dict[str, str]:
    name = " ".join(head_name.split())
    return {"head_name": name, "head_name_search": fold(name)}


@transaction.atomic
def household_create(*, hamlet: Hamlet, code: str, head_name: str, address: str = "", by=None) -> Household:
    household = Household(
        commune_id=hamlet.commune_id,
        hamlet=hamlet,
        code=code.strip(),
        address=address,
        **household_name_fields(head_name),
    )
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def child_register(
    *,
    household: Household,
    full_name: str,
    sex: str,
    date_of_birth: date,
    ethnicity: str = "Kinh",
    by=None,
) -> Child:
    child = Child(
        household=household, sex=sex, date_of_birth=date_of_birth, ethnicity=ethnicity, **child_name_fields(full_name)
    )
    child.full_clean()
    child.save()
    return child
