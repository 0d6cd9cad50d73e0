"""Demo facts for a demo registry: caregivers, poverty, birth registration, special circumstances and support,
disability, growth, vaccination, schooling, deaths, injuries, child labour and child marriage.

Rates are of the order the plan reports for a rural commune (a few percent in special circumstances, most
children vaccinated and registered, a handful of injuries and drop-outs), so that every page and every
indicator shows real-looking figures. Deterministic for a seed; rows are written in batches.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from simple_history.utils import bulk_create_with_history

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
from tanloi_portal.models import Commune, Unit

BATCH = 2000
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


class _Rows:
    """Collects rows per model and writes them in batches, with their history rows."""

    def __init__(self):
        self.rows: dict[type, list] = {}
        self.count: dict[str, int] = {}

    def add(self, obj) -> None:
        self.rows.setdefault(type(obj), []).append(obj)

    def flush(self) -> None:
        for model, objs in self.rows.items():
            if hasattr(model, "history"):
                bulk_create_with_history(objs, model, batch_size=BATCH)
            else:
                model.objects.bulk_create(objs, batch_size=BATCH)
            name = str(model._meta.verbose_name_plural)
            self.count[name] = self.count.get(name, 0) + len(objs)
        self.rows.clear()


def _growth(rng: random.Random, rows: _Rows, child: Child, today: date) -> None:
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
        rows.add(
            GrowthMeasurement(
                child=child,
                measured_on=measured_on,
                weight_kg=weight,
                height_cm=height,
                waz=result.waz,
                haz=result.haz,
                whz=result.whz,
                baz=result.baz,
                classes=",".join(sorted(result.classes)),
            )
        )


def _vaccination(rng: random.Random, rows: _Rows, child: Child, today: date, schedule, vaccines) -> None:
    careful = rng.random() < 0.9  # most families keep every appointment
    for vaccine in schedule.vaccines:
        if vaccine.code not in vaccines or not vaccine.applies_to(child.date_of_birth):
            continue
        for dose in vaccine.doses:
            window = dose.latest_age_days - dose.due_age_days
            given_on = child.date_of_birth + timedelta(days=dose.due_age_days + rng.randrange(0, min(window, 14) + 1))
            if given_on > today or (not careful and rng.random() < 0.25):
                continue
            rows.add(
                VaccinationDose(child=child, vaccine=vaccines[vaccine.code], dose_number=dose.number, given_on=given_on)
            )


def _schooling(rng: random.Random, rows: _Rows, child: Child, today: date) -> None:
    this_year = current_school_year(today)
    for school_year in (this_year - 1, this_year):
        start = date(school_year, 9, 5)
        age = age_on(child.date_of_birth, date(school_year, 12, 31))
        if start > today or age < 3:
            continue
        if age <= 5:
            level, grade, school = SchoolEnrolment.Level.KINDERGARTEN, None, "Trường Mầm non Tân Lợi"
            if rng.random() < 0.05 * (6 - age):  # the youngest stay home more often
                continue
        elif age <= 10:
            level, grade, school = SchoolEnrolment.Level.PRIMARY, age - 5, "Trường Tiểu học Tân Lợi"
        elif age <= 14:
            level, grade, school = SchoolEnrolment.Level.LOWER_SECONDARY, age - 5, "Trường THCS Tân Lợi"
        else:
            if rng.random() < 0.25:
                continue
            level, grade, school = SchoolEnrolment.Level.UPPER_SECONDARY, min(age - 5, 12), "Trường THPT Tân Khai"
        status, status_date, reason = SchoolEnrolment.Status.ENROLLED, None, ""
        dropout_rate = {SchoolEnrolment.Level.PRIMARY: 0.002, SchoolEnrolment.Level.LOWER_SECONDARY: 0.01}.get(level, 0)
        if rng.random() < dropout_rate:
            status, reason = SchoolEnrolment.Status.DROPPED_OUT, rng.choice(DROPOUT_REASONS)
            status_date = _between(rng, start, min(today, date(school_year + 1, 5, 20)))
        elif school_year < this_year and grade in (5, 9):
            status, status_date = SchoolEnrolment.Status.COMPLETED, date(school_year + 1, 5, 25)
        rows.add(
            SchoolEnrolment(
                child=child,
                school_year=school_year,
                level=level,
                grade=grade,
                school=school,
                status=status,
                status_date=status_date,
                dropout_reason=reason,
            )
        )


def _circumstances(rng, rows: _Rows, child: Child, today: date, groups, units) -> None:
    number = rng.choices(list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values()))[0]
    started_on = _between(rng, child.date_of_birth, today)
    ended_on = _between(rng, started_on, today) if rng.random() < 0.15 else None
    membership = CircumstanceMembership(child=child, group=groups[number], started_on=started_on, ended_on=ended_on)
    rows.add(membership)
    if number == 4:
        school_age = age_on(child.date_of_birth, today) >= 3
        rows.add(
            Disability(
                child=child,
                kind=rng.choice(Disability.Kind.values),
                severity=rng.choices(Disability.Severity.values, (2, 4, 5))[0],
                identified_on=started_on,
                needs_education=school_age,
                receives_education_support=school_age and rng.random() < 0.8,
            )
        )
    if rng.random() < 0.92:
        rows.add(
            SupportRecord(
                child=child,
                membership=membership,
                description=rng.choice(SUPPORTS),
                unit=rng.choice(units),
                given_on=_between(rng, max(started_on, today - timedelta(days=300)), today),
            )
        )


@transaction.atomic
def generate_facts(*, commune: Commune, today: date, seed: int = 2025) -> DemoFactsReport:
    rng = random.Random(seed + 1)
    schedule = load_schedule()
    vaccines = {v.code: v for v in Vaccine.objects.all()}
    groups = {g.number: g for g in SpecialCircumstanceGroup.objects.all()}
    units = list(Unit.objects.filter(commune=commune, kind__in=[Unit.Kind.CULTURE_SOCIAL, Unit.Kind.FRONT]))
    rows = _Rows()

    for household in Household.objects.filter(commune=commune).order_by("pk").iterator(chunk_size=BATCH):
        status = rng.choices(HouseholdPoverty.Status.values, (90, 6, 4))[0]
        for year in (today.year - 1, today.year):
            rows.add(HouseholdPoverty(household=household, year=year, status=status))

    children = Child.objects.filter(household__commune=commune).select_related("household").order_by("pk")
    for index, child in enumerate(children.iterator(chunk_size=BATCH)):
        age = age_on(child.date_of_birth, today)
        family = child.household.head_name.split()[0]
        rows.add(
            Caregiver(
                child=child,
                full_name=f"{family} Thị {rng.choice(('Lan', 'Hoa', 'Mai', 'Thu'))}",
                relation=Caregiver.Relation.MOTHER,
                phone=f"09{rng.randrange(10**8):08d}",
                is_primary=True,
            )
        )
        if rng.random() < 0.8:
            rows.add(Caregiver(child=child, full_name=child.household.head_name, relation=Caregiver.Relation.FATHER))
        if rng.random() < 0.97 or age >= 5:
            registered_on = min(child.date_of_birth + timedelta(days=rng.randrange(3, 60)), today)
            rows.add(BirthRegistration(child=child, registered_on=registered_on, certificate_number=f"{index + 1:05d}"))
        if child.status == Child.Status.DECEASED:
            cause = rng.choices(Death.Cause.values, (70, 25, 5))[0]
            rows.add(Death(child=child, died_on=child.status_date, cause=cause))
            if cause == Death.Cause.INJURY:
                rows.add(
                    Injury(
                        child=child,
                        occurred_on=child.status_date,
                        kind=Injury.Kind.DROWNING,
                        treated_at=Injury.TreatedAt.DISTRICT_HOSPITAL,
                    )
                )
            continue
        if age < 5:
            _growth(rng, rows, child, today)
        if age < 6:
            _vaccination(rng, rows, child, today, schedule, vaccines)
        _schooling(rng, rows, child, today)
        if rng.random() < 0.035:
            _circumstances(rng, rows, child, today, groups, units)
        if rng.random() < 0.006 * 3:  # about 0.6% injured a year, over three years
            rows.add(
                Injury(
                    child=child,
                    occurred_on=_between(rng, max(child.date_of_birth, today - timedelta(days=3 * 365)), today),
                    kind=rng.choice(Injury.Kind.values),
                    treated_at=rng.choice(Injury.TreatedAt.values),
                )
            )
        if age >= 10 and rng.random() < 0.04:
            hours = Decimal(rng.choice((2, 3, 4, 6, 8)))
            rows.add(
                ChildLabour(
                    child=child,
                    started_on=_between(rng, today - timedelta(days=700), today),
                    kind=rng.choice(
                        (ChildLabour.Kind.HIRED_FARM, ChildLabour.Kind.SERVICES, ChildLabour.Kind.FAMILY_FARM)
                    ),
                    hours_per_day=hours,
                    hours_per_week=hours * 6,
                    hazardous=rng.random() < 0.3,
                )
            )
        if age >= 15 and child.sex == Child.Sex.FEMALE and rng.random() < 0.01:
            rows.add(ChildMarriage(child=child, married_on=_between(rng, today - timedelta(days=700), today)))
        if index % BATCH == BATCH - 1:
            rows.flush()
    rows.flush()
    return DemoFactsReport(rows=rows.count)
