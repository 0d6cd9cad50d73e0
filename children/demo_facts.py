"""Demo facts for a demo registry: caregivers, poverty, birth registration, special circumstances and support,
disability, growth, vaccination, schooling, deaths, injuries, child labour and child marriage.

Rates are of the order the plan reports for a rural commune (a few percent in special circumstances, most
children vaccinated and registered, a handful of injuries and drop-outs), so that every page and every
indicator shows real-looking figures. Deterministic for a seed; rows are plain tuples written in batches
(tanloi_portal.bulk: COPY on PostgreSQL) with their history, and no signal is sent: nothing runs per row.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.utils import timezone

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
    HouseholdPoverty,
    Injury,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
    VaccinationDose,
    Vaccine,
)
from children.selectors.registry import current_school_year
from children.vaccination import load_schedule
from tanloi_portal.bulk import BulkTable, reserve_ids
from tanloi_portal.models import Commune, Unit

BATCH = 5000  # children whose facts are written together
# Median length (cm) and weight (kg) by age in months (WHO, both sexes, rounded): enough to draw plausible
# measurements around; the z-scores themselves are computed by children.growth.
MEDIANS = [(0, 50, 3.3), (6, 66, 7.6), (12, 75, 9.6), (24, 87, 12.2), (36, 96, 14.3), (48, 103, 16.3), (60, 110, 18.3)]
# Which of the 14 groups demo children fall in, weighted (disability and long illness are the most common).
GROUP_WEIGHTS = {4: 30, 13: 18, 1: 8, 3: 6, 8: 10, 2: 3, 5: 2, 6: 4, 9: 6, 10: 4, 11: 3, 12: 1, 7: 1, 14: 4}
SUPPORTS = [
    "Trợ cấp xã hội hằng tháng",
    "Tặng quà, học bổng",
    "Hỗ trợ bảo hiểm y tế",
    "Tư vấn, trợ giúp tâm lý",
    "Hỗ trợ đồ dùng học tập",
    "Hỗ trợ chi phí khám chữa bệnh",
]
DROPOUT_REASONS = ["Đi làm phụ giúp gia đình", "Theo gia đình đi làm ăn xa", "Học yếu, chán học", "Hoàn cảnh khó khăn"]


@dataclass(frozen=True)
class DemoFactsReport:
    rows: dict[str, int]


def _medians(age_days: int) -> tuple[float, float]:
    months = min(age_days / 30.4375, 60)
    for (m0, h0, w0), (m1, h1, w1) in pairwise(MEDIANS):
        if m0 <= months <= m1:
            t = (months - m0) / (m1 - m0)
            return h0 + t * (h1 - h0), w0 + t * (w1 - w0)
    return MEDIANS[-1][1], MEDIANS[-1][2]


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


# The columns each demo fact gives, after its primary key (the rest take their defaults: created_at and
# updated_at now, no recorder, no notes).
COLUMNS = {
    HouseholdPoverty: ("household_id", "year", "status"),
    Caregiver: ("child_id", "full_name", "relation", "phone", "is_primary"),
    BirthRegistration: ("child_id", "registered_on", "certificate_number", "place"),
    Death: ("child_id", "died_on", "cause"),
    Injury: ("child_id", "occurred_on", "kind", "treated_at"),
    GrowthMeasurement: ("child_id", "measured_on", "weight_kg", "height_cm", "waz", "haz", "whz", "baz", "classes"),
    VaccinationDose: ("child_id", "vaccine_id", "dose_number", "given_on"),
    SchoolEnrolment: ("child_id", "school_year", "level", "grade", "school", "status", "status_date",
                      "dropout_reason"),
    CircumstanceMembership: ("child_id", "group_id", "started_on", "ended_on"),
    Disability: ("child_id", "kind", "severity", "identified_on", "needs_education", "receives_education_support"),
    SupportRecord: ("child_id", "membership_id", "description", "unit_id", "given_on"),
    ChildLabour: ("child_id", "started_on", "kind", "hours_per_day", "hours_per_week", "hazardous"),
    ChildMarriage: ("child_id", "married_on"),
}  # fmt: skip


class _Kid:
    """What the facts need of a registered child."""

    __slots__ = ("date_of_birth", "head_name", "pk", "sex", "status", "status_date")

    def __init__(self, pk, date_of_birth, sex, status, status_date, head_name):
        self.pk, self.date_of_birth, self.sex = pk, date_of_birth, sex
        self.status, self.status_date, self.head_name = status, status_date, head_name


class _Rows:
    """Collects rows per model (tuples in COLUMNS order) and writes them in batches, with their history."""

    def __init__(self):
        self.rows: dict[type, list] = {}
        self.count: dict[str, int] = {}
        self.now = timezone.now()
        self.tables = {model: BulkTable(model, ("id", *columns), now=self.now) for model, columns in COLUMNS.items()}
        self.spare_ids: dict[type, list[int]] = {}  # models whose rows carry their key from add_with_id

    def add(self, model, *values) -> None:
        self.rows.setdefault(model, []).append(values)

    def add_with_id(self, model, *values) -> int:
        """Add a row that another row refers to (a membership its support): its primary key, taken now."""
        ids = self.spare_ids.setdefault(model, [])
        if not ids:
            ids.extend(reversed(reserve_ids(model, 500)))
        pk = ids.pop()
        self.rows.setdefault(model, []).append((pk, *values))
        return pk

    def flush(self) -> None:
        for model in COLUMNS:  # in this order, so that a row is written before any row that refers to it
            rows = self.rows.get(model)
            if not rows:
                continue
            if model in self.spare_ids:
                written = self.tables[model].write(rows)
            else:
                ids = reserve_ids(model, len(rows))
                written = self.tables[model].write([(pk, *row) for pk, row in zip(ids, rows, strict=True)])
            name = str(model._meta.verbose_name_plural)
            self.count[name] = self.count.get(name, 0) + written
        self.rows.clear()


def _growth(rng: random.Random, rows: _Rows, child: _Kid, today: date) -> None:
    # Children under 5 are weighed and measured once or twice a year (growth monitoring days).
    for months_ago in sorted(rng.sample(range(0, 24), rng.choice((1, 2, 3))), reverse=True):
        measured_on = today - timedelta(days=int(months_ago * 30.4) + rng.randrange(0, 20))
        if measured_on < child.date_of_birth or age_on(child.date_of_birth, measured_on) >= 5:
            continue
        age_days = (measured_on - child.date_of_birth).days
        height_median, weight_median = _medians(age_days)
        z_height, z_weight = rng.gauss(-0.7, 1.0), rng.gauss(-0.5, 1.1)
        height = Decimal(f"{height_median * (1 + 0.037 * z_height):.1f}")
        weight = Decimal(f"{weight_median * (1 + 0.11 * z_weight):.2f}")
        result = assess_growth(
            sex=child.sex,
            date_of_birth=child.date_of_birth,
            measured_on=measured_on,
            weight_kg=weight,
            height_cm=height,
        )
        if result.flags:
            continue
        classes = ",".join(sorted(result.classes))
        rows.add(GrowthMeasurement, child.pk, measured_on, weight, height, result.waz, result.haz, result.whz,
                 result.baz, classes)  # fmt: skip


def _vaccination(rng: random.Random, rows: _Rows, child: _Kid, today: date, schedule, vaccines) -> None:
    careful = rng.random() < 0.9  # most families keep every appointment
    for vaccine in schedule.vaccines:
        if vaccine.code not in vaccines or not vaccine.applies_to(child.date_of_birth):
            continue
        for dose in vaccine.doses:
            window = dose.latest_age_days - dose.due_age_days
            given_on = child.date_of_birth + timedelta(days=dose.due_age_days + rng.randrange(0, min(window, 14) + 1))
            if given_on > today or (not careful and rng.random() < 0.25):
                continue
            rows.add(VaccinationDose, child.pk, vaccines[vaccine.code], dose.number, given_on)


def _schooling(rng: random.Random, rows: _Rows, child: _Kid, today: date, schools: dict) -> None:
    this_year = current_school_year(today)
    for school_year in (this_year - 1, this_year):
        start = date(school_year, 9, 5)
        age = age_on(child.date_of_birth, date(school_year, 12, 31))
        if start > today or age < 3:
            continue
        if age <= 5:
            level, grade, school = SchoolEnrolment.Level.KINDERGARTEN, None, schools["kindergarten"]
            if rng.random() < 0.05 * (6 - age):  # the youngest stay home more often
                continue
        elif age <= 10:
            level, grade, school = SchoolEnrolment.Level.PRIMARY, age - 5, schools["primary"]
        elif age <= 14:
            level, grade, school = SchoolEnrolment.Level.LOWER_SECONDARY, age - 5, schools["lower_secondary"]
        else:
            if rng.random() < 0.25:
                continue
            level, grade, school = SchoolEnrolment.Level.UPPER_SECONDARY, min(age - 5, 12), schools["upper_secondary"]
        status, status_date, reason = SchoolEnrolment.Status.ENROLLED, None, ""
        dropout_rate = {SchoolEnrolment.Level.PRIMARY: 0.002, SchoolEnrolment.Level.LOWER_SECONDARY: 0.01}.get(level, 0)
        if rng.random() < dropout_rate:
            status, reason = SchoolEnrolment.Status.DROPPED_OUT, rng.choice(DROPOUT_REASONS)
            status_date = _between(rng, start, min(today, date(school_year + 1, 5, 20)))
        elif school_year < this_year and grade in (5, 9):
            status, status_date = SchoolEnrolment.Status.COMPLETED, date(school_year + 1, 5, 25)
        rows.add(SchoolEnrolment, child.pk, school_year, level, grade, school, status, status_date, reason)


def _circumstances(rng, rows: _Rows, child: _Kid, today: date, groups, units) -> None:
    number = rng.choices(list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()))[0]
    started_on = _between(rng, child.date_of_birth, today)
    ended_on = _between(rng, started_on, today) if rng.random() < 0.15 else None
    membership = rows.add_with_id(CircumstanceMembership, child.pk, groups[number], started_on, ended_on)
    if number == 4:
        school_age = age_on(child.date_of_birth, today) >= 3
        kind = rng.choice(Disability.Kind.values)
        severity = rng.choices(Disability.Severity.values, (2, 4, 5))[0]
        supported = school_age and rng.random() < 0.8
        rows.add(Disability, child.pk, kind, severity, started_on, school_age, supported)
    if rng.random() < 0.92:
        description, unit = rng.choice(SUPPORTS), rng.choice(units)
        given_on = _between(rng, max(started_on, today - timedelta(days=300)), today)
        rows.add(SupportRecord, child.pk, membership, description, unit, given_on)


@transaction.atomic
def generate_facts(*, commune: Commune, today: date, seed: int = 2025) -> DemoFactsReport:
    """The facts of every household and child of the commune's registry, read in the order they were made."""
    rng = random.Random(seed + 1)
    schedule = load_schedule()
    vaccines = dict(Vaccine.objects.values_list("code", "pk"))
    groups = dict(SpecialCircumstanceGroup.objects.values_list("number", "pk"))
    units = list(
        Unit.objects.filter(commune=commune, kind__in=[Unit.Kind.CULTURE_SOCIAL, Unit.Kind.FRONT]).values_list(
            "pk", flat=True
        )
    )
    schools = {
        "kindergarten": f"Trường Mầm non {commune.name}",
        "primary": f"Trường Tiểu học {commune.name}",
        "lower_secondary": f"Trường THCS {commune.name}",
        "upper_secondary": "Trường THPT Tân Khai",  # the town's, for the communes around it
    }
    registration_place = f"UBND xã {commune.name}"
    rows = _Rows()
    statuses = HouseholdPoverty.Status.values
    mother, father = Caregiver.Relation.MOTHER.value, Caregiver.Relation.FATHER.value
    deceased, female = Child.Status.DECEASED.value, Child.Sex.FEMALE.value

    households = Household.objects.filter(commune=commune).order_by("pk").values_list("pk", flat=True)
    for household in households.iterator(chunk_size=BATCH):
        status = rng.choices(statuses, (90, 6, 4))[0]
        for year in (today.year - 1, today.year):
            rows.add(HouseholdPoverty, household, year, status)

    children = (
        Child.objects.filter(commune=commune)
        .order_by("pk")
        .values_list("pk", "date_of_birth", "sex", "status", "status_date", "household__head_name")
    )
    for index, values in enumerate(children.iterator(chunk_size=BATCH)):
        child = _Kid(*values)
        age = age_on(child.date_of_birth, today)
        family = child.head_name.split()[0]
        caregiver = f"{family} Thị {rng.choice(('Lan', 'Hoa', 'Mai', 'Thu'))}"
        rows.add(Caregiver, child.pk, caregiver, mother, f"09{rng.randrange(10**8):08d}", True)
        if rng.random() < 0.8:
            rows.add(Caregiver, child.pk, child.head_name, father, "", False)
        if rng.random() < 0.97 or age >= 5:
            registered_on = min(child.date_of_birth + timedelta(days=rng.randrange(3, 60)), today)
            rows.add(BirthRegistration, child.pk, registered_on, f"{index + 1:05d}", registration_place)
        if child.status == deceased:
            cause = rng.choices(Death.Cause.values, (70, 25, 5))[0]
            rows.add(Death, child.pk, child.status_date, cause)
            if cause == Death.Cause.INJURY:
                drowning, hospital = Injury.Kind.DROWNING.value, Injury.TreatedAt.DISTRICT_HOSPITAL.value
                rows.add(Injury, child.pk, child.status_date, drowning, hospital)
            continue
        if age < 5:
            _growth(rng, rows, child, today)
        if age < 6:
            _vaccination(rng, rows, child, today, schedule, vaccines)
        _schooling(rng, rows, child, today, schools)
        if rng.random() < 0.035:
            _circumstances(rng, rows, child, today, groups, units)
        if rng.random() < 0.006 * 3:  # about 0.6% injured a year, over three years
            occurred_on = _between(rng, max(child.date_of_birth, today - timedelta(days=3 * 365)), today)
            rows.add(Injury, child.pk, occurred_on, rng.choice(Injury.Kind.values), rng.choice(Injury.TreatedAt.values))
        if age >= 10 and rng.random() < 0.04:
            hours = Decimal(rng.choice((2, 3, 4, 6, 8)))
            started_on = _between(rng, today - timedelta(days=700), today)
            kind = rng.choice((ChildLabour.Kind.HIRED_FARM, ChildLabour.Kind.SERVICES, ChildLabour.Kind.FAMILY_FARM))
            rows.add(ChildLabour, child.pk, started_on, kind.value, hours, hours * 6, rng.random() < 0.3)
        if age >= 15 and child.sex == female and rng.random() < 0.01:
            rows.add(ChildMarriage, child.pk, _between(rng, today - timedelta(days=700), today))
        if index % BATCH == BATCH - 1:
            rows.flush()
    rows.flush()
    return DemoFactsReport(rows=rows.count)
