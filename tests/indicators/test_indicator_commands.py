import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from children.models import BirthRegistration
from indicators.models import Measurement
from indicators.progress import LABELS
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

STATUSES = set(LABELS)


def _values(*args) -> dict:
    out = StringIO()
    call_command("indicator_values", *args, stdout=out)
    return json.loads(out.getvalue())


def test_recompute_stores_computed_values_and_indicator_values_prints_every_metric(hamlet_a):
    home = HouseholdFactory(hamlet=hamlet_a)
    for i in range(4):
        child = ChildFactory(household=home, date_of_birth=date(2023, 1, 1 + i))
        if i < 3:
            BirthRegistration.objects.create(child=child, registered_on=date(2023, 2, 1))
    call_command("recompute_indicators", "--year", "2025", stdout=StringIO())
    # Commune and 13 hamlets, each with every computable metric.
    assert Measurement.objects.filter(year=2025, hamlet=None).count() > 10
    assert Measurement.objects.filter(year=2025, hamlet=hamlet_a, metric__code="14").get().value == 75
    data = _values("--year", "2025", "--format", "json")
    assert set(data) == {"year", "hamlet", "values"} and data["year"] == 2025 and data["hamlet"] is None
    assert len(data["values"]) == 34
    for v in data["values"]:
        assert set(v) == {"metric", "numerator", "denominator", "value", "source", "status", "completeness",
                          "base_year", "verdict_2025", "computed_at", "stale"}  # fmt: skip
        assert v["source"] in {"computed", "entered"} and v["status"] in STATUSES
    births = next(v for v in data["values"] if v["metric"] == "14")
    assert (births["numerator"], births["denominator"], births["value"]) == (3, 4, 75)
    # A metric without data says so: a zero denominator is no value, never 0.
    neonatal = next(v for v in data["values"] if v["metric"] == "3a")
    assert neonatal["value"] is None and neonatal["status"] == "no_data"
    assert _values("--year", "2025", "--hamlet", "ap-1")["hamlet"] == "ap-1"


def test_an_unknown_hamlet_is_refused():
    with pytest.raises(CommandError, match="ap-99"):
        _values("--year", "2025", "--hamlet", "ap-99")
