"""The case every case test starts from: reported by a neighbour three hours ago for a child of hamlet A, with a
reporter whose name and contact must stay confidential, opened by the officer of Tân Lợi."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.services import case_open
from tests.factories import ChildFactory, HouseholdFactory

REPORTER, REPORTER_CONTACT, DESCRIPTION = "Ông Bảy", "0933444555", "Bị đánh"


@pytest.fixture
def open_case(users, hamlet_a):
    """open_case(**changes) -> a new case at intake; `hamlet`, `name` (the child's), `received` and any field of
    case_open may be changed."""

    def make(*, hamlet=None, name=None, received=None, **changes):
        household = HouseholdFactory(hamlet=hamlet or hamlet_a)
        child = ChildFactory(household=household, **({"full_name": name} if name else {}))
        fields = {"concern": "violence", "channel": "neighbour", "description": DESCRIPTION,
                  "reporter_name": REPORTER, "reporter_contact": REPORTER_CONTACT, **changes}  # fmt: skip
        received = received or timezone.now() - timedelta(hours=3)
        return case_open(child=child, received_at=received, by=users["officer"], **fields)

    return make


@pytest.fixture
def case(open_case):
    return open_case(name="Trần Thị Bé")
