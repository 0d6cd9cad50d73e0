"""Fill the deadlines the case list now sorts and pages by in the database: each case's own next deadline
(Case.due_at) and each task's due time, the end of its day in the commune's time (Task.due_at).

Computed as cases.deadlines computed them when this migration was written: a frozen copy, since a migration
never imports the app's code. Every row is kept; nothing else on it changes (no version, no updated_at)."""

from datetime import datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db import migrations
from django.utils import timezone

EMERGENCY_HOURS, PLAN_DRAFT_DAYS, PLAN_APPROVAL_DAYS = 12, 5, 7


@lru_cache(maxsize=32)
def _holidays(year):
    return frozenset(holidays.country_holidays("VN", years=[year]))


def _working_days_after(day, count):
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in _holidays(day.year):
            count -= 1
    return day


def _end_of(day):
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _own_due_at(case):
    status, received = case.status, case.received_at
    planning_day = timezone.localtime(case.replan_from or received).date()
    if status == "intake" or (status == "assessed" and case.immediate_danger is True):
        return received + timedelta(hours=EMERGENCY_HOURS)
    if status in ("assessed", "emergency", "detailed") or (status == "reviewed" and case.recommendation == "plan_again"):
        return _end_of(_working_days_after(planning_day, PLAN_DRAFT_DAYS))
    if status == "plan_drafted":
        return _end_of(_working_days_after(planning_day, PLAN_APPROVAL_DAYS))
    if status in ("plan_approved", "in_progress") and case.review_on:
        return _end_of(case.review_on)
    return None


def fill(apps, schema_editor):
    Case, Task = apps.get_model("cases", "Case"), apps.get_model("cases", "Task")
    fields = ("pk", "status", "received_at", "immediate_danger", "recommendation", "replan_from", "review_on")
    cases = list(Case.objects.only(*fields))
    for case in cases:
        case.due_at = _own_due_at(case)
    Case.objects.bulk_update(cases, ["due_at"], batch_size=500)
    tasks = list(Task.objects.only("pk", "due_on"))
    for task in tasks:
        task.due_at = _end_of(task.due_on)
    Task.objects.bulk_update(tasks, ["due_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_and_task_due_at")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
