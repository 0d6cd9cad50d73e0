from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case as CaseModel
from children.models import Child, Household
from indicators.models import Metric
from tanloi_portal.models import Commune, Role, User

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


# --- a province: --communes N ---------------------------------------------------------------------------------

FACT_KINDS = ("caregiver", "birthregistration", "vaccinationdose", "schoolenrolment")


class _Undo(Exception):
    """Raised to roll a seeding back, so that the same test can seed again from the same start."""


def _province_counts() -> dict:
    """Per commune: its hamlets, households, children and the facts of four kinds, and what its children are."""
    from children import models as m

    counts = {}
    for commune in Commune.objects.order_by("code"):
        children = Child.objects.filter(household__commune=commune)
        counts[commune.code] = {
            "hamlets": commune.hamlets.count(),
            "households": commune.households.count(),
            "children": sorted(children.values_list("full_name", "date_of_birth", "sex", "status")),
            "caregiver": m.Caregiver.objects.filter(child__in=children).count(),
            "birthregistration": m.BirthRegistration.objects.filter(child__in=children).count(),
            "vaccinationdose": m.VaccinationDose.objects.filter(child__in=children).count(),
            "schoolenrolment": m.SchoolEnrolment.objects.filter(child__in=children).count(),
            "growth": sorted(
                m.GrowthMeasurement.objects.filter(child__in=children).values_list("measured_on", "weight_kg", "waz")
            ),
        }
    return counts


@pytest.fixture
def figures_left_to_the_worker(monkeypatch):
    """The province seeded with compute=False: its figures marked stale, for the worker."""
    from functools import partial

    from demo import seed

    monkeypatch.setattr(seed, "seed_province", partial(seed.seed_province, compute=False))


def test_seed_demo_makes_a_province_of_communes_each_with_hamlets_a_plan_children_and_facts(
    settings, figures_left_to_the_worker
):
    from indicators.models import HamletAssessment, Measurement, StaleFigure, Target
    from indicators.selectors import current_plan

    output = _seed("--communes", "3", "--children", "600", settings=settings)
    communes = list(Commune.objects.order_by("pk"))
    assert len(communes) == 3 and communes[0].code == "tan-loi"
    first_plan = current_plan(commune=communes[0])
    metrics = sorted(Metric.objects.filter(indicator__plan=first_plan).values_list("code", flat=True))
    targets = Target.objects.filter(metric__indicator__plan=first_plan).count()
    counts = _province_counts()
    assert sum(len(c["children"]) for c in counts.values()) == 600
    for commune in communes:
        mine = counts[commune.code]
        assert 150 <= len(mine["children"]) <= 250  # a third each, give or take a quarter
        assert 10 <= mine["hamlets"] <= 16
        assert Household.objects.filter(commune=commune).values("hamlet").distinct().count() > 5
        assert all(mine[kind] > 0 for kind in FACT_KINDS)
        plan = current_plan(commune=commune)  # its own plan, with every metric and target of the first's
        assert plan.commune == commune and commune.name in plan.title
        assert sorted(Metric.objects.filter(indicator__plan=plan).values_list("code", flat=True)) == metrics
        assert Target.objects.filter(metric__indicator__plan=plan).count() == targets
        assert {i.lead_unit.commune_id for i in plan.indicators.select_related("lead_unit")} == {commune.pk}
        assert commune.reporting_chains.count() == 2 and commune.units.count() == 12
        # Entered values and assessments are there; the computed figures are marked for the worker, every
        # year of the plan so far, for the commune and each hamlet.
        years = set(range(plan.base_year, timezone.localdate().year + 1))
        assert Measurement.objects.filter(commune=commune, source="entered").count() == 9 * len(years)
        assert not Measurement.objects.filter(commune=commune, source="computed").exists()
        assert HamletAssessment.objects.filter(hamlet__commune=commune).count() == mine["hamlets"] * len(years)
        marks = StaleFigure.objects.filter(commune=commune)
        assert set(marks.values_list("year", flat=True)) == years
        assert marks.count() == (mine["hamlets"] + 1) * len(years)
    # The first commune's demo users as before; an officer for each other; the level above sees every commune.
    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= USERNAMES
    assert set(users) - USERNAMES == {f"officer-{c.code}" for c in communes[1:]}
    assert all(users[f"officer-{c.code}"].commune == c for c in communes[1:])
    assert users["district"].commune is None and users["district"].role == Role.DISTRICT
    from children.selectors.registry import communes_visible_to

    assert set(communes_visible_to(user=users["district"])) == set(communes)
    # The collaborators' reports and the cases are the first commune's.
    assert CaseModel.objects.filter(commune=communes[0]).count() == 4
    assert CaseModel.objects.filter(commune=communes[0], child__isnull=True).count() == 1  # not in the registry
    assert not CaseModel.objects.exclude(commune=communes[0]).exists()
    for stage in ("sổ theo dõi", "dữ kiện", "tổng cộng", "worker"):
        assert stage in output
    assert ("ANALYZE" in output) == (connection.vendor == "postgresql")

    again = _seed("--communes", "3", "--children", "600", settings=settings)
    assert "không tạo thêm" in again and Child.objects.count() == 600 and Commune.objects.count() == 3


def test_a_province_is_the_same_for_the_same_seed_and_another_for_another(settings, figures_left_to_the_worker):
    def seeded(*args) -> dict:
        try:
            with transaction.atomic():
                _seed("--communes", "3", "--children", "600", *args, settings=settings)
                counts = _province_counts()
                raise _Undo
        except _Undo:
            return counts

    first = seeded()
    assert not Child.objects.exists()  # rolled back
    assert seeded() == first
    other = seeded("--seed", "7")
    assert other.keys() == first.keys() and other != first


def test_a_province_computes_its_figures_of_every_year_with_recompute_communes(settings, monkeypatch):
    from demo import seed
    from indicators.models import StaleFigure
    from indicators.selectors import current_plan

    calls = []

    def recompute_communes(*, plans, period, by=None, **kwargs):
        calls.append((sorted(p.commune.code for p in plans), period.year, by.username))
        return 1

    monkeypatch.setattr(seed, "recompute_communes", recompute_communes)
    output = _seed("--communes", "2", "--children", "100", settings=settings)
    plan = current_plan(commune=Commune.objects.get(code="tan-loi"))
    years = list(range(plan.base_year, timezone.localdate().year + 1))
    assert [year for _codes, year, _by in calls] == years
    assert {tuple(codes) for codes, _year, _by in calls} == {("tan-hung", "tan-loi")}
    assert not StaleFigure.objects.exists()  # what it computed is no longer waiting for the worker
    assert "recompute_communes" in output


@pytest.mark.parametrize("communes", ["0", "-2"])
def test_seed_demo_refuses_a_province_of_no_commune(settings, communes):
    with pytest.raises(CommandError, match="--communes phải là số nguyên dương"):
        _seed("--communes", communes, "--children", "10", settings=settings)
    assert not Child.objects.exists() and Commune.objects.count() == 1


def test_children_are_split_roughly_equally_and_exactly():
    from demo.seed import split_children

    shares = split_children(500_000, 100, seed=2025)
    assert sum(shares) == 500_000 and len(shares) == 100
    assert min(shares) >= 3500 and max(shares) <= 6500 and len(set(shares)) > 50
    assert split_children(500_000, 100, seed=2025) == shares
    assert sum(split_children(7, 3)) == 7
    assert split_children(10, 1) == [10] and sum(split_children(2, 5)) == 2
