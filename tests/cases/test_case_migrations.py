"""The deadlines the case list sorts by are filled for the cases and tasks already recorded (migrations 0005-0007),
as the services now store them, and nothing else on the rows changes."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.deadlines import end_of, own_due_at
from cases.models import Case, Task
from tanloi_portal.models import Commune, Role
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

BEFORE = [("cases", "0004_commune_from_the_ground_floor")]
AFTER = [("cases", "0007_task_due_at_required")]
# The case's columns added after AFTER (0010: a child not in the registry), not read at AFTER.
LATER_FIELDS = ("reported_name", "reported_age", "reported_hamlet")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_every_case_and_task_gets_the_deadline_the_services_would_store(committed_reference_data):
    commune = Commune.objects.get(code="tan-loi")
    officer = UserFactory(username="officer-m", role=Role.OFFICER, commune=commune)
    household = HouseholdFactory(hamlet=commune.hamlets.get(code="ap-1"))
    old = _migrate(BEFORE)
    OldCase = old.get_model("cases", "Case")
    now = timezone.now()
    # Wednesday 03/02/2027 09:00, just before Tết: the plan's draft is due 17/02, its approval 19/02.
    before_tet = timezone.make_aware(timezone.datetime(2027, 2, 3, 9, 0))
    rows = [
        {"status": "intake", "received_at": now - timedelta(hours=3)},
        {"status": "assessed", "immediate_danger": True, "received_at": now - timedelta(hours=3)},
        {"status": "assessed", "immediate_danger": False, "received_at": before_tet},
        {"status": "plan_drafted", "received_at": before_tet},
        {"status": "reviewed", "recommendation": "plan_again", "received_at": before_tet, "replan_from": now},
        {"status": "reviewed", "recommendation": "close", "received_at": before_tet},
        {"status": "in_progress", "review_on": date(2027, 3, 1), "received_at": before_tet},
        {"status": "closed", "received_at": before_tet},
    ]
    made = []
    for fields in rows:
        child = ChildFactory(household=household)
        common = {"concern": "violence", "channel": "family", "description": "x", "opened_by_id": officer.pk}
        made.append(OldCase.objects.create(commune_id=commune.pk, child_id=child.pk, **common, **fields))
    assignment = old.get_model("cases", "Assignment").objects.create(
        case_id=made[-2].pk, unit_id=commune.units.get(code="tram-y-te").pk
    )
    task = old.get_model("cases", "Task").objects.create(assignment=assignment, what="Khám", due_on=date(2027, 2, 20))
    versions = {c.pk: (c.version, c.updated_at) for c in OldCase.objects.all()}

    _migrate(AFTER)
    try:
        cases = {c.pk: c for c in Case.objects.defer(*LATER_FIELDS).filter(pk__in=[c.pk for c in made])}
        assert [cases[c.pk].due_at for c in made] == [own_due_at(cases[c.pk]) for c in made]
        assert cases[made[2].pk].due_at == end_of(date(2027, 2, 17))
        assert cases[made[3].pk].due_at == end_of(date(2027, 2, 19))
        assert cases[made[1].pk].due_at == cases[made[1].pk].received_at + timedelta(hours=12)
        assert cases[made[5].pk].due_at is None and cases[made[7].pk].due_at is None
        assert Task.objects.get(pk=task.pk).due_at == end_of(date(2027, 2, 20))
        assert {c.pk: (c.version, c.updated_at) for c in cases.values()} == versions
    finally:
        # Back to the latest state for the tests after this one, whatever happened.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
