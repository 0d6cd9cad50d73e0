"""Loading the plan's reference data (fixtures/plan.json) into the database, idempotently.

What the plan fixes (the 14 legal groups, objectives, indicators, metrics, targets) is brought in line with
the file on every run. What the admin may rename locally (the commune's names, hamlets, units) is created
when missing and otherwise left as the admin left it. A second run changes nothing.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from children.models import Commune, Hamlet, SpecialCircumstanceGroup, Vaccine
from children.vaccination import Schedule, load_schedule
from indicators.models import Indicator, Metric, Objective, Plan, Target
from tanloi_portal.models import Unit

DEFAULT_PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plan.json"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{name}: {self.created[name]} mới, {self.updated[name]} cập nhật, {self.unchanged[name]} không đổi"
            for name in names
        ]


def _sync(report: LoadReport, model: type[models.Model], lookup: dict, values: dict, *, overwrite: bool):
    """Create the row if missing; if ``overwrite``, update the fields that differ (and only those)."""
    name = model._meta.model_name
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        report.created[name] += 1
        return obj
    changed = [f for f, v in values.items() if overwrite and getattr(obj, f) != v]
    if changed:
        for f in changed:
            setattr(obj, f, values[f])
        obj.full_clean()
        obj.save(update_fields=changed)
        report.updated[name] += 1
    else:
        report.unchanged[name] += 1
    return obj


def read_plan_file(path: Path | str = DEFAULT_PLAN_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


@transaction.atomic
def vaccines_load(schedule: Schedule, report: LoadReport | None = None) -> LoadReport:
    """The vaccines of the immunisation schedule (fixtures/vaccine_schedule.json), in schedule order."""
    report = report or LoadReport()
    for position, vaccine in enumerate(schedule.vaccines, start=1):
        values = {"name": vaccine.name, "doses": len(vaccine.doses), "position": position}
        _sync(report, Vaccine, {"code": vaccine.code}, values, overwrite=True)
    return report


def load_reference_data(plan_file: Path | str = DEFAULT_PLAN_FILE) -> LoadReport:
    """Everything `load_plan` loads: the plan and the vaccination schedule."""
    report = plan_load(read_plan_file(plan_file))
    return vaccines_load(load_schedule(), report)


@transaction.atomic
def plan_load(data: dict) -> LoadReport:
    report = LoadReport()
    c = data["commune"]
    commune = _sync(
        report,
        Commune,
        {"code": c["code"]},
        {k: c[k] for k in ("name", "authority_name", "district", "province")},
        overwrite=False,
    )
    for h in data["hamlets"]:
        _sync(
            report,
            Hamlet,
            {"commune": commune, "code": h["code"]},
            {"name": h["name"], "position": h["position"]},
            overwrite=False,
        )
    for g in data["special_circumstance_groups"]:
        _sync(report, SpecialCircumstanceGroup, {"number": g["number"]}, {"name": g["name"]}, overwrite=True)

    units: dict[str, Unit] = {}
    for u in data["units"]:
        values = {
            "name": u["name"],
            "kind": u["kind"],
            "plan_section": u["plan_section"],
            "tasks": u["tasks"],
            "parent": units[u["parent"]] if u["parent"] else None,
        }
        units[u["code"]] = _sync(report, Unit, {"commune": commune, "code": u["code"]}, values, overwrite=False)

    p = data["plan"]
    plan = _sync(
        report,
        Plan,
        {"commune": commune, "code": p["code"]},
        {k: p[k] for k in ("title", "start_year", "end_year", "base_year")},
        overwrite=True,
    )
    for o in p["objectives"]:
        objective = _sync(
            report, Objective, {"plan": plan, "number": o["number"]}, {"title": o["title"]}, overwrite=True
        )
        for i in o["indicators"]:
            indicator = _sync(
                report,
                Indicator,
                {"plan": plan, "number": i["number"]},
                {
                    "objective": objective,
                    "title": i["title"],
                    "plan_text": i["plan_text"],
                    "lead_unit": units[i["lead_unit"]],
                },
                overwrite=True,
            )
            for position, m in enumerate(i["metrics"], start=1):
                metric = _sync(
                    report,
                    Metric,
                    {"indicator": indicator, "code": m["code"]},
                    {
                        "position": position,
                        "title": m["title"],
                        "unit": m["unit"],
                        "direction": m["direction"],
                        "source": m["source"],
                    },
                    overwrite=True,
                )
                for year, value in m["targets"].items():
                    _sync(
                        report, Target, {"metric": metric, "year": int(year)}, {"value": Decimal(value)}, overwrite=True
                    )
                # A target the plan no longer sets must not linger.
                stale = metric.targets.exclude(year__in=[int(y) for y in m["targets"]])
                deleted, _ = stale.delete()
                if deleted:
                    report.updated["target"] += deleted
    return report
