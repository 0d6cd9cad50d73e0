"""The plan's reference data equals the plan: every indicator, metric, unit, direction and target."""

import json
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from children.models import SpecialCircumstanceGroup
from indicators.models import Indicator, Metric, Objective, Target
from indicators.reference_data import plan_load
from tanloi_portal.models import Commune, Hamlet, Unit
from tanloi_portal.reference_data import read_plan_file

pytestmark = pytest.mark.django_db

# Transcribed from DESIGN section 3 and checked against the plan's text (section II.2), independently of
# fixtures/plan.json: code -> (indicator, unit, direction, 2025, 2030).
EXPECTED = {
    "1": (1, "percent", "at_least", "76.9", "84.6"),
    "2": (2, "percent", "at_least", "80", "85"),
    "3a": (3, "per_1000_live_births", "less_than", "9.5", "9"),
    "3b": (3, "per_1000_live_births", "less_than", "12.5", "10"),
    "3c": (3, "per_1000_live_births", "less_than", "18.8", "15"),
    "4a": (4, "percent", "less_than", "9", "6"),
    "4b": (4, "percent", "at_most", "20", "19"),
    "4c": (4, "percent", "less_than", "5", "5"),
    "5a": (5, "percent", "at_least", "95", "98"),
    "5b": (5, "percent", "at_least", None, "100"),
    "6": (6, "percent", "at_most", None, "2"),
    "7": (7, "percent", "at_least", "100", "100"),
    "8a": (8, "percent", "less_than", "4.5", "3.5"),
    "8b": (8, "percent", "more_than", "98", "98"),
    "9": (9, "percent", "less_than", "4", "3.5"),
    "10": (10, "percent", "at_most", "4.5", "4"),
    "11a": (11, "per_100000_children", "at_most", "550", "500"),
    "11b": (11, "per_100000_children", "at_most", "13", "12"),
    "12": (12, "percent", "at_least", "100", "100"),
    "13": (13, "percent_yearly_reduction", "at_least", "2", "2"),
    "14": (14, "percent", "at_least", "99", "100"),
    "15": (15, "percent", "at_least", "99.1", "99.3"),
    "16": (16, "percent", "at_least", "99.1", "99.3"),
    "17a": (17, "percent", "at_least", "99.5", "99.8"),
    "17b": (17, "percent", "less_than", "0.12", "0.1"),
    "18a": (18, "percent", "at_least", "98", "98.5"),
    "18b": (18, "percent", "less_than", "0.14", "0.05"),
    "19": (19, "percent", "at_least", "80", None),
    "20a": (20, "percent", "at_least", "50", "55"),
    "20b": (20, "percent", "at_least", "80", "90"),
    "21": (21, "percent", "at_least", "40", "45"),
    "22": (22, "percent", "at_least", "30", "35"),
    "23": (23, "percent", "at_least", "85", "90"),
    "24": (24, "percent", "at_least", "30", "35"),
}
OBJECTIVE_OF = {**dict.fromkeys(range(1, 8), 1), **dict.fromkeys(range(8, 15), 2)}
OBJECTIVE_OF |= {**dict.fromkeys(range(15, 22), 3), **dict.fromkeys(range(22, 25), 4)}
LEAD_UNIT_KIND = {3: "health", 4: "health", 5: "health", 6: "health", 15: "health", 9: "police", 14: "justice"}
LEAD_UNIT_KIND |= dict.fromkeys((7, 16, 17, 18, 19, 20), "school")

GROUPS = [
    "Trẻ em mồ côi cả cha và mẹ",
    "Trẻ em bị bỏ rơi",
    "Trẻ em không nơi nương tựa",
    "Trẻ em khuyết tật",
    "Trẻ em nhiễm HIV/AIDS",
    "Trẻ em vi phạm pháp luật",
    "Trẻ em nghiện ma túy",
    "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở",
    "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực",
    "Trẻ em bị bóc lột",
    "Trẻ em bị xâm hại tình dục",
    "Trẻ em bị mua bán",
    "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo hoặc hộ cận nghèo",
    "Trẻ em di cư, trẻ em lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc",
]


def _dec(text):
    return None if text is None else Decimal(text)


def test_every_metric_and_target_equals_the_plan():
    metrics = {m.code: m for m in Metric.objects.select_related("indicator__objective")}
    assert set(metrics) == set(EXPECTED)
    for code, (number, unit, direction, t2025, t2030) in EXPECTED.items():
        metric = metrics[code]
        targets = {t.year: t.value for t in Target.objects.filter(metric=metric)}
        assert metric.indicator.number == number, code
        assert metric.indicator.objective.number == OBJECTIVE_OF[number], code
        assert (metric.unit, metric.direction) == (unit, direction), code
        assert targets.get(2025) == _dec(t2025), code
        assert targets.get(2030) == _dec(t2030), code
        assert set(targets) <= {2025, 2030}, code


def test_twenty_four_indicators_in_four_objectives_with_their_lead_units():
    assert list(Objective.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    indicators = Indicator.objects.select_related("lead_unit", "objective").order_by("number")
    assert [i.number for i in indicators] == list(range(1, 25))
    for indicator in indicators:
        assert indicator.objective.number == OBJECTIVE_OF[indicator.number]
        expected_kind = LEAD_UNIT_KIND.get(indicator.number)
        if expected_kind:
            assert indicator.lead_unit.kind == expected_kind, indicator.number


def test_each_target_is_written_in_the_indicators_plan_sentence():
    """Cross-check with the plan's own words: 76.9 must appear as "76,9" in indicator 1's sentence."""
    for metric in Metric.objects.select_related("indicator").prefetch_related("targets"):
        sentence = metric.indicator.plan_text
        for target in metric.targets.all():
            written = format(target.value.normalize(), "f").replace(".", ",")
            written = written.replace(",", ".") if metric.code.startswith("11") else written
            assert re.search(rf"(?<![\d,]){re.escape(written)}(?![\d])", sentence), (metric.code, written)


def test_plan_sentences_are_the_plan_texts_with_its_typing_slips_corrected():
    source = (Path(settings.BASE_DIR) / "docs" / "ke-hoach-tan-loi.txt").read_text(encoding="utf-8")
    flat = " ".join(source.split())
    for indicator in Indicator.objects.all():
        assert "Phần đầu" not in indicator.plan_text and "áp/sóc" not in indicator.plan_text
        original = indicator.plan_text.replace("Phấn đấu", "Phần đầu").replace("phấn đấu", "phần đầu")
        if indicator.number == 1:
            original = original.replace("ấp/sóc", "áp/sóc")
        if indicator.number == 21:
            original = original.replace("các ấp/sóc", "các khu phố")
        assert f"Chỉ tiêu {indicator.number}: {original}" in flat, indicator.number


def test_commune_hamlets_groups_and_units():
    commune = Commune.objects.get()
    assert commune.authority_name == "UBND XÃ TÂN LỢI"
    assert list(Hamlet.objects.values_list("name", flat=True)) == [f"Ấp {i}" for i in range(1, 14)]
    assert list(SpecialCircumstanceGroup.objects.values_list("name", flat=True)) == GROUPS
    sections = Unit.objects.exclude(plan_section=None).order_by("plan_section")
    # Section IV of the plan lists nine units (the seed text skips number 9; the fixture renumbers).
    assert list(sections.values_list("plan_section", flat=True)) == list(range(1, 10))
    schools = Unit.objects.get(code="cac-truong").members.values_list("code", flat=True)
    assert sorted(schools) == ["truong-mn", "truong-th", "truong-thcs"]


def _snapshot():
    rows = []
    for model in (Commune, Hamlet, SpecialCircumstanceGroup, Unit, Objective, Indicator, Metric, Target):
        rows.append(sorted(map(tuple, model.objects.values_list())))
    return rows


def test_load_plan_twice_changes_nothing():
    before = _snapshot()
    out = StringIO()
    call_command("load_plan", stdout=out)
    call_command("load_plan", stdout=out)
    assert _snapshot() == before
    assert "không thay đổi gì" in out.getvalue()
    assert not plan_load(read_plan_file()).changed


def test_load_plan_keeps_the_admins_hamlet_names_but_restores_the_plans_targets():
    Hamlet.objects.filter(code="ap-3").update(name="Ấp Sóc Ruộng")
    Target.objects.filter(metric__code="14", year=2025).update(value=Decimal("50"))
    report = plan_load(read_plan_file())
    assert Hamlet.objects.get(code="ap-3").name == "Ấp Sóc Ruộng"
    assert Target.objects.get(metric__code="14", year=2025).value == Decimal("99")
    assert report.updated["target"] == 1


def test_the_database_holds_the_fixtures_vietnamese_text_exactly():
    """Every name and sentence of the file reaches the database unchanged (no lost diacritics, no decomposed
    characters), the commune's printed name included."""
    import unicodedata

    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "plan.json").read_text(encoding="utf-8"))
    commune = Commune.objects.get(code=data["commune"]["code"])
    assert commune.authority_name == data["commune"]["authority_name"] == "UBND XÃ TÂN LỢI"
    texts = {i["number"]: i["plan_text"] for o in data["plan"]["objectives"] for i in o["indicators"]}
    stored = dict(Indicator.objects.filter(plan__commune=commune).values_list("number", "plan_text"))
    assert stored == texts
    assert all(unicodedata.is_normalized("NFC", t) for t in texts.values())
    groups = {g["number"]: g["name"] for g in data["special_circumstance_groups"]}
    assert dict(SpecialCircumstanceGroup.objects.values_list("number", "name")) == groups
    assert groups[11] == "Trẻ em bị xâm hại tình dục"
