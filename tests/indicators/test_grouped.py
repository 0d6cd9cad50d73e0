"""Every scope in one pass: `calculate_scopes` gives, for each metric, the values of every commune and hamlet
that each scope's own run gives, in a number of queries that does not grow with the communes or hamlets; and
`recompute_communes` stores them in bulk, with history only for what changed."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from children.demo import generate_registry
from children.demo_facts import generate_facts
from indicators.calculators import CALCULATORS, Period, Scope, calculate_all_scopes, calculate_scopes
from indicators.models import HamletAssessment, Measurement
from indicators.selectors import current_plan
from indicators.services import recompute, recompute_communes, recompute_scopes
from tanloi_portal.models import Commune, Hamlet, Unit
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
PERIODS = [
    Period(2025),
    Period(2026, 1),
    Period(2026, first=date(2025, 12, 15), last=date(2026, 12, 14)),  # Nghị định 09/2019's year
]


def counts(result):
    return (result.numerator, result.denominator, result.covered, result.population)


@pytest.fixture
def registry(commune, other_commune, users):
    """Two communes with the demo's registry and facts, some hamlet assessments and abuse cases."""
    Hamlet.objects.create(commune=other_commune, code="ap-2", name="Ấp 2", position=2)
    Unit.objects.create(commune=other_commune, code="vhxh", name="Văn hóa - Xã hội", kind=Unit.Kind.CULTURE_SOCIAL)
    for place, size in ((commune, 400), (other_commune, 150)):
        generate_registry(commune=place, children=size, today=TODAY, seed=7)
        generate_facts(commune=place, today=TODAY, seed=7)
    for i, hamlet in enumerate(Hamlet.objects.order_by("pk")):
        HamletAssessment.objects.create(hamlet=hamlet, year=2025, child_friendly=i % 2 == 0, play_space=i % 3 == 0)
    for place, born in ((commune, date(2016, 3, 1)), (other_commune, date(2018, 7, 9))):
        child = ChildFactory(household=HouseholdFactory(hamlet=place.hamlets.first()), date_of_birth=born)
        Case.objects.create(
            commune=place,
            child=child,
            concern=Case.Concern.VIOLENCE,
            channel="family",
            description="x",
            confirmed=True,
            opened_by=users["officer"],
            received_at=timezone.make_aware(datetime(2025, 5, 2, 9, 0)),
        )
    return [commune, other_commune]


@pytest.mark.parametrize("period", PERIODS, ids=["year", "half", "report-year"])
def test_every_scope_at_once_gives_what_each_scope_gives_alone(registry, period):
    communes = [c.pk for c in registry]
    keys = [(c.pk, None) for c in registry] + [
        (h.commune_id, h.pk) for h in Hamlet.objects.filter(commune__in=registry)
    ]
    assert len(keys) == 2 + 13 + 2
    for code, calculate in sorted(CALCULATORS.items()):
        grouped = calculate_scopes(code, period, communes)
        assert sorted(grouped, key=str) == sorted(keys, key=str)
        for commune_id, hamlet_id in keys:
            commune = Commune.objects.get(pk=commune_id)
            hamlet = Hamlet.objects.get(pk=hamlet_id) if hamlet_id else None
            alone = calculate(period, Scope(commune, hamlet))
            assert counts(grouped[(commune_id, hamlet_id)]) == counts(alone), (code, commune.code, hamlet_id)
            assert grouped[(commune_id, hamlet_id)].records is None


def test_the_registry_gives_figures_that_are_not_all_zero(registry):
    """The comparison above is worth something only if the data moves the figures."""
    moved = {
        code
        for code in CALCULATORS
        if any(r.numerator for r in calculate_scopes(code, Period(2025), [c.pk for c in registry]).values())
    }
    assert {"14", "8a", "4a", "4b", "5a", "5b", "1", "21", "9"} <= moved


def test_the_number_of_queries_does_not_grow_with_communes_or_hamlets(registry, commune):
    def queries(communes):
        with CaptureQueriesContext(connection) as captured:
            for code in CALCULATORS:
                calculate_scopes(code, Period(2025), communes)
        return len(captured)

    one = queries([commune.pk])
    both = queries([c.pk for c in registry])
    assert one == both
    # One per metric for its scopes, at most one for each set of rows it counts (child, fact): no per scope.
    assert one <= 3 * len(CALCULATORS)


@pytest.mark.parametrize("period", PERIODS[:2], ids=["year", "half"])
def test_all_metrics_counted_together_give_what_each_gives_alone_reading_shared_rows_once(registry, period):
    communes = [c.pk for c in registry]
    codes = sorted(CALCULATORS)
    with CaptureQueriesContext(connection) as alone_queries:
        alone = {code: calculate_scopes(code, period, communes) for code in codes}
    with CaptureQueriesContext(connection) as together_queries:
        together = calculate_all_scopes(codes, period, communes)
    assert together.keys() == alone.keys()
    for code in codes:
        assert {k: counts(r) for k, r in together[code].items()} == {k: counts(r) for k, r in alone[code].items()}
    # The under-fives (4a-4c, 5b), the children under 16 (8a-11b), a level's children (17a/17b): read once.
    assert len(together_queries) <= len(alone_queries) - 8, (len(together_queries), len(alone_queries))


def test_recompute_communes_stores_what_each_scope_computes(registry, commune, other_commune, users):
    plan = current_plan(commune=commune)  # the second commune has no plan: nothing of it is stored
    stored = recompute_communes(plans=[plan], period=Period(2025), by=users["officer"])
    rows = Measurement.objects.filter(source=Measurement.Source.COMPUTED, year=2025)
    assert stored == rows.count() == len({m.code for m in plan_metrics(plan)} & set(CALCULATORS)) * 14
    assert not rows.filter(commune=other_commune).exists()
    # Written in bulk, each as the ORM would: its "+" history record naming who asked, the row's own fields.
    created = Measurement.history.filter(history_type="+")
    assert created.count() == stored and set(created.values_list("history_user", flat=True)) == {users["officer"].pk}
    assert set(rows.values_list("by", "half", "note")) == {(users["officer"].pk, 0, "")}
    assert rows.filter(at__isnull=True).count() == 0
    first = rows.order_by("pk").first()
    record = created.get(id=first.pk)
    assert (record.value, record.numerator, record.metric_id) == (first.value, first.numerator, first.metric_id)
    by_scope = {(m.metric.code, m.hamlet_id): (m.numerator, m.denominator, m.value, m.completeness) for m in rows}
    Measurement.objects.all().delete()
    for hamlet in [None, *commune.hamlets.all()]:
        recompute(plan=plan, period=Period(2025), scope=Scope(commune, hamlet))
    alone = {(m.metric.code, m.hamlet_id): (m.numerator, m.denominator, m.value, m.completeness) for m in rows}
    assert by_scope == alone


def plan_metrics(plan):
    from indicators.models import Metric

    return Metric.objects.filter(indicator__plan=plan)


def test_a_second_recompute_writes_history_only_for_what_changed(registry, commune, hamlet_a):
    plan = current_plan(commune=commune)
    recompute_scopes(plan=plan, period=Period(2025))
    history = Measurement.history.count()
    before = dict(Measurement.objects.values_list("pk", "at"))
    recompute_scopes(plan=plan, period=Period(2025))
    assert Measurement.history.count() == history  # nothing changed: no history
    assert all(at > before[pk] for pk, at in Measurement.objects.values_list("pk", "at"))  # but computed again
    # One more child under 5 in hamlet A moves 14 (and the populations of the metrics of under-5s).
    ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2024, 2, 2))
    recompute_scopes(plan=plan, period=Period(2025))
    changed = Measurement.history.filter(history_type="~")
    assert changed.filter(metric__code="14", hamlet=hamlet_a).count() == 1
    assert changed.filter(metric__code="14", hamlet__isnull=True).count() == 1
    assert not changed.filter(metric__code="14", hamlet__code="ap-2").exists()
    assert not changed.filter(metric__code="17a").exists()  # schooling is not moved by a toddler


def test_only_the_scopes_asked_are_stored(registry, commune, hamlet_a):
    plan = current_plan(commune=commune)
    recompute_scopes(plan=plan, period=Period(2025), hamlets=[hamlet_a], commune_too=False)
    assert set(Measurement.objects.values_list("hamlet_id", flat=True)) == {hamlet_a.pk}


def test_a_hamlet_without_children_counts_zero_and_has_no_value(commune):
    empty = commune.hamlets.get(code="ap-3")
    ChildFactory(household=HouseholdFactory(hamlet=commune.hamlets.get(code="ap-1")), date_of_birth=date(2023, 1, 1))
    grouped = calculate_scopes("14", Period(2025), [commune.pk])
    assert counts(grouped[(commune.pk, empty.pk)])[:2] == (0, 0)
    assert grouped[(commune.pk, None)].denominator == 1


def test_a_day_before_the_period_and_after_it_are_outside_it(commune, hamlet_a):
    period = PERIODS[2]
    home = HouseholdFactory(hamlet=hamlet_a)
    for born in (period.start - timedelta(days=1), period.start, period.end, period.end + timedelta(days=1)):
        ChildFactory(household=home, date_of_birth=born)
    grouped = calculate_scopes("3a", period, [commune.pk])  # live births of the period: its denominator
    assert grouped[(commune.pk, hamlet_a.pk)].denominator == grouped[(commune.pk, None)].denominator == 2


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="several connections: PostgreSQL only")


def _connections_opened_by_other_threads():
    """The threads other than this one that open a database connection while the block runs."""
    import threading

    from django.db.backends.signals import connection_created

    threads = set()

    def opened(sender, connection, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            threads.add(threading.current_thread().name)

    connection_created.connect(opened, weak=False)
    return threads, lambda: connection_created.disconnect(opened)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_counts_are_read_over_several_connections_and_agree(
    committed_reference_data, registry, settings
):
    communes, codes = [c.pk for c in registry], sorted(CALCULATORS)
    settings.FIGURES_COUNT_CONNECTIONS = 1
    one_by_one = calculate_all_scopes(codes, Period(2025), communes)
    settings.FIGURES_COUNT_CONNECTIONS = 3
    threads, stop = _connections_opened_by_other_threads()
    try:
        together = calculate_all_scopes(codes, Period(2025), communes)
    finally:
        stop()
    assert len(threads) == 3 and all(name.startswith("figures") for name in threads)
    assert {c: {k: counts(r) for k, r in v.items()} for c, v in together.items()} == {
        c: {k: counts(r) for k, r in v.items()} for c, v in one_by_one.items()
    }
    assert any(r.numerator for v in together.values() for r in v.values())


@postgres_only
def test_inside_a_transaction_the_counts_see_its_writes_on_its_own_connection(registry, commune, settings):
    settings.FIGURES_COUNT_CONNECTIONS = 3
    before = calculate_scopes("14", Period(2025), [commune.pk])[(commune.pk, None)].denominator
    # A child under 5 written in this (the test's) transaction: no other connection could count it.
    ChildFactory(household=HouseholdFactory(hamlet=commune.hamlets.first()), date_of_birth=date(2022, 1, 1))
    threads, stop = _connections_opened_by_other_threads()
    try:
        after = calculate_scopes("14", Period(2025), [commune.pk])[(commune.pk, None)].denominator
    finally:
        stop()
    assert not threads and after == before + 1
