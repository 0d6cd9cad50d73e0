import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tanloi_portal.models import Commune
from tests.indicators.test_plan_data import EXPECTED

pytestmark = pytest.mark.django_db

UNITS = {"percent", "per_1000_live_births", "per_100000_children", "percent_yearly_reduction"}
DIRECTIONS = {"at_least", "more_than", "at_most", "less_than"}


def _export(*args) -> dict:
    out = StringIO()
    call_command("export_plan", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def _assert_schema(data: dict) -> None:
    assert set(data) == {"commune", "objectives"}
    assert isinstance(data["commune"], str)
    for objective in data["objectives"]:
        assert set(objective) == {"number", "title", "indicators"}
        assert isinstance(objective["number"], int) and isinstance(objective["title"], str)
        for indicator in objective["indicators"]:
            assert set(indicator) == {"number", "title", "lead_unit", "metrics"}
            assert isinstance(indicator["number"], int)
            assert isinstance(indicator["title"], str) and isinstance(indicator["lead_unit"], str)
            assert indicator["metrics"], indicator["number"]
            for metric in indicator["metrics"]:
                assert set(metric) == {"code", "title", "unit", "direction", "target_2025", "target_2030"}
                assert isinstance(metric["code"], str) and isinstance(metric["title"], str)
                assert metric["unit"] in UNITS and metric["direction"] in DIRECTIONS
                for key in ("target_2025", "target_2030"):
                    value = metric[key]
                    assert value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def test_export_plan_matches_the_schema_and_the_plan():
    data = _export()
    _assert_schema(data)
    assert data["commune"] == "Tân Lợi"
    assert [o["number"] for o in data["objectives"]] == [1, 2, 3, 4]
    metrics = {
        m["code"]: (i["number"], m["unit"], m["direction"], m["target_2025"], m["target_2030"])
        for o in data["objectives"]
        for i in o["indicators"]
        for m in i["metrics"]
    }
    as_numbers = {
        code: (n, unit, d, None if a is None else float(a), None if b is None else float(b))
        for code, (n, unit, d, a, b) in EXPECTED.items()
    }
    assert metrics == as_numbers
    indicators = [i for o in data["objectives"] for i in o["indicators"]]
    assert [i["number"] for i in indicators] == list(range(1, 25))
    assert next(i for i in indicators if i["number"] == 9)["lead_unit"] == "Công an xã"


def test_export_plan_keeps_vietnamese_characters_unescaped():
    out = StringIO()
    call_command("export_plan", stdout=out)
    assert "Tỷ lệ ấp/sóc đạt tiêu chuẩn" in out.getvalue()


def test_export_plan_asks_for_a_commune_when_there_are_several(other_commune):
    with pytest.raises(CommandError, match="--commune"):
        _export()
    assert _export("--commune", "tan-loi")["commune"] == "Tân Lợi"


def test_export_plan_without_a_plan_says_so():
    with pytest.raises(CommandError, match="load_plan"):
        _export("--commune", "khong-co")
    Commune.objects.create(code="moi", name="Xã Mới", authority_name="UBND XÃ MỚI")
    with pytest.raises(CommandError, match="chưa có kế hoạch"):
        _export("--commune", "moi")
