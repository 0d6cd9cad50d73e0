"""Loading the plan (fixtures/plan.json) into the database, idempotently: the organisation it belongs to
(tanloi_portal), the 14 groups (children), then its objectives, indicators, metrics and targets, which are
brought in line with the file on every run. `load_reference_data` is what `load_plan` runs."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from children.reference_data import groups_load, schedule_load
from indicators.models import Indicator, Metric, Objective, Plan, PlanText, Target
from tanloi_portal.reference_data import DEFAULT_PLAN_FILE, LoadReport, organisation_load, read_plan_file, sync_row


def load_reference_data(plan_file: Path | str = DEFAULT_PLAN_FILE) -> LoadReport:
    """Everything `load_plan` loads: the plan and the vaccination schedule."""
    return schedule_load(plan_load(read_plan_file(plan_file)))


def titles(item: dict) -> dict:
    """An objective's, indicator's or metric's title in both languages (django-modeltranslation's fields)."""
    return {"title_vi": item["title"], "title_en": item.get("title_en")}


@transaction.atomic
def plan_load(data: dict) -> LoadReport:
    report = LoadReport()
    commune, units = organisation_load(data, report)
    groups_load(data, report)

    p = data["plan"]
    plan = sync_row(
        report,
        Plan,
        {"commune": commune, "code": p["code"]},
        {k: p[k] for k in ("title", "start_year", "end_year", "base_year")},
        overwrite=True,
    )
    for o in p["objectives"]:
        objective = sync_row(report, Objective, {"plan": plan, "number": o["number"]}, titles(o), overwrite=True)
        for i in o["indicators"]:
            indicator = sync_row(
                report,
                Indicator,
                {"plan": plan, "number": i["number"]},
                {
                    "objective": objective,
                    **titles(i),
                    "plan_text": i["plan_text"],
                    "lead_unit": units[i["lead_unit"]],
                },
                overwrite=True,
            )
            for position, m in enumerate(i["metrics"], start=1):
                metric = sync_row(
                    report,
                    Metric,
                    {"indicator": indicator, "code": m["code"]},
                    {
                        "position": position,
                        **titles(m),
                        "unit": m["unit"],
                        "direction": m["direction"],
                        "source": m["source"],
                    },
                    overwrite=True,
                )
                for year, value in m["targets"].items():
                    sync_row(
                        report, Target, {"metric": metric, "year": int(year)}, {"value": Decimal(value)}, overwrite=True
                    )
                # A target the plan no longer sets must not linger.
                stale = metric.targets.exclude(year__in=[int(y) for y in m["targets"]])
                deleted, _ = stale.delete()
                if deleted:
                    report.updated["target"] += deleted
    document = p.get("document")
    if document:  # the plan's words: created once, then the officer's to edit (reports renders them)
        sync_row(
            report,
            PlanText,
            {"plan": plan},
            {
                **{k: document[k] for k in ("grounds", "purposes", "general_objective", "activities", "solutions")},
                "closing": document["closing"],
                "number": document.get("number") or "",
                "issued_on": document.get("issued_on"),
                "recipients": "\n".join(document["recipients"]),
            },
            overwrite=False,
        )
    return report
