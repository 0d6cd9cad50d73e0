"""The chairman's dashboard (reports/dashboard.py): tiles from the stored figures, the hamlet x metric heat
table, children in special circumstances by group x hamlet, cases and the registry's health; aggregates only,
in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import BirthRegistration, CircumstanceMembership, Household, SpecialCircumstanceGroup
from indicators.calculators import Period
from indicators.selectors import current_plan
from indicators.services import recompute_scopes
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


def _registry(hamlets, n, *, start=0):
    for i in range(start, start + n):
        home = HouseholdFactory(hamlet=hamlets[i % len(hamlets)])
        child = ChildFactory(
            household=home, date_of_birth=date(2022, 1 + i % 12, 1 + i % 28), full_name=f"Lê Thị Hoa {i}"
        )
        if i % 4:
            BirthRegistration.objects.create(child=child, registered_on=date(2022, 6, 1))


@pytest.fixture
def plan(commune):
    return current_plan(commune=commune)


def _page(client, year=YEAR):
    return client.get(reverse("home-chairman"), {"nam": year})


def test_the_dashboard_shows_each_metric_with_its_figures_verdict_status_and_years(users, client_for, plan, commune):
    hamlets = list(commune.hamlets.order_by("position")[:2])
    _registry(hamlets, 8)
    for year in (2024, 2025):
        recompute_scopes(plan=plan, period=Period(year))
    page = _page(client_for(users["chairman"]))
    d = page.context["d"]
    births = next(v for _o, values in d.objectives for v in values if v.metric.code == "14")
    assert (births.numerator, births.denominator, births.value) == (6, 8, 75)
    assert [y for y, _v, _c in births.series] == [2024, 2025]
    content = page.content.decode()
    assert (
        "75%" in content and "6/8" in content and "2025: không đạt" in content and "2030: Chưa đạt chỉ tiêu" in content
    )
    assert 'class="sparkline' in content and "Chỉ số 14 theo năm" in content  # and its table for screen readers
    # The heat table: a row per metric, a cell per hamlet, coloured by that hamlet's status.
    row = next(r for r in d.heat if r.value.metric.code == "14")
    # Ấp 1 holds children 0, 2, 4 and 6, of whom 2 and 6 are registered; Ấp 3 has no child under 5.
    assert len(row.cells) == 13 and row.cells[0].value == 50 and row.cells[2].value is None
    assert f"status-{row.cells[0].progress.status}" in content
    assert "Lê Thị Hoa" not in content  # aggregates only


def test_the_groups_table_shows_zeros_and_totals_that_add_up(users, client_for, plan, hamlet_a, hamlet_b):
    groups = {g.number: g for g in SpecialCircumstanceGroup.objects.all()}
    a = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2015, 1, 1))
    b = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), date_of_birth=date(2016, 1, 1))
    gone = ChildFactory(household=HouseholdFactory(hamlet=hamlet_b), date_of_birth=date(2016, 1, 1))
    for child, number in ((a, 4), (a, 13), (b, 4)):
        CircumstanceMembership.objects.create(child=child, group=groups[number], started_on=date(2024, 1, 1))
    CircumstanceMembership.objects.create(child=gone, group=groups[1], started_on=date(2020, 1, 1),
                                          ended_on=date(2023, 1, 1))  # fmt: skip
    table = _page(client_for(users["chairman"])).context["d"].groups
    rows = {group.number: (counts, total) for group, counts, total in table.rows}
    assert len(rows) == 14 and rows[1] == ([0] * 13, 0)  # zeros shown; an ended membership is not counted
    assert rows[4][0][:2] == [1, 1] and rows[4][1] == 2 and rows[13][1] == 1
    assert all(sum(counts) == total for counts, total in rows.values())
    # The child in two groups counts in both rows, once among the children.
    assert table.children[:2] == [1, 1] and table.children_total == 2 == sum(table.children)


def test_the_registrys_health_counts_reviewed_households_and_waiting_updates(users, client_for, plan, hamlet_a):
    fresh, old = HouseholdFactory(hamlet=hamlet_a), HouseholdFactory(hamlet=hamlet_a)
    Household.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=400))
    health = _page(client_for(users["chairman"])).context["d"].health
    ap1 = next(h for h in health if h.hamlet.code == "ap-1")
    assert (ap1.households, ap1.reviewed, ap1.waiting) == (2, 1, 0) and fresh.pk != old.pk


def test_the_dashboard_reads_stored_figures_in_the_same_number_of_queries_for_more_children(
    users, client_for, plan, commune
):
    hamlets = list(commune.hamlets.order_by("position"))
    client = client_for(users["chairman"])
    _registry(hamlets, 13)
    recompute_scopes(plan=plan, period=Period(YEAR))
    _page(client)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert _page(client).status_code == 200
    _registry(hamlets, 39, start=13)
    for year in (2023, 2024, YEAR):
        recompute_scopes(plan=plan, period=Period(year))
    with CaptureQueriesContext(connection) as many:
        assert _page(client).status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


@pytest.mark.parametrize("role", ["officer", "ctv_a", "health", "district"])
def test_only_the_chairman_opens_the_chairmans_dashboard(users, client_for, role):
    assert client_for(users[role]).get(reverse("home-chairman")).status_code == 403


def test_the_level_above_reads_the_same_dashboard_for_a_commune_it_oversees(users, client_for, plan, commune):
    hamlets = list(commune.hamlets.order_by("position")[:2])
    _registry(hamlets, 8)
    recompute_scopes(plan=plan, period=Period(YEAR))
    client = client_for(users["district"])
    page = client.get(reverse("home-district"), {"xa": "tan-loi", "nam": YEAR})
    chairman = _page(client_for(users["chairman"])).context["d"]
    d = page.context["d"]
    assert [(v.metric.code, v.value) for _o, vs in d.objectives for v in vs] == [
        (v.metric.code, v.value) for _o, vs in chairman.objectives for v in vs
    ]
    assert d.cases == chairman.cases and d.groups == chairman.groups
    content = page.content.decode()
    # Read-only: no recompute, no entry, no case list; the tiles open the metric pages of that commune.
    assert reverse("indicators:recompute") not in content and "/nhap/" not in content
    assert reverse("cases:list") not in content
    assert f'{reverse("indicators:metric", args=["14"])}?nam={YEAR}"' in content  # one commune: no ?xa= needed
    assert client.get(reverse("home-district"), {"xa": "khong-co"}).status_code == 404


def test_the_level_above_picks_among_several_communes(users, client_for, plan, other_commune):
    client = client_for(users["district"])
    listing = client.get(reverse("home-district"))
    assert listing.context["d"] is None and "Chọn một xã" in listing.content.decode()
    chosen = client.get(reverse("home-district"), {"xa": "tan-loi"})
    assert chosen.context["commune"].code == "tan-loi" and chosen.context["d"] is not None
    assert "xa=tan-loi" in chosen.content.decode()  # the tiles' links keep the commune


def test_the_groups_table_counts_the_children_of_the_commune_on_its_day(users, client_for, plan, hamlet_a):
    """As 8a does: not a child who died or moved away before the day, nor one aged 16, nor a merged record."""
    from children.models import Child

    group = SpecialCircumstanceGroup.objects.get(number=4)
    here = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2015, 1, 1))
    died = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2015, 1, 1),
                        status=Child.Status.DECEASED, status_date=date(2024, 3, 1))  # fmt: skip
    grown = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2008, 1, 1))
    for child in (here, died, grown):
        CircumstanceMembership.objects.create(child=child, group=group, started_on=date(2020, 1, 1))
    table = _page(client_for(users["chairman"])).context["d"].groups
    counts, total = next((c, t) for g, c, t in table.rows if g.number == 4)
    assert counts[0] == 1 and total == 1 and table.children_total == 1
