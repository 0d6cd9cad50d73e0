"""Two officers approving the same submission at the same moment apply it once."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from children.household_updates import AlreadyReviewed, update_approve, update_submit
from children.models import Child, HouseholdUpdate
from tanloi_portal.models import Hamlet, Role
from tests.factories import HouseholdFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_approving_at_once_apply_the_change_once(committed_reference_data):
    hamlet = Hamlet.objects.get(commune__code="tan-loi", code="ap-1")
    household = HouseholdFactory(hamlet=hamlet)
    collaborator = UserFactory(username="ctv-1", role=Role.COLLABORATOR, hamlet=hamlet)
    officers = [UserFactory(username=f"officer-{i}", role=Role.OFFICER) for i in range(2)]
    born = (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y")
    update = update_submit(
        user=collaborator,
        household=household,
        kind="new_birth",
        data={"full_name": "Vũ Thị Song", "sex": "F", "date_of_birth": born, "birth_registered": "False"},
        client_id=uuid.uuid4(),
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(officer):
        try:
            start.wait(timeout=10)
            update_approve(update=HouseholdUpdate.objects.get(pk=update.pk), by=officer)
            outcomes.append("applied")
        except AlreadyReviewed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["applied", "refused"]
    assert Child.objects.filter(full_name="Vũ Thị Song").count() == 1
    update.refresh_from_db()
    assert update.state == "approved" and update.reviewed_by in officers
