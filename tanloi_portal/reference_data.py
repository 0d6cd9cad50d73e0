"""Loading reference data (fixtures/plan.json) into the database, idempotently: the tools every app's loader
uses, and the organisation's part (the commune, its hamlets, its units). The plan's loader is
indicators.reference_data; the 14 groups and the vaccines are children.reference_data.

What the plan fixes (the 14 legal groups, objectives, indicators, metrics, targets) is brought in line with
the file on every run. What the admin may rename locally (the commune's names, hamlets, units) is created
when missing and otherwise left as the admin left it. A second run changes nothing.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import models

from tanloi_portal.models import Commune, Hamlet, ReportingChain, Unit

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


def sync_row(report: LoadReport, model: type[models.Model], lookup: dict, values: dict, *, overwrite: bool):
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


def organisation_load(data: dict, report: LoadReport) -> tuple[Commune, dict[str, Unit]]:
    """The commune, its hamlets and its responsible units, created when missing (the admin's renames kept)."""
    c = data["commune"]
    commune = sync_row(
        report,
        Commune,
        {"code": c["code"]},
        {k: c[k] for k in ("name", "authority_name", "province")},
        overwrite=False,
    )
    # The chain is seeded once: after that it is the admin's (a re-dated or split period is never seeded again).
    seeded = ReportingChain.objects.filter(commune=commune).exists()
    for chain in [] if seeded else data.get("reporting_chains", []):
        values = {k: v for k, v in chain.items() if k != "valid_from"}
        values["addressees"] = "\n".join(chain["addressees"])
        values["recipients"] = "\n".join(chain["recipients"])
        sync_row(
            report,
            ReportingChain,
            {"commune": commune, "valid_from": date.fromisoformat(chain["valid_from"])},
            {**values, "valid_until": date.fromisoformat(chain["valid_until"]) if chain.get("valid_until") else None},
            overwrite=False,
        )
    for h in data["hamlets"]:
        sync_row(
            report,
            Hamlet,
            {"commune": commune, "code": h["code"]},
            {"name": h["name"], "position": h["position"]},
            overwrite=False,
        )
    units: dict[str, Unit] = {}
    for u in data["units"]:
        values = {
            "name_vi": u["name"],
            "name_en": u.get("name_en"),
            "kind": u["kind"],
            "plan_section": u["plan_section"],
            "tasks": u["tasks"],
            "parent": units[u["parent"]] if u["parent"] else None,
        }
        unit = sync_row(report, Unit, {"commune": commune, "code": u["code"]}, values, overwrite=False)
        if unit.name_en is None and values["name_en"]:  # the English name the file gained, the admin's renames kept
            sync_row(report, Unit, {"pk": unit.pk}, {"name_en": values["name_en"]}, overwrite=True)
        units[u["code"]] = unit
    return commune, units
