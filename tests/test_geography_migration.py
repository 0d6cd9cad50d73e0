"""Communes and hamlets moved from the registry to the ground floor (decision 0012) keeping every row and id."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("tanloi_portal", "0005_second_factor_requirement_rows"),
    ("children", "0010_personal_id_neutral_message"),
    ("cases", "0003_review_proposal_replan_updated_by"),
    ("indicators", "0003_measurements_and_hamlet_assessments"),
]
AFTER = [("children", "0011_geography_moved_to_the_ground_floor")]


@pytest.mark.django_db(transaction=True)
def test_moving_the_geography_keeps_every_row_id_and_link(committed_reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    commune = old.get_model("children", "Commune").objects.get(code="tan-loi")
    hamlet = old.get_model("children", "Hamlet").objects.get(commune=commune, code="ap-4")
    household = old.get_model("children", "Household").objects.create(
        commune=commune, hamlet=hamlet, code="DI-CHUYEN-1", head_name="Nguyễn Văn A", head_name_search="nguyen van a"
    )
    unit = old.get_model("tanloi_portal", "Unit").objects.filter(commune=commune).order_by("pk").first()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Commune, Hamlet = new.get_model("tanloi_portal", "Commune"), new.get_model("tanloi_portal", "Hamlet")
    assert Commune.objects.get(pk=commune.pk).code == "tan-loi"
    assert Hamlet.objects.get(pk=hamlet.pk).commune_id == commune.pk
    moved = new.get_model("children", "Household").objects.get(pk=household.pk)
    assert (moved.commune_id, moved.hamlet_id) == (commune.pk, hamlet.pk)
    assert new.get_model("tanloi_portal", "Unit").objects.get(pk=unit.pk).commune_id == commune.pk
    assert Hamlet.objects.filter(commune_id=commune.pk).count() == 13
    ContentType = new.get_model("contenttypes", "ContentType")
    assert ContentType.objects.filter(app_label="tanloi_portal", model__in=["commune", "hamlet"]).count() == 2
    assert not ContentType.objects.filter(app_label="children", model__in=["commune", "hamlet"]).exists()

    # Back to the latest state for the tests after this one.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
