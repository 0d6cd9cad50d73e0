"""The registry's reference data: the 14 groups of children in special circumstances (Luật Trẻ em 2016, Điều 10)
and the vaccines of the immunisation schedule, brought in line with their files on every run."""

from django.db import transaction

from children.models import SpecialCircumstanceGroup, Vaccine
from children.vaccination import Schedule, load_schedule
from tanloi_portal.reference_data import LoadReport, sync_row


def groups_load(data: dict, report: LoadReport) -> None:
    """The 14 groups of the plan file: the law's wording, always as the file says."""
    for g in data["special_circumstance_groups"]:
        names = {"name_vi": g["name"], "name_en": g.get("name_en")}
        sync_row(report, SpecialCircumstanceGroup, {"number": g["number"]}, names, overwrite=True)


@transaction.atomic
def vaccines_load(schedule: Schedule, report: LoadReport | None = None) -> LoadReport:
    """The vaccines of the immunisation schedule (fixtures/vaccine_schedule.json), in schedule order."""
    report = report or LoadReport()
    for position, vaccine in enumerate(schedule.vaccines, start=1):
        names = {"name_vi": vaccine.name, "name_en": vaccine.name_en or None}
        values = {**names, "doses": len(vaccine.doses), "position": position}
        sync_row(report, Vaccine, {"code": vaccine.code}, values, overwrite=True)
    return report


def schedule_load(report: LoadReport | None = None) -> LoadReport:
    """The vaccines of fixtures/vaccine_schedule.json."""
    return vaccines_load(load_schedule(), report)
