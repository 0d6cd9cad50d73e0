"""A child keeps its household's commune and hamlet (Child.commune, Child.hamlet) on every path that writes
it: the lists and the counts read them instead of joining the households."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from children import services
from children.demo import generate_registry
from children.models import Child
from children.selectors import ChildFilters, child_list
from tests.children.test_excel import GOOD, run, xlsx
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def misplaced() -> list[int]:
    """Children whose kept place is not their household's."""
    differ = ~Q(commune_id=F("household__commune_id")) | ~Q(hamlet_id=F("household__hamlet_id"))
    return list(Child.objects.filter(differ).values_list("pk", flat=True))


def test_a_registered_child_takes_its_households_place(hamlet_a, users):
    household = HouseholdFactory(hamlet=hamlet_a)
    child = services.child_register(
        household=household, full_name="Nguyễn Thị Ánh", sex="F", date_of_birth=date(2021, 2, 3), by=users["officer"]
    )
    child.refresh_from_db()
    assert (child.commune_id, child.hamlet_id) == (hamlet_a.commune_id, hamlet_a.pk)
    assert (child.history.get().commune_id, child.history.get().hamlet_id) == (hamlet_a.commune_id, hamlet_a.pk)


def test_a_child_moved_to_a_household_of_another_hamlet_moves_with_it_in_lists_and_history(hamlet_a, hamlet_b, users):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a), full_name="Lê Văn Khang")
    services.child_move(child=child, household=HouseholdFactory(hamlet=hamlet_b), by=users["officer"])
    child.refresh_from_db()
    assert child.hamlet_id == hamlet_b.pk and not misplaced()
    # Where the child was and is, record by record (indicators.freshness reads these).
    assert list(child.history.order_by("history_id").values_list("hamlet_id", flat=True)) == [hamlet_a.pk, hamlet_b.pk]
    # The collaborator of the new hamlet lists the child; the one of the old no longer does.
    assert child in child_list(user=users["ctv_b"], filters=ChildFilters())
    assert child not in child_list(user=users["ctv_a"], filters=ChildFilters())
    assert child in child_list(user=users["officer"], filters=ChildFilters(hamlet=hamlet_b.pk))


def test_a_partial_save_of_other_fields_keeps_the_place_without_reading_the_household(hamlet_a):
    child = Child.objects.get(pk=ChildFactory(household=HouseholdFactory(hamlet=hamlet_a)).pk)
    child.notes = "Sống với bà"
    with CaptureQueriesContext(connection) as queries:
        child.save(update_fields=["notes"])
    written = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(written) == 1 and '"notes"' in written[0] and '"hamlet_id"' not in written[0]
    assert not [q for q in queries if 'FROM "children_household"' in q["sql"]]
    child.refresh_from_db()
    assert (child.notes, child.hamlet_id) == ("Sống với bà", hamlet_a.pk)


def test_the_import_places_new_children_and_moves_those_that_change_household(
    tmp_path, commune, users, hamlet_a, hamlet_b
):
    assert run(xlsx(tmp_path, [GOOD]), commune, users, commit=True).ok
    mo = Child.objects.get(full_name="Lê Thị Mơ")
    assert (mo.commune_id, mo.hamlet_id) == (commune.pk, mo.household.hamlet_id) and mo.hamlet.name == "Ấp 1"
    # The same child (same personal ID) now in a new household of Ấp 2.
    moved = ["02-900", "Lê Văn Tư", "Ấp 2", *GOOD[3:]]
    assert run(xlsx(tmp_path, [moved], name="b.xlsx"), commune, users, commit=True).ok
    mo.refresh_from_db()
    assert mo.household.code == "02-900" and mo.hamlet.name == "Ấp 2" and not misplaced()


def test_the_demo_registry_places_every_child(commune):
    generate_registry(commune=commune, children=300, today=date(2026, 6, 1))
    assert Child.objects.filter(commune=commune).count() == 300
    assert Child.objects.values("hamlet_id").distinct().count() > 1 and not misplaced()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_place_of_each_child_and_each_historical_record(committed_reference_data):
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "children"]
    before = [*others, ("children", "0014_list_order_and_trigram_search")]
    after = [*others, ("children", "0015_child_keeps_its_commune_and_hamlet")]
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        Commune, Hamlet = old.get_model("tanloi_portal", "Commune"), old.get_model("tanloi_portal", "Hamlet")
        Household = old.get_model("children", "Household")
        commune = Commune.objects.get(code="tan-loi")
        one, four = (Hamlet.objects.get(commune=commune, code=code) for code in ("ap-1", "ap-4"))
        first, second = (
            Household.objects.create(
                commune=commune, hamlet=h, code=f"MIG-{h.code}", head_name="A", head_name_search="a"
            )
            for h in (one, four)
        )
        names = {"full_name": "Trần Thị Bé", "name_search": "tran thi be", "name_sort_key": "be"}
        child = old.get_model("children", "Child").objects.create(
            household=second, sex="F", date_of_birth=date(2020, 1, 1), **names
        )
        History = old.get_model("children", "HistoricalChild")
        moment = {"history_type": "+", "status": "living", "ethnicity": "Kinh", "sex": "F"}
        for household, year in ((first, 2024), (second, 2025)):
            day = datetime(year, 1, 1, tzinfo=UTC)
            History.objects.create(
                id=child.pk, household=household, date_of_birth=date(2020, 1, 1), history_date=day,
                created_at=day, updated_at=day, **names, **moment,
            )  # fmt: skip

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        placed = new.get_model("children", "Child").objects.get(pk=child.pk)
        assert (placed.commune_id, placed.hamlet_id) == (commune.pk, four.pk)
        records = new.get_model("children", "HistoricalChild").objects.filter(id=child.pk).order_by("history_date")
        assert list(records.values_list("commune_id", "hamlet_id")) == [(commune.pk, one.pk), (commune.pk, four.pk)]
    finally:
        # Back to the latest state for the tests after this one, whatever happened.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
