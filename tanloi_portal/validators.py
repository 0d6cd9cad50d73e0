"""Checks shared by the forms of every app."""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every date the portal records (births, facts, a case's steps, deadlines) falls in this range. Python and the
# databases take years 1 to 9999, but a date typed as 01/01/0001 overflows when its time is converted to UTC,
# and working days counted from 31/12/9999 run past the calendar.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def validate_date_in_range(value: date) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Ngày phải từ %(first)s đến %(last)s."),
            code="date_out_of_range",
            params={"first": f"{EARLIEST_DATE:%d/%m/%Y}", "last": f"{LATEST_DATE:%d/%m/%Y}"},
        )


def guard_dates(form: forms.BaseForm) -> None:
    """Refuse dates and times outside the portal's range on every date field of the form."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField | forms.DateTimeField) and validate_date_in_range not in field.validators:
            field.validators.append(validate_date_in_range)
