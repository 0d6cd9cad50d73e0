"""Each role's home page (reports/): what it counts, and that it counts in a fixed number of queries."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from children.household_updates import update_submit
from tanloi_portal.models import Unit
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def test_a_school_carries_out_the_tasks_of_its_group_on_its_home_page(users, client_for, commune):
    school = users["school"].unit
    group = Unit.objects.get(commune=commune, code="cac-truong")
    assert school.parent == group and not school.tasks and group.tasks
    content = client_for(users["school"]).get(reverse("home-unit")).content.decode()
    assert "Nhiệm vụ theo kế hoạch" in content
    assert group.tasks.splitlines()[0].strip() in content
    # A unit with tasks of its own shows those, not another unit's.
    health = users["health"].unit
    health_page = client_for(users["health"]).get(reverse("home-unit")).content.decode()
    assert health.tasks.splitlines()[0].strip() in health_page
    assert group.tasks.splitlines()[0].strip() not in health_page


def test_the_officers_home_tells_how_long_the_oldest_concern_has_waited(users, client_for, hamlet_a):
    now = timezone.now()
    for hours in (50, 3):  # the older first, then a recent one
        home = HouseholdFactory(hamlet=hamlet_a)
        child = ChildFactory(household=home)
        data = {"child": str(child.pk), "urgent": "False", "description": "Lo ngại"}
        with mock.patch("django.utils.timezone.now", return_value=now - timedelta(hours=hours)):
            update_submit(user=users["ctv_a"], household=home, kind="safety_concern", client_id=uuid.uuid4(),
                          data=data)  # fmt: skip
    content = client_for(users["officer"]).get(reverse("home-officer")).content.decode()
    assert "2 lo ngại về an toàn của trẻ chờ tiếp nhận" in content
    assert "chờ lâu nhất: 2 ngày 2 giờ" in content
