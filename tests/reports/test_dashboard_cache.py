"""The dashboards' figures kept in the cache (reports/dashboard_cache.py): a second read costs fewer queries and
shows the same; every write that changes what they show is on the next read, never behind; a commune's change
leaves the others' entries; a cache that fails costs only the time."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import BirthRegistration, HouseholdUpdate
from indicators.calculators import Period, Scope
from indicators.models import Metric
from indicators.selectors import current_plan
from indicators.services import enter_value, recompute_scopes
from reports import dashboard, dashboard_cache
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def plan(commune):
    return current_plan(commune=commune)


def _children(hamlet, n, *, registered):
    made = []
    for i in range(n):
        child = ChildFactory(household=HouseholdFactory(hamlet=hamlet), date_of_birth=date(2022, 1 + i % 12, 1))
        if i < registered:
            BirthRegistration.objects.create(child=child, registered_on=date(2022, 6, 1))
        made.append(child)
    return made


def _page(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home-chairman"), {"nam": YEAR})
    assert page.status_code == 200
    return page.context["d"], len(queries)


def _value(d, code):
    return next(v for _o, values in d.objectives for v in values if v.metric.code == code)


def test_a_second_read_comes_from_the_cache_with_the_same_figures(users, client_for, plan, hamlet_a):
    _children(hamlet_a, 4, registered=3)
    recompute_scopes(plan=plan, period=Period(YEAR))
    client = client_for(users["chairman"])
    first, cold = _page(client)
    second, warm = _page(client)
    assert warm < cold - 5, (cold, warm)
    assert [(v.metric.code, v.value, v.progress.status) for _o, vs in second.objectives for v in vs] == [
        (v.metric.code, v.value, v.progress.status) for _o, vs in first.objectives for v in vs
    ]
    assert (_value(second, "14").numerator, _value(second, "14").denominator) == (3, 4)
    assert second.groups.rows == first.groups.rows and second.health == first.health


def test_a_registry_change_shows_stale_at_once_and_the_recompute_its_new_figure(users, client_for, plan, hamlet_a):
    children = _children(hamlet_a, 4, registered=2)
    recompute_scopes(plan=plan, period=Period(YEAR))
    client = client_for(users["chairman"])
    d, _queries = _page(client)
    assert (_value(d, "14").value, d.stale) == (50, 0)
    # A registration recorded: the figures are marked stale (the worker's recompute waits for its debounce).
    BirthRegistration.objects.create(child=children[3], registered_on=date(2022, 7, 1))
    d, _queries = _page(client)
    assert _value(d, "14").stale and d.stale > 0 and _value(d, "14").value == 50
    # The worker's run: the new figure, no longer stale.
    from indicators.freshness import refresh_stale

    refresh_stale()
    d, _queries = _page(client)
    assert (_value(d, "14").value, _value(d, "14").stale, d.stale) == (75, False, 0)


def test_an_entered_value_is_on_the_dashboard_at_once(users, client_for, plan, django_capture_on_commit_callbacks):
    client = client_for(users["chairman"])
    metric = Metric.objects.get(indicator__plan=plan, code="6")
    d, _queries = _page(client)
    assert _value(d, "6").value is None
    with django_capture_on_commit_callbacks(execute=True):  # its transaction commits
        enter_value(metric=metric, scope=Scope(plan.commune), period=Period(YEAR), value=Decimal("81.5"), by=None)
    d, _queries = _page(client)
    assert _value(d, "6").value == Decimal("81.5")


def test_a_collaborators_update_and_a_new_household_are_counted_at_once(
    users, client_for, plan, hamlet_a, django_capture_on_commit_callbacks
):
    client = client_for(users["chairman"])
    d, _queries = _page(client)
    before = next(h for h in d.health if h.hamlet == hamlet_a)
    household = HouseholdFactory(hamlet=hamlet_a)
    HouseholdUpdate.objects.create(
        client_id=uuid.uuid4(), household=household, kind="note", payload={"text": "x"}, submitted_by=users["ctv_a"]
    )
    d, _queries = _page(client)
    after = next(h for h in d.health if h.hamlet == hamlet_a)
    assert (after.households, after.waiting) == (before.households + 1, before.waiting + 1)
    assert d.waiting == before.waiting + 1
    # Rejected by the officer (a queryset update, then saved through the model): no longer waiting.
    from children.household_updates import update_reject

    with django_capture_on_commit_callbacks(execute=True):
        update_reject(update=HouseholdUpdate.objects.get(household=household), by=users["officer"], reason="Sai")
    d, _queries = _page(client)
    assert next(h for h in d.health if h.hamlet == hamlet_a).waiting == before.waiting


def test_a_change_in_one_commune_leaves_the_others_entries(commune, other_commune):
    built = []

    def build(name):
        built.append(name)
        return name

    for _ in range(2):
        assert dashboard_cache.cached("t", [commune.pk], lambda: build("a"), YEAR) == "a"
        assert dashboard_cache.cached("t", [other_commune.pk], lambda: build("b"), YEAR) == "b"
        assert dashboard_cache.cached("t", [commune.pk, other_commune.pk], lambda: build("ab"), YEAR) == "ab"
    assert built == ["a", "b", "ab"]
    dashboard_cache.forget([commune.pk])
    for _ in range(2):
        dashboard_cache.cached("t", [commune.pk], lambda: build("a"), YEAR)
        dashboard_cache.cached("t", [other_commune.pk], lambda: build("b"), YEAR)
        dashboard_cache.cached("t", [commune.pk, other_commune.pk], lambda: build("ab"), YEAR)
    assert built == ["a", "b", "ab", "a", "ab"]  # the other commune's own entry kept
    dashboard_cache.forget(None)  # the plan's reference data: every commune
    dashboard_cache.cached("t", [other_commune.pk], lambda: build("b"), YEAR)
    assert built[-1] == "b"
    # Another year, another entry.
    dashboard_cache.cached("t", [other_commune.pk], lambda: build("b2024"), 2024)
    assert built[-1] == "b2024"


def test_each_communes_piece_is_read_again_only_when_that_commune_changed(commune, other_commune):
    asked = []

    def build(ids):
        asked.append(sorted(ids))
        return {pk: f"row {pk} #{len(asked)}" for pk in ids}

    both = [commune.pk, other_commune.pk]
    first = dashboard_cache.cached_each("t", both, build, YEAR)
    assert dashboard_cache.cached_each("t", both, build, YEAR) == first and asked == [sorted(both)]
    dashboard_cache.forget([other_commune.pk])
    again = dashboard_cache.cached_each("t", both, build, YEAR)
    assert asked[-1] == [other_commune.pk]  # one commune's read, in one call
    assert again[commune.pk] == first[commune.pk] and again[other_commune.pk] != first[other_commune.pk]
    dashboard_cache.forget(None)
    dashboard_cache.cached_each("t", both, build, YEAR)
    assert asked[-1] == sorted(both)


def test_a_change_made_in_a_transaction_forgets_once_it_commits(commune, django_capture_on_commit_callbacks):
    from django.db import transaction

    dashboard_cache.cached("t", [commune.pk], lambda: "old", YEAR)
    with django_capture_on_commit_callbacks(execute=True) as committed, transaction.atomic():
        dashboard_cache.forget([commune.pk])
        # Not yet committed: a read meanwhile is of the old figures, under the old version...
        assert dashboard_cache.cached("t", [commune.pk], lambda: "new", YEAR) == "old"
    # ... which the commit drops.
    assert len(committed) == 1
    assert dashboard_cache.cached("t", [commune.pk], lambda: "new", YEAR) == "new"


def test_the_level_above_sees_a_communes_new_figures_at_once_and_the_others_from_the_cache(
    users, client_for, plan, hamlet_a, monkeypatch
):
    from tests.reports.test_dashboard import _commune_with_plan

    other = _commune_with_plan("tan-phu", "Tân Phú")
    _children(hamlet_a, 4, registered=2)
    for p in (plan, other):
        recompute_scopes(plan=p, period=Period(YEAR), hamlets=[])
    client = client_for(users["district"])

    def births():
        page = client.get(reverse("home-district"), {"nam": YEAR})
        combined = page.context["all"]
        column = [m.code for m in combined.columns].index("14")
        return {r.commune.code: (r.cells[column].value if r.cells[column] else None, r.commune.child_count)
                for r in combined.rows}  # fmt: skip

    assert births() == {"tan-loi": (50, 4), "tan-phu": (None, 0)}
    _children(hamlet_a, 2, registered=2)
    recompute_scopes(plan=plan, period=Period(YEAR), hamlets=[])
    read = []
    rows_of = dashboard._commune_rows
    monkeypatch.setattr(dashboard, "_commune_rows", lambda ids, *a: read.append(ids) or rows_of(ids, *a))
    assert births() == {"tan-loi": (Decimal("66.667"), 6), "tan-phu": (None, 0)}
    assert read == [[plan.commune_id]]  # only Tân Lợi's row was read again


def test_a_cache_that_fails_still_serves_the_dashboard(users, client_for, plan, monkeypatch, caplog):
    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("cache down")

            return fail

    monkeypatch.setattr(dashboard_cache, "cache", Broken())
    d, _queries = _page(client_for(users["chairman"]))
    assert d is not None and _value(d, "14") is not None
    assert "Dashboard cache unavailable" in caplog.text
    page = client_for(users["district"]).get(reverse("home-district"), {"nam": YEAR})
    assert page.status_code == 200


def test_a_commune_renamed_or_a_household_added_is_in_the_level_aboves_counts_at_once(commune, other_commune, hamlet_a):
    from reports.dashboard import summarised_communes
    from tanloi_portal.models import Commune

    def counts():
        return {c.pk: (c.name, c.household_count) for c in summarised_communes(communes=Commune.objects.all())}

    before = counts()
    assert counts() == before  # from the cache
    commune.name = "Tân Lợi mới"
    commune.save()
    assert counts()[commune.pk] == ("Tân Lợi mới", before[commune.pk][1])
    HouseholdFactory(hamlet=hamlet_a)
    after = counts()
    assert after[commune.pk] == ("Tân Lợi mới", before[commune.pk][1] + 1)
    assert after[other_commune.pk] == before[other_commune.pk]


def test_a_commune_without_a_plan_has_its_bulk_writes_memberships_and_hamlets_counted_at_once(
    commune, other_commune, hamlet_a
):
    """The indicators app marks (and so forgets) only communes with a plan: the counts of the others are forgotten
    by the registry's own signals."""
    from children.models import CircumstanceMembership, Household, SpecialCircumstanceGroup
    from children.signals import registry_changed
    from indicators.selectors import current_plans
    from reports.dashboard import communes_dashboard, summarised_communes
    from tanloi_portal.models import Commune

    def rows():
        communes = summarised_communes(communes=Commune.objects.all())
        combined = communes_dashboard(communes=communes, plans=current_plans(communes=Commune.objects.all()), year=YEAR)
        return {
            r.commune.pk: (r.commune.hamlet_count, r.commune.household_count, r.circumstances) for r in combined.rows
        }

    there = other_commune.hamlets.get()
    before = rows()
    assert before[other_commune.pk] == (1, 0, 0)
    # A bulk write (as the import makes), told by registry_changed.
    Household.objects.bulk_create([Household(commune=other_commune, hamlet=there, code="99", head_name="Lò Văn A")])
    assert rows()[other_commune.pk] == (1, 0, 0)  # not told yet: still the cached row
    registry_changed.send(sender=Household, commune=other_commune, hamlets=None, first_year=None)
    assert rows()[other_commune.pk] == (1, 1, 0)
    # A membership of the 14 groups.
    child = ChildFactory(household=Household.objects.get(code="99"), date_of_birth=date(2015, 1, 1))
    assert rows()[other_commune.pk][2] == 0
    CircumstanceMembership.objects.create(
        child=child, group=SpecialCircumstanceGroup.objects.get(number=4), started_on=date(2024, 1, 1)
    )
    assert rows()[other_commune.pk][2] == 1
    # A hamlet moved to the other commune in the admin: both communes' counts.
    hamlet_a.commune, hamlet_a.code = other_commune, "ap-9"
    hamlet_a.save()
    after = rows()
    assert after[other_commune.pk][0] == 2 and after[commune.pk][0] == before[commune.pk][0] - 1


def test_the_cache_keeps_a_provinces_entries_without_culling_them():
    """A version and an entry for each of several hundred communes (a province, with room to spare): Django's
    file and memory caches cull at 300 entries by default, which would rebuild every commune's row on every
    page; the settings raise it (CACHE_MAX_ENTRIES) for every cache but Redis."""
    built = []

    def build(missing):
        built.append(len(missing))
        return {pk: {"pk": pk} for pk in missing}

    ids = list(range(1, 501))
    assert dashboard_cache.cached_each("province-test", ids, build) == {pk: {"pk": pk} for pk in ids}
    assert dashboard_cache.cached_each("province-test", ids, build)[500] == {"pk": 500}
    assert built == [500]
