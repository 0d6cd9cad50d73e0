"""The reference data in both languages: the plan's objectives, indicators and metrics, the 14 groups, the
vaccines and the units carry English names (django-modeltranslation, loaded from fixtures/), shown in the English
interface; Vietnamese pages and every official document keep the Vietnamese ones."""

import json
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from children.models import SpecialCircumstanceGroup, Vaccine
from indicators.models import Indicator, Metric, Objective
from indicators.reference_data import load_reference_data
from reports.documents.plan import plan_docx
from tanloi_portal.models import Unit
from tests.factories import ChildFactory
from tests.pdf import text_of

pytestmark = pytest.mark.django_db

NAMED = [
    (Objective, "title"),
    (Indicator, "title"),
    (Metric, "title"),
    (SpecialCircumstanceGroup, "name"),
    (Vaccine, "name"),
    (Unit, "name"),
]


def in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize("model, field", NAMED, ids=[m.__name__ for m, _ in NAMED])
def test_every_name_of_the_reference_data_has_its_english(model, field):
    rows = list(model.objects.values_list(f"{field}_vi", f"{field}_en"))
    assert rows
    assert [vi for vi, en in rows if not en or not en.strip()] == []
    # An English name, not the Vietnamese one copied: none of them has a Vietnamese letter.
    vietnamese = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    assert [en for _, en in rows if vietnamese & set(en.lower())] == []


def test_the_files_give_every_name_in_english():
    base = settings.BASE_DIR / "fixtures"
    data = json.loads((base / "plan.json").read_text(encoding="utf-8"))
    schedule = json.loads((base / "vaccine_schedule.json").read_text(encoding="utf-8"))
    objectives = data["plan"]["objectives"]
    indicators = [i for o in objectives for i in o["indicators"]]
    metrics = [m for i in indicators for m in i["metrics"]]
    named = [*objectives, *indicators, *metrics]
    assert [x["title"] for x in named if not x.get("title_en")] == []
    listed = [*data["special_circumstance_groups"], *data["units"], *schedule["vaccines"]]
    assert [x["name"] for x in listed if not x.get("name_en")] == []
    assert (len(data["special_circumstance_groups"]), len(indicators)) == (14, 24)


def test_the_chairmans_dashboard_names_the_groups_and_indicators_in_the_language_chosen(users, client_for):
    group = SpecialCircumstanceGroup.objects.get(number=2)
    indicator = Indicator.objects.filter(plan__commune=users["chairman"].commune).order_by("number").first()
    client = client_for(users["chairman"])
    vietnamese = client.get(reverse("home-chairman")).content.decode()
    assert group.name_vi in vietnamese and group.name_en not in vietnamese
    english = in_english(client).get(reverse("home-chairman")).content.decode()
    assert group.name_en in english and group.name_vi not in english
    metric = indicator.metrics.order_by("position").first()
    plan_page = client.get(reverse("indicators:plan")).content.decode()
    assert escape(metric.title_en) in plan_page and escape(metric.title_vi) not in plan_page
    assert escape(indicator.lead_unit.name_en) in plan_page and escape(indicator.lead_unit.name_vi) not in plan_page
    with translation.override("en"):
        assert str(indicator) == f"Indicator {indicator.number}"


def test_a_childs_vaccines_are_named_in_english_for_an_english_reader(users, client_for, hamlet_a):
    child = ChildFactory(household__hamlet=hamlet_a, date_of_birth=date.today().replace(day=1, year=2025))
    measles = Vaccine.objects.get(code="measles")
    client = client_for(users["officer"])
    assert measles.name_vi in client.get(reverse("children:child-detail", args=[child.pk])).content.decode()
    english = in_english(client).get(reverse("children:child-detail", args=[child.pk])).content.decode()
    assert measles.name_en in english and measles.name_vi not in english


def test_a_name_without_english_shows_in_vietnamese(users, client_for):
    """A unit the admin added with its Vietnamese name only (the demo's other communes, a new school)."""
    unit = Unit.objects.filter(commune=users["chairman"].commune, led_indicators__isnull=False).first()
    Unit.objects.filter(pk=unit.pk).update(name_en=None)
    plan_page = in_english(client_for(users["chairman"])).get(reverse("indicators:plan")).content.decode()
    assert escape(unit.name_vi) in plan_page


def test_the_plan_document_stays_vietnamese_for_an_english_reader(users, client_for):
    indicator = Indicator.objects.filter(plan__commune=users["chairman"].commune).order_by("number").first()
    metric = indicator.metrics.order_by("position").first()
    client = in_english(client_for(users["chairman"]))
    response = client.get(reverse("plan-pdf"))
    assert response.status_code == 200
    text = " ".join(text_of(b"".join(response)).split())
    assert " ".join(metric.title_vi.split())[:40] in text
    assert metric.title_en[:40] not in text
    # And the page the reader came from is still English afterwards: the document's Vietnamese did not stick.
    assert '<html lang="en">' in client.get(reverse("home-chairman")).content.decode()
    assert metric.title_en.encode() not in plan_docx(indicator.plan)


def test_loading_the_plan_again_gives_older_rows_their_english_keeping_the_admins_renames():
    unit = Unit.objects.order_by("pk").first()
    Unit.objects.filter(pk=unit.pk).update(name_vi="Tên do quản trị đặt", name_en=None)
    SpecialCircumstanceGroup.objects.update(name_en=None)
    Metric.objects.update(title_en=None)
    load_reference_data()
    unit.refresh_from_db()
    assert unit.name_vi == "Tên do quản trị đặt" and unit.name_en
    assert not SpecialCircumstanceGroup.objects.filter(name_en=None).exists()
    assert not Metric.objects.filter(title_en=None).exists()


BEFORE = [("children", "0015_child_keeps_its_commune_and_hamlet"), ("indicators", "0006_plan_text"),
          ("tanloi_portal", "0012_user_phone")]  # fmt: skip
AFTER = [("children", "0016_names_in_english"), ("indicators", "0007_names_in_english"),
         ("tanloi_portal", "0013_names_in_english")]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_names_a_database_had_become_its_vietnamese_names(committed_reference_data):
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        old.get_model("children", "SpecialCircumstanceGroup").objects.filter(number=1).update(name="Nhóm một")
        old.get_model("tanloi_portal", "Unit").objects.filter(code="tram-y-te").update(name="Trạm Y tế xã")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        group = new.get_model("children", "SpecialCircumstanceGroup").objects.get(number=1)
        assert (group.name_vi, group.name_en) == ("Nhóm một", None)
        assert new.get_model("tanloi_portal", "Unit").objects.get(code="tram-y-te").name_vi == "Trạm Y tế xã"
        Metric = new.get_model("indicators", "Metric")
        assert not Metric.objects.filter(title_vi=None).exists() and Metric.objects.exists()
    finally:  # back to the latest state for the tests after this one
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_admin_edits_a_units_name_in_both_languages(users, client_for):
    unit = Unit.objects.order_by("pk").first()
    content = client_for(users["admin"]).get(reverse("admin:tanloi_portal_unit_change", args=[unit.pk])).content
    assert b'name="name_vi"' in content and b'name="name_en"' in content
