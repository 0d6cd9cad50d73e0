"""Fresh figures: a change marks its years and scopes stale once it commits, one debounced recompute
computes them, the board says when each figure was computed and which are being recomputed."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from celery.exceptions import Retry
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.services import case_open, case_step
from children.models import BirthRegistration, GrowthMeasurement
from children.signals import registry_changed
from indicators import freshness, tasks
from indicators.calculators import Period
from indicators.models import HamletAssessment, Measurement, StaleFigure
from indicators.selectors import current_plan, metric_values
from indicators.services import recompute_scopes
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def marks() -> set[tuple]:
    """(hamlet code or None, year) of every stale mark."""
    return {(code, year) for code, year in StaleFigure.objects.values_list("hamlet__code", "year")}


def value(plan, code, year, hamlet=None):
    return next(v for v in metric_values(plan=plan, year=year, hamlet=hamlet) if v.metric.code == code)


@pytest.fixture(autouse=True)
def no_recompute_queued_yet():
    """The debounce remembers a queued recompute in the cache: each test starts with none."""
    cache.delete_many([freshness.SCHEDULED_KEY, freshness.RUNNING_KEY])


def computed() -> list[tuple]:
    rows = Measurement.objects.values_list("metric__code", "hamlet_id", "year", "numerator", "denominator")
    return sorted(rows, key=str)


@pytest.fixture
def plan(commune):
    return current_plan(commune=commune)


@pytest.fixture
def auto_refresh(settings):
    """The worker's debounced recompute, run in the caller as the tests' eager tasks are."""
    settings.FIGURES_AUTO_REFRESH = True


def test_a_fact_marks_its_hamlet_and_the_commune_from_its_year_to_this_year(hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 1))
    StaleFigure.objects.all().delete()
    GrowthMeasurement.objects.create(child=child, measured_on=date(2024, 5, 1), weight_kg=14)
    years = range(2024, THIS_YEAR + 1)
    assert marks() == {(scope, y) for y in years for scope in (None, "ap-1")}


def test_a_new_child_marks_every_year_from_its_birth_and_nothing_before_the_plan(hamlet_a):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2023, 8, 1))
    assert {y for _s, y in marks()} == set(range(2023, THIS_YEAR + 1))
    StaleFigure.objects.all().delete()
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2012, 8, 1))
    assert min(y for _s, y in marks()) == 2021  # the plan starts in 2021


def test_nothing_is_marked_when_the_change_rolls_back(hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 1))
    StaleFigure.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        GrowthMeasurement.objects.create(child=child, measured_on=date(2024, 5, 1), weight_kg=14)
        raise RuntimeError
    assert not StaleFigure.objects.exists()


def test_a_failing_mark_never_fails_the_request_and_waits_for_the_next_flush(hamlet_a, monkeypatch):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 1))
    StaleFigure.objects.all().delete()
    upsert = freshness._upsert

    def locked(rows):
        raise freshness.Hamlet.DoesNotExist("database is locked")

    monkeypatch.setattr(freshness, "_upsert", locked)
    GrowthMeasurement.objects.create(child=child, measured_on=date(2024, 5, 1), weight_kg=14)  # no exception
    assert not StaleFigure.objects.exists()
    monkeypatch.setattr(freshness, "_upsert", upsert)
    GrowthMeasurement.objects.create(child=child, measured_on=date(2025, 5, 1), weight_kg=15)
    assert ("ap-1", 2024) in marks()  # the first change's note was kept for this flush


def test_marks_wait_for_the_commit(hamlet_a, django_capture_on_commit_callbacks):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 1))
    StaleFigure.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        GrowthMeasurement.objects.create(child=child, measured_on=date(2024, 5, 1), weight_kg=14)
        GrowthMeasurement.objects.create(child=child, measured_on=date(2024, 9, 1), weight_kg=15)
    assert not StaleFigure.objects.exists() and callbacks
    for callback in callbacks:
        callback()
    assert ("ap-1", 2024) in marks()


def test_a_child_moving_to_another_hamlet_marks_both(hamlet_a, hamlet_b):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2022, 3, 1))
    StaleFigure.objects.all().delete()
    child.household = HouseholdFactory(hamlet=hamlet_b)
    child.save()
    assert {s for s, _y in marks()} == {None, "ap-1", "ap-2"}


def test_a_household_moving_to_another_hamlet_marks_both(hamlet_a, hamlet_b):
    home = HouseholdFactory(hamlet=hamlet_a)
    ChildFactory(household=home, date_of_birth=date(2022, 3, 1))
    StaleFigure.objects.all().delete()
    home.address = "Tổ 3"
    home.save()
    assert not marks()  # a new address moves no figure
    home.hamlet = hamlet_b
    home.save()
    assert {s for s, _y in marks()} == {None, "ap-1", "ap-2"}


def test_a_case_and_an_assessment_mark_their_hamlet(hamlet_a, users, django_capture_on_commit_callbacks):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2015, 3, 1))
    StaleFigure.objects.all().delete()
    received = timezone.now() - timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):  # the services' own transactions commit
        case = case_open(child=child, concern="violence", channel="family", received_at=received,
                         description="Báo tin", by=users["officer"])  # fmt: skip
    assert ("ap-1", received.year) in marks()
    StaleFigure.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        case_step(case=case, action="assess", by=users["officer"], expected_version=case.version,
                  data={"risk": "high", "immediate_danger": True})  # fmt: skip
    assert ("ap-1", received.year) in marks()  # the step's update bypasses the model's signals
    StaleFigure.objects.all().delete()
    HamletAssessment.objects.create(hamlet=hamlet_a, year=2024, child_friendly=True, play_space=False)
    assert marks() == {(s, y) for y in range(2024, THIS_YEAR + 1) for s in (None, "ap-1")}


def test_an_import_marks_every_hamlet_of_the_commune(commune):
    registry_changed.send(sender=None, commune=commune, hamlets=None, first_year=None)
    assert len(marks()) == (1 + commune.hamlets.count()) * len(range(2021, THIS_YEAR + 1))


def test_many_changes_within_the_debounce_queue_one_recompute(hamlet_a, settings, monkeypatch):
    settings.FIGURES_AUTO_REFRESH = True
    queued = []
    monkeypatch.setattr(tasks.refresh_stale_figures, "apply_async", lambda **kw: queued.append(kw))
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2019, 3, 1))
    for month in range(1, 8):
        GrowthMeasurement.objects.create(child=child, measured_on=date(2024, month, 1), weight_kg=14)
    assert queued == [{"countdown": settings.FIGURES_DEBOUNCE_SECONDS}]


def test_a_broker_out_of_reach_keeps_the_marks_for_the_next_run(hamlet_a, settings, monkeypatch):
    settings.FIGURES_AUTO_REFRESH = True

    def down(**kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.refresh_stale_figures, "apply_async", down)
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2024, 3, 1))
    assert marks()  # the change is saved and marked; nothing raised


def test_a_registry_change_reaches_the_board_through_the_worker(plan, hamlet_a, auto_refresh):
    home = HouseholdFactory(hamlet=hamlet_a)
    children = [ChildFactory(household=home, date_of_birth=date(2024, 1, 1 + i)) for i in range(4)]
    assert value(plan, "14", 2025).value == 0 and not StaleFigure.objects.exists()
    BirthRegistration.objects.create(child=children[0], registered_on=date(2024, 2, 1))
    fresh = value(plan, "14", 2025)
    assert (fresh.numerator, fresh.denominator, fresh.value) == (1, 4, 25) and not fresh.stale
    assert value(plan, "14", 2025, hamlet_a).value == 25 and not StaleFigure.objects.exists()


def test_a_figure_older_than_its_last_change_is_marked_as_being_recomputed(plan, hamlet_a, users, client_for):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2024, 1, 1))
    recompute_scopes(plan=plan, period=Period(2025))
    StaleFigure.objects.all().delete()
    assert not value(plan, "14", 2025).stale
    freshness.mark_year(plan=plan, year=2025)
    stale = value(plan, "14", 2025)
    assert stale.stale and stale.value == 0  # the old figure is still shown, marked
    assert not value(plan, "6", 2025).stale  # entered metrics are never recomputed
    client = client_for(users["chairman"])
    page = client.get(reverse("indicators:board"), {"nam": 2025}).content.decode()
    assert "Đang tính lại" in page and "board-freshness.js" in page and "tính lúc" in page.lower()
    assert client.get(reverse("indicators:freshness"), {"nam": 2025}).json()["stale"] is True
    freshness.refresh_stale()
    assert not value(plan, "14", 2025).stale
    assert client.get(reverse("indicators:freshness"), {"nam": 2025}).json()["stale"] is False
    assert "Đang tính lại" not in client.get(reverse("indicators:board"), {"nam": 2025}).content.decode()


def test_the_recompute_is_idempotent_and_keeps_marks_changed_while_it_ran(plan, hamlet_a, monkeypatch):
    home = HouseholdFactory(hamlet=hamlet_a)
    for i in range(3):
        ChildFactory(household=home, date_of_birth=date(2024, 1, 1 + i))
    freshness.mark_year(plan=plan, year=2025)
    freshness.refresh_stale()
    first = computed()
    freshness.mark_year(plan=plan, year=2025)  # the same task delivered twice
    freshness.refresh_stale()
    again = computed()
    assert first == again and not StaleFigure.objects.exists()
    # A change made while the run computes moves its mark's time on: the mark stays for the next run.
    freshness.mark_year(plan=plan, year=2025)
    compute = freshness.recompute_communes

    def computing_while_a_change_comes(**kwargs):
        stored = compute(**kwargs)
        StaleFigure.objects.filter(scope_key=0).update(changed_at=timezone.now() + timedelta(seconds=1))
        return stored

    monkeypatch.setattr(freshness, "recompute_communes", computing_while_a_change_comes)
    freshness.refresh_stale()
    assert list(StaleFigure.objects.values_list("scope_key", "year")) == [(0, 2025)]


def test_one_recompute_at_a_time_and_a_busy_one_is_tried_again(plan, monkeypatch):
    freshness.mark_year(plan=plan, year=2025)
    cache.add(freshness.RUNNING_KEY, True, timeout=60)  # another run holds the lock
    try:
        with pytest.raises(freshness.Busy):
            freshness.refresh_stale()
        retried = []
        monkeypatch.setattr(tasks.refresh_stale_figures, "retry", lambda **kw: retried.append(kw) or Retry())
        with pytest.raises(Retry):
            tasks.refresh_stale_figures.run()
        assert retried == [{"countdown": tasks.BUSY_RETRY_SECONDS}] and StaleFigure.objects.exists()
    finally:
        cache.delete(freshness.RUNNING_KEY)
    assert freshness.refresh_stale() > 0 and not StaleFigure.objects.exists()


def test_marks_left_after_a_run_always_get_a_run_even_when_one_was_said_to_be_queued(plan, settings, monkeypatch):
    """A run queued during another finds it busy; the first, finishing, must not take that run as coming."""
    settings.FIGURES_AUTO_REFRESH = True
    queued = []
    monkeypatch.setattr(tasks.refresh_stale_figures, "apply_async", lambda **kw: queued.append(kw))
    cache.add(freshness.SCHEDULED_KEY, True, timeout=120)
    later = timezone.now() + timedelta(hours=1)
    StaleFigure.objects.create(commune=plan.commune, scope_key=0, year=2025, changed_at=later)
    original = freshness._refresh

    def run_while_a_change_comes(commune_id):
        stored = original(commune_id)
        cache.add(freshness.SCHEDULED_KEY, True, timeout=120)  # a change during the run queued one
        StaleFigure.objects.create(commune=plan.commune, scope_key=0, year=2024, changed_at=later)
        return stored

    monkeypatch.setattr(freshness, "_refresh", run_while_a_change_comes)
    freshness.refresh_stale()
    assert queued and StaleFigure.objects.filter(year=2024).exists()


def test_the_officers_recompute_button_queues_the_year_and_shows_its_result(plan, hamlet_a, users, client_for):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2024, 1, 1))
    client = client_for(users["officer"])
    board = client.get(reverse("indicators:board"), {"nam": 2025}).content.decode()
    assert f'action="{reverse("indicators:recompute")}"' in board
    response = client.post(reverse("indicators:recompute"), {"nam": 2025}, follow=True)
    assert "Đã yêu cầu tính lại số liệu năm 2025" in response.content.decode()
    assert Measurement.objects.filter(year=2025, source="computed", hamlet=None).count() > 20
    assert Measurement.objects.filter(year=2025, source="computed", hamlet=hamlet_a).exists()
    assert not StaleFigure.objects.filter(year=2025).exists()
    chairman_board = client_for(users["chairman"]).get(reverse("indicators:board"), {"nam": 2025}).content.decode()
    assert reverse("indicators:recompute") not in chairman_board


def test_the_recompute_button_says_so_when_the_worker_cannot_be_reached(plan, users, client_for, monkeypatch):
    def down(*args):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.recompute_year, "delay", down)
    response = client_for(users["officer"]).post(reverse("indicators:recompute"), {"nam": 2025}, follow=True)
    assert "Chưa gửi được yêu cầu" in response.content.decode()
    assert StaleFigure.objects.filter(year=2025).count() == 1 + plan.commune.hamlets.count()


def test_the_nightly_run_recomputes_this_year_and_the_last(plan, hamlet_a):
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2024, 1, 1))
    StaleFigure.objects.all().delete()
    tasks.recompute_recent_years()
    years = set(Measurement.objects.filter(source="computed").values_list("year", flat=True))
    assert years == {THIS_YEAR - 1, THIS_YEAR}


def test_indicator_values_prints_fresh_figures_after_a_change(plan, hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a)
    children = [ChildFactory(household=home, date_of_birth=date(2024, 1, 1 + i)) for i in range(2)]
    BirthRegistration.objects.create(child=children[0], registered_on=date(2024, 2, 1))

    def printed():
        out = StringIO()
        call_command("indicator_values", "--year", "2025", stdout=out)
        return next(v for v in json.loads(out.getvalue())["values"] if v["metric"] == "14")

    assert (printed()["value"], printed()["computed_at"] is not None) == (50, True)
    BirthRegistration.objects.create(child=children[1], registered_on=date(2024, 2, 1))
    assert printed()["value"] == 100  # no recompute_indicators in between


@pytest.mark.parametrize("year", ["", "2019", "2999", "abc", "²"])
def test_a_recompute_of_a_year_outside_the_plan_is_refused_with_a_message(plan, users, client_for, year):
    response = client_for(users["officer"]).post(reverse("indicators:recompute"), {"nam": year})
    assert response.status_code == 400
    assert "Năm cần tính lại không hợp lệ: chọn một năm từ 2021 đến" in response.content.decode()
    assert not StaleFigure.objects.exists()
