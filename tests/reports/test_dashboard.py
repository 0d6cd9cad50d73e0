"""The chairman's dashboard (reports/dashboard.py): tiles from the stored figures, the hamlet x metric heat
table, children in special circumstances by group x hamlet, cases and the registry's health; aggregates only,
in a fixed number of queries."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import BirthRegistration, CircumstanceMembership, Household, SpecialCircumstanceGroup
from indicators.calculators import Period
from indicators.models import Measurement, Metric, MetricBaseline
from indicators.selectors import current_plan
from indicators.services import recompute_scopes
from reports.dashboard_cache import forget
from tanloi_portal.models import Commune, Role
from tests.factories import ChildFactory, HouseholdFactory, UserFactory

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
    _page(client)  # warm the session
    forget(None)  # the figures read afresh both times (their cache: test_dashboard_cache.py)
    with CaptureQueriesContext(connection) as few:
        assert _page(client).status_code == 200
    _registry(hamlets, 39, start=13)
    for year in (2023, 2024, YEAR):
        recompute_scopes(plan=plan, period=Period(year))
    forget(None)
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
    assert f'href="{reverse("cases:list")}"' not in content and f'href="{reverse("cases:list")}?' not in content
    assert f'href="{reverse("cases:statistics")}"' in content  # counts that name no child
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


# --- the level above: all its communes side by side (reports.dashboard.communes_dashboard) -------------------


def _commune_with_plan(code, name):
    """Another commune of the installation with its own copy of the plan and 13 hamlets, as load_plan makes it."""
    from indicators.reference_data import plan_load
    from tanloi_portal.reference_data import read_plan_file

    data = read_plan_file()
    data["commune"] = {**data["commune"], "code": code, "name": name, "authority_name": f"UBND XÃ {name.upper()}"}
    plan_load(data)
    return current_plan(commune=Commune.objects.get(code=code))


def _overdue_case(commune, hamlet):
    """A case received three days ago and never assessed: past its 12-hour deadline, so open and overdue."""
    from cases.services import case_open

    officer = UserFactory(role=Role.OFFICER, commune=commune)
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet), date_of_birth=date(2015, 3, 1))
    case_open(child=child, concern="violence", channel="family", received_at=timezone.now() - timedelta(days=3),
              description="Báo tin", by=officer)  # fmt: skip


def _district_home(client, **params):
    return client.get(reverse("home-district"), {"nam": YEAR, **params})


def _shown(values):
    """What a dashboard shows of each metric: value, figures, status, verdict and completeness."""
    return [
        (v.metric.code, v.value, v.numerator, v.denominator, v.progress.status,
         v.progress.verdict.status if v.progress.verdict else None, v.complete, v.completeness)
        for v in values
    ]  # fmt: skip


def test_the_level_above_sees_each_communes_figures_as_each_communes_own_dashboard_shows_them(
    users, client_for, plan, commune, hamlet_a
):
    other = _commune_with_plan("tan-phu", "Tân Phú")
    _registry(list(commune.hamlets.order_by("position")[:2]), 8)
    _registry(list(other.commune.hamlets.order_by("position")[:3]), 12, start=8)
    group = SpecialCircumstanceGroup.objects.get(number=4)
    CircumstanceMembership.objects.create(
        child=ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), date_of_birth=date(2015, 1, 1)),
        group=group,
        started_on=date(2024, 1, 1),
    )
    _overdue_case(commune, hamlet_a)
    for p in (plan, other):
        for year in (2024, YEAR):
            recompute_scopes(plan=p, period=Period(year), hamlets=[])  # the communes' figures
    client = client_for(users["district"])
    page = _district_home(client)
    assert page.status_code == 200 and page.context["d"] is None
    combined = page.context["all"]
    assert [r.commune.code for r in combined.rows] == ["tan-loi", "tan-phu"]  # by name
    chairman = _page(client_for(users["chairman"])).context["d"]
    for row in combined.rows:
        own = _district_home(client, xa=row.commune.code).context["d"]
        own_values = [v for _o, vs in own.objectives for v in vs]
        assert _shown([c for c in row.cells if c is not None]) == _shown(own_values)
        assert row.circumstances == own.groups.children_total
        assert (row.open_cases, row.overdue_cases) == (own.cases.open_now, own.cases.overdue)
        assert row.figures.values == sum(v.value is not None for v in own_values)
        assert row.figures.complete == sum(v.value is not None and v.complete for v in own_values)
        if row.commune.code == "tan-loi":  # the chairman's own dashboard says the same
            assert _shown(own_values) == _shown([v for _o, vs in chairman.objectives for v in vs])
            assert (row.circumstances, row.open_cases, row.overdue_cases) == (1, 1, 1)
            assert row.commune.child_count == 10  # 8 + the one in a group + the one with a case
    births = {r.commune.code: r.cells[[m.code for m in combined.columns].index("14")] for r in combined.rows}
    assert (births["tan-loi"].value, births["tan-phu"].value) == (75, 75)
    content = page.content.decode()
    for row in combined.rows:  # each row opens that commune's dashboard
        assert f'href="?xa={row.commune.code}&amp;nam={YEAR}"' in content
    assert f'status-{births["tan-loi"].progress.status}"' in content and "Chú giải" in content
    assert combined.children == sum(r.commune.child_count for r in combined.rows)
    assert "Lê Thị Hoa" not in content  # aggregates only
    # From one commune's dashboard, a link back to all of them.
    chosen = _district_home(client, xa="tan-phu").content.decode()
    assert "Tất cả các xã" in chosen and f'href="?nam={YEAR}"' in chosen


def test_a_commune_without_a_plan_has_a_row_without_figures(users, client_for, plan, other_commune):
    combined = _district_home(client_for(users["district"])).context["all"]
    row = next(r for r in combined.rows if r.commune.code == "tan-hung")
    assert row.plan is None and set(row.cells) == {None} and row.figures.values == 0


def _combined_queries(client):
    _district_home(client)  # warm the session
    forget(None)  # the figures read afresh (their cache: test_dashboard_cache.py)
    with CaptureQueriesContext(connection) as queries:
        page = _district_home(client)
    assert page.status_code == 200 and page.context["all"] is not None
    return queries


def test_the_combined_dashboard_reads_in_the_same_number_of_queries_for_more_communes_children_and_years(
    users, client_for, plan, commune
):
    """Its selector with 1 commune, 13 children and 1 year as with 3 communes, more children and 3 years; the
    page (which needs two communes to show it) likewise."""
    from children.selectors import commune_summary
    from indicators.selectors import current_plans
    from reports.dashboard import communes_dashboard

    def selector_queries(codes):
        visible = Commune.objects.filter(code__in=codes)
        forget(None)
        with CaptureQueriesContext(connection) as queries:
            communes = list(commune_summary(communes=visible))
            communes_dashboard(communes=communes, plans=current_plans(communes=visible), year=YEAR)
        return queries

    _registry(list(commune.hamlets.order_by("position")), 13)
    recompute_scopes(plan=plan, period=Period(YEAR), hamlets=[])
    few = selector_queries(["tan-loi"])
    second = _commune_with_plan("tan-phu", "Tân Phú")
    page_few = _combined_queries(client_for(users["district"]))
    third = _commune_with_plan("tan-thanh", "Tân Thành")
    for i, p in enumerate((plan, second, third)):
        _registry(list(p.commune.hamlets.order_by("position")), 26, start=100 * (i + 1))
        _overdue_case(p.commune, p.commune.hamlets.get(code="ap-1"))
        for year in (2023, 2024, YEAR):
            recompute_scopes(plan=p, period=Period(year), hamlets=[])
    many = selector_queries(["tan-loi", "tan-phu", "tan-thanh"])
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    page_many = _combined_queries(client_for(users["district"]))
    assert len(page_many) == len(page_few), [q["sql"][:120] for q in page_many.captured_queries]


_POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>', re.IGNORECASE)


def _writes_offered(content):
    """The links and forms of a page that would change figures: recompute, base year, entry; and any form that
    posts, except the layout's log-out and language forms."""
    found = [url for url in (reverse("indicators:recompute"), "/nam-goc/", "/nhap/") if url in content]
    allowed = (reverse("logout"), reverse("set_language"))
    found += [f for f in _POST_FORM.findall(content) if not any(f'action="{a}"' in f for a in allowed)]
    return found


def test_the_level_above_is_offered_no_edit_on_either_dashboard_and_is_refused_the_edits(
    users, client_for, plan, other_commune
):
    client = client_for(users["district"])
    recompute_scopes(plan=plan, period=Period(YEAR), hamlets=[])
    combined = _district_home(client)
    one = _district_home(client, xa="tan-loi")
    assert combined.context["all"] is not None and one.context["d"] is not None
    assert _writes_offered(combined.content.decode()) == [] and _writes_offered(one.content.decode()) == []
    # The officer's forms are what the level above may not post (tests/test_access.py EXPECTED).
    assert client.post(reverse("indicators:recompute"), {"nam": YEAR}).status_code in (403, 404)
    baseline = reverse("indicators:baseline", args=["5a"])
    assert client.post(baseline, {"year": 2021, "reason": "x", "xa": "tan-loi"}).status_code in (403, 404)
    assert not MetricBaseline.objects.exists()


def test_a_commune_the_level_above_does_not_oversee_is_not_listed_and_its_page_is_a_404(
    users, client_for, plan, commune, monkeypatch
):
    _commune_with_plan("tan-phu", "Tân Phú")
    _commune_with_plan("tan-thanh", "Tân Thành")
    # A viewer bound to one commune oversees that one only: its home is that commune's dashboard.
    bound = client_for(UserFactory(username="cap-tren-tan-loi", role=Role.DISTRICT, commune=commune))
    page = bound.get(reverse("home-district"))
    assert page.context["commune"].code == "tan-loi" and page.context["all"] is None
    assert "Tân Phú" not in page.content.decode() and "Tất cả các xã" not in page.content.decode()
    assert bound.get(reverse("home-district"), {"xa": "tan-phu"}).status_code == 404
    # The combined dashboard lists exactly the communes communes_visible_to gives.
    from children.selectors import communes_visible_to

    def two_of_three(*, user):
        return communes_visible_to(user=user).exclude(code="tan-thanh")

    monkeypatch.setattr("reports.views.communes_visible_to", two_of_three)
    client = client_for(users["district"])
    combined = _district_home(client)
    assert [r.commune.code for r in combined.context["all"].rows] == ["tan-loi", "tan-phu"]
    assert "Tân Thành" not in combined.content.decode()
    assert _district_home(client, xa="tan-thanh").status_code == 404


def test_the_registrys_health_shows_the_completeness_of_each_hamlets_figures(
    users, client_for, plan, commune, hamlet_a, hamlet_b
):
    metrics = {m.code: m for m in Metric.objects.filter(indicator__plan=plan, code__in=["5a", "14", "16"])}

    def store(hamlet, code, value, completeness):
        Measurement.objects.create(metric=metrics[code], commune=commune, hamlet=hamlet, year=YEAR, value=value,
                                   completeness=completeness, source=Measurement.Source.COMPUTED)  # fmt: skip

    store(hamlet_a, "5a", 90, Decimal("12.5"))  # recorded for an eighth of the cohort: incomplete
    store(hamlet_a, "14", 50, Decimal("95"))
    store(hamlet_a, "16", 100, None)  # cannot be told: complete
    store(hamlet_b, "14", 80, Decimal("100"))
    page = _page(client_for(users["chairman"]))
    rows = {h.hamlet.code: f for h, f in page.context["d"].health_rows}
    assert (rows["ap-1"].values, rows["ap-1"].complete) == (3, 2)
    assert rows["ap-1"].lowest.metric.code == "5a" and rows["ap-1"].lowest.completeness == Decimal("12.5")
    assert (rows["ap-2"].values, rows["ap-2"].complete, rows["ap-2"].lowest.metric.code) == (1, 1, "14")
    assert rows["ap-3"].values == 0 and rows["ap-3"].lowest is None
    content = page.content.decode()
    assert "2/3" in content and "5a: 12,5%" in content and "14: 100%" in content
