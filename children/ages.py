"""Ages are computed at a reference date, never stored."""

from datetime import date


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on a date (a child born on 29/02 turns a year older on 01/03)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def birth_date_bounds_for_age(age_from: int, age_to: int, on: date) -> tuple[date, date]:
    """The birth dates (earliest, latest) of children aged age_from..age_to completed years on a date."""
    latest = _years_before(on, age_from)
    earliest = _years_before(on, age_to + 1)
    return date.fromordinal(earliest.toordinal() + 1), latest


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29/02 in a year that has none
        return on.replace(year=on.year - years, day=28)
