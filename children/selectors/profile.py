"""A child's whole record for the child page, and the history of every change made to it.

A fixed number of queries whatever the number of facts: one per kind of fact, one per history table.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from children import rules
from children.ages import age_on
from children.growth import assess_growth
from children.models import (
    BirthRegistration,
    Caregiver,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    Household,
    Injury,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
    VaccinationDose,
    Vaccine,
)
from children.permissions import child_page_sections
from children.vaccination import Dose, fully_vaccinated_for_age, load_schedule, missing_doses
from tanloi_portal.models import Unit
from tanloi_portal.numbers import format_number


@dataclass(frozen=True)
class VaccinationStatus:
    fully_vaccinated_for_age: bool
    missing: list[str]


@dataclass
class ChildProfile:
    child: Child
    age: int
    sections: frozenset[str]
    show_circumstance_details: bool
    caregivers: list[Caregiver]
    birth_registration: BirthRegistration | None
    memberships: list[CircumstanceMembership]
    supports: list[SupportRecord]
    disabilities: list[Disability]
    growth: list[GrowthMeasurement]
    doses: list[VaccinationDose]
    vaccination: VaccinationStatus | None
    schooling: list[SchoolEnrolment]
    injuries: list[Injury]
    labour: list[ChildLabour]
    marriages: list[ChildMarriage]
    death: Death | None


def _vaccination_status(child: Child, doses: list[VaccinationDose], on: date) -> VaccinationStatus:
    given = [Dose(vaccine=d.vaccine.code, number=d.dose_number, given_on=d.given_on) for d in doses]
    names = {v.code: v.name for v in Vaccine.objects.all()}
    missing = [
        gettext("%(vaccine)s - mũi %(n)s") % {"vaccine": names.get(code, code), "n": n}
        for code, n in missing_doses(given, child.date_of_birth, on)
    ]
    return VaccinationStatus(fully_vaccinated_for_age(given, child.date_of_birth, on), missing)


def child_profile(*, child: Child, user, on: date | None = None) -> ChildProfile:
    """What the child page shows this user: only the sections they may read are even loaded."""
    on = on or timezone.localdate()
    sections = child_page_sections(user)
    details = "notes" in sections

    def load(section: str, read):
        return list(read()) if section in sections else []

    doses = load("health", lambda: child.vaccinationdose_set.select_related("vaccine"))
    return ChildProfile(
        child=child,
        age=age_on(child.date_of_birth, on),
        sections=sections,
        show_circumstance_details=details,
        caregivers=list(child.caregivers.all()),
        birth_registration=BirthRegistration.objects.filter(child=child).first(),
        memberships=load("protection", lambda: child.circumstancemembership_set.select_related("group")),
        supports=load("notes", lambda: child.supportrecord_set.select_related("unit", "membership__group")),
        disabilities=load("notes", lambda: child.disability_set.all()),
        growth=load("health", lambda: child.growthmeasurement_set.all()),
        doses=doses,
        vaccination=_vaccination_status(child, doses, on) if "health" in sections else None,
        schooling=load("school", lambda: child.schoolenrolment_set.all()),
        injuries=load("events", lambda: child.injury_set.all()),
        labour=load("events", lambda: child.childlabour_set.all()),
        marriages=load("events", lambda: child.childmarriage_set.all()),
        death=Death.objects.filter(child=child).first(),
    )


# --- history -----------------------------------------------------------------------------------------

TRACKED = (
    Child,
    Caregiver,
    BirthRegistration,
    CircumstanceMembership,
    SupportRecord,
    Disability,
    GrowthMeasurement,
    VaccinationDose,
    SchoolEnrolment,
    Death,
    Injury,
    ChildLabour,
    ChildMarriage,
)
# Derived or bookkeeping columns: their changes follow from another field's and are not shown.
IGNORED = {
    "id",
    "child",
    "name_search",
    "name_sort_key",
    "created_at",
    "updated_at",
    "recorded_by",
    "classes",
    "flags",
    "waz",
    "haz",
    "whz",
    "baz",
}
# How a foreign key's value is shown: where to read the rows it points to, and the label of a row.
LABELS = {
    "household": (lambda: Household.objects.all(), lambda h: h.code),
    "group": (lambda: SpecialCircumstanceGroup.objects.all(), str),
    "vaccine": (lambda: Vaccine.objects.all(), str),
    "unit": (lambda: Unit.objects.all(), str),
    "membership": (lambda: CircumstanceMembership.objects.select_related("group"), lambda m: str(m.group)),
    "merged_into": (lambda: Child.objects.all(), lambda c: f"#{c.pk} {c.full_name}"),
}
KIND = {"+": gettext_lazy("thêm"), "~": gettext_lazy("sửa"), "-": gettext_lazy("xóa")}
UPDATE_REASON = "household-update:"


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    # The collaborator's household update whose approval made this change, if any.
    update_pk: int | None = None


def _shown_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in IGNORED]


def _display(f: models.Field, value, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    if f.name in LABELS:
        return labels.get((f.name, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return format_number(value)  # 6,99 kg, never 6.99
    return str(value)


def child_history(*, child: Child, limit: int = 300) -> list[HistoryEntry]:
    """Every change to the child and its facts, newest first: who, when, and each field's old and new value."""
    rows_by_model = []
    for model in TRACKED:
        lookup = {"id": child.pk} if model is Child else {"child_id": child.pk}
        rows = list(
            model.history.filter(**lookup).select_related("history_user").order_by("id", "history_date", "history_id")
        )
        rows_by_model.append((model, rows))

    wanted: dict[str, set] = defaultdict(set)
    for model, rows in rows_by_model:
        for f in _shown_fields(model):
            if f.name in LABELS:
                wanted[f.name].update(getattr(r, f.attname) for r in rows if getattr(r, f.attname) is not None)
    labels = {}
    for name, ids in wanted.items():
        rows, label = LABELS[name]
        for obj in rows().filter(pk__in=ids):
            labels[(name, obj.pk)] = label(obj)

    entries: list[HistoryEntry] = []
    for model, rows in rows_by_model:
        fields = _shown_fields(model)
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for f in fields:
                new = getattr(row, f.attname)
                old = getattr(before, f.attname) if before is not None else None
                if before is None and row.history_type == "+":
                    if new not in (None, "", False):
                        changes.append((str(f.verbose_name), "", _display(f, new, labels)))
                elif new != old:
                    changes.append((str(f.verbose_name), _display(f, old, labels), _display(f, new, labels)))
            previous[row.id] = row
            if row.history_type == "~" and not changes:
                continue
            user = row.history_user
            reason = row.history_change_reason or ""
            entries.append(
                HistoryEntry(
                    when=row.history_date,
                    who=(user.full_name or user.username) if user else gettext("hệ thống"),
                    what=str(model._meta.verbose_name),
                    kind=str(KIND.get(row.history_type, row.history_type)),
                    changes=changes,
                    update_pk=int(reason.split(":")[1]) if reason.startswith(UPDATE_REASON) else None,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def growth_problems(
    *, child: Child, measured_on: date, weight_kg, height_cm, lying: bool | None = None, exclude_pk: int | None = None
) -> list[str]:
    """What looks wrong with a measurement of this child, in plain words (children.rules.implausible_growth):
    WHO's plausibility limits for the age, and a height lower than the tallest earlier one. Read by the
    collaborator's form, the officer's forms and the review page."""
    if not child.date_of_birth or measured_on < child.date_of_birth or child.sex not in ("M", "F"):
        return []
    try:
        result = assess_growth(
            sex=child.sex,
            date_of_birth=child.date_of_birth,
            measured_on=measured_on,
            weight_kg=weight_kg,
            height_cm=height_cm,
            lying=lying,
        )
    except ValueError:  # 19 or older, or a value the form refuses on its own
        return []
    earlier = (
        GrowthMeasurement.objects.filter(child=child, measured_on__lte=measured_on, height_cm__isnull=False)
        .exclude(pk=exclude_pk)
        .order_by("-height_cm", "measured_on")
        .values_list("measured_on", "height_cm")
        .first()
    )
    return rules.implausible_growth(
        flags=result.flags, age_days=result.age_days, weight_kg=weight_kg, height_cm=height_cm, earlier=earlier
    )


def birth_problems(*, household: Household, born: date, newborn: bool, exclude_pk: int | None = None) -> list[str]:
    """What looks wrong with a birth date typed for a child of this household, in plain words
    (children.rules.implausible_birth): a "new birth" more than a year old, a child born a few months from another
    living child of the household. Read by the collaborator's form, the officer's child form and the review."""
    siblings = (
        household.children.filter(status=Child.Status.LIVING)
        .exclude(pk=exclude_pk)
        .order_by("date_of_birth")
        .values_list("full_name", "date_of_birth")
    )
    return rules.implausible_birth(born, today=timezone.localdate(), newborn=newborn, siblings=siblings)


def dose_problems(
    *, child: Child, vaccine: Vaccine, number: int, given_on: date, exclude_pk: int | None = None
) -> list[str]:
    """What looks wrong with the date of a dose, in plain words (children.rules.implausible_dose), against the
    schedule (children.vaccination) and the child's other doses of the vaccine. A vaccine outside the schedule
    (a service vaccine) is not questioned."""
    try:
        scheduled = {d.number: d.due_age_days for d in load_schedule().vaccine(vaccine.code).doses}
    except KeyError:
        return []
    if number not in scheduled or given_on < child.date_of_birth:
        return []
    others = dict(
        VaccinationDose.objects.filter(child=child, vaccine=vaccine)
        .exclude(pk=exclude_pk)
        .exclude(dose_number=number)
        .values_list("dose_number", "given_on")
    )
    before = max((n for n in others if n < number), default=None)
    after = min((n for n in others if n > number), default=None)
    return rules.implausible_dose(
        number=number,
        given_on=given_on,
        born=child.date_of_birth,
        due_age_days=scheduled[number],
        earlier=rules.OtherDose(before, others[before], scheduled[number] - scheduled.get(before, 0))
        if before
        else None,
        later=rules.OtherDose(after, others[after], 0) if after else None,
    )
