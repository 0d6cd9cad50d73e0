from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from children.models import Child, Household
from tanloi_portal.models import Role, User

pytestmark = pytest.mark.django_db

USERNAMES = {"officer", "chairman", "district", "admin", "tramyte", "truong-mn", "truong-th", "truong-thcs"}
USERNAMES |= {"congan", "tuphap"} | {f"ctv-ap{i}" for i in range(1, 14)}


def _seed(*args, debug=True, settings=None) -> str:
    settings.DEBUG = debug
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_every_user_and_a_registry_like_a_real_commune_once(settings):
    # One seeding for the users, the registry's shape and the second run (seeding dominates the module's time).
    output = _seed("--children", "600", "--password", "thu-nghiem", settings=settings)
    users = {u.username: u for u in User.objects.select_related("hamlet", "unit")}
    assert set(users) == USERNAMES
    assert users["ctv-ap7"].role == Role.COLLABORATOR and users["ctv-ap7"].hamlet.name == "Ấp 7"
    assert users["tramyte"].unit.kind == "health"
    assert {users[u].unit.code for u in ("truong-mn", "truong-th", "truong-thcs")} == {
        "truong-mn",
        "truong-th",
        "truong-thcs",
    }
    assert users["congan"].unit.kind == "police" and users["tuphap"].unit.kind == "justice"
    assert users["admin"].is_superuser and not users["officer"].is_staff
    assert all(u.check_password("thu-nghiem") for u in users.values())
    for username in USERNAMES:
        assert username in output

    children = list(Child.objects.select_related("household"))
    assert len(children) == 600
    households = Household.objects.count()
    assert 250 <= households <= 400  # about two children a household
    assert Household.objects.values("hamlet").distinct().count() == 13
    assert any(c.full_name != c.name_search for c in children)  # diacritics kept
    ethnicities = {c.ethnicity for c in children}
    assert "Kinh" in ethnicities and len(ethnicities) >= 3
    today = timezone.localdate()
    ages = {(today - c.date_of_birth).days // 365 for c in children}
    assert min(ages) == 0 and max(ages) == 17
    assert {c.sex for c in children} == {"M", "F"}
    assert all(c.date_of_birth <= today for c in children)

    again = _seed("--children", "50", "--password", "khac-han", settings=settings)
    assert Child.objects.count() == 600
    assert User.objects.count() == len(USERNAMES)
    assert "không tạo thêm" in again and "(đã có)" in again
    assert User.objects.get(username="officer").check_password("thu-nghiem")  # kept its password


def test_seed_demo_refuses_when_debug_is_off_unless_forced(settings):
    with pytest.raises(CommandError, match="DEBUG"):
        _seed("--children", "10", debug=False, settings=settings)
    assert not User.objects.exists() and not Child.objects.exists()
    _seed("--children", "10", "--force", debug=False, settings=settings)
    assert Child.objects.count() == 10


def test_seed_demo_fills_every_kind_of_fact(settings):
    from children import models as m

    _seed("--children", "1500", settings=settings)
    kinds = [
        m.Caregiver,
        m.HouseholdPoverty,
        m.BirthRegistration,
        m.CircumstanceMembership,
        m.SupportRecord,
        m.Disability,
        m.GrowthMeasurement,
        m.VaccinationDose,
        m.SchoolEnrolment,
        m.Death,
        m.Injury,
        m.ChildLabour,
        m.ChildMarriage,
    ]
    empty = [model.__name__ for model in kinds if not model.objects.exists()]
    assert empty == []
    # Deaths match the children marked deceased; growth z-scores were computed.
    assert m.Death.objects.count() == m.Child.objects.filter(status="deceased").count()
    assert not m.GrowthMeasurement.objects.filter(waz__isnull=True, weight_kg__isnull=False).exists()
