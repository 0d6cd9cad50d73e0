"""Each calculator on a small registry built by hand; the expected figures are worked out in the comments."""

from datetime import date
from decimal import Decimal

import pytest

from children.models import (
    BirthRegistration,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    Injury,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
)
from indicators.calculators import CALCULATORS, Period, Scope, value_of
from indicators.models import HamletAssessment
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

Y2025 = Period(2025)


@pytest.fixture
def scope(commune):
    return Scope(commune)


@pytest.fixture
def home(hamlet_a):
    return HouseholdFactory(hamlet=hamlet_a)


def kid(home, born, **extra):
    return ChildFactory(household=home, date_of_birth=born, **extra)


def run(code, scope, period=Y2025):
    result = CALCULATORS[code](period, scope)
    return result.numerator, result.denominator


def test_birth_registration_of_children_under_five(scope, home):
    # Under 5 on 31/12/2025 means born 01/01/2021 or later.
    a = kid(home, date(2021, 1, 1))  # turns 5 on 01/01/2026: still under 5 at the end of 2025 -> counted
    b = kid(home, date(2020, 12, 31))  # turns 5 on 31/12/2025: not under 5 -> out of the denominator
    c = kid(home, date(2024, 6, 1))
    d = kid(home, date(2023, 3, 3), status=Child.Status.MOVED_AWAY, status_date=date(2025, 7, 1))  # left mid-year
    kid(home, date(2024, 1, 1), status=Child.Status.MOVED_AWAY, status_date=date(2024, 12, 1))  # left before 2025
    BirthRegistration.objects.create(child=a, registered_on=date(2021, 2, 1))
    BirthRegistration.objects.create(child=b, registered_on=date(2021, 1, 5))
    BirthRegistration.objects.create(child=d, registered_on=None)  # registered, date unknown: counts
    BirthRegistration.objects.create(child=c, registered_on=date(2026, 1, 10))  # registered after the period
    # Denominator: a, c, d = 3. Numerator: a, d = 2.
    assert run("14", scope) == (2, 3)
    result = CALCULATORS["14"](Y2025, scope)
    assert {x.pk for x in result.records} == {a.pk, d.pk}
    assert value_of(result, "percent") == Decimal("66.667")


def test_special_circumstances_distinct_children_and_support(scope, home):
    group = {n: SpecialCircumstanceGroup.objects.get(number=n) for n in (1, 4)}
    twice = kid(home, date(2015, 1, 1))  # in two groups: counted once
    ended = kid(home, date(2015, 1, 1))  # membership ended in 2024: not in 2025
    plain = kid(home, date(2016, 1, 1))
    kid(home, date(2008, 1, 1))  # 17 at the end of 2025: not a child under 16 -> out of everything
    for g in (1, 4):
        CircumstanceMembership.objects.create(child=twice, group=group[g], started_on=date(2024, 5, 1))
    CircumstanceMembership.objects.create(
        child=ended, group=group[4], started_on=date(2023, 1, 1), ended_on=date(2024, 12, 31)
    )
    SupportRecord.objects.create(child=twice, description="Trợ cấp", given_on=date(2025, 3, 1))
    SupportRecord.objects.create(child=ended, description="Quà", given_on=date(2025, 3, 1))
    # 8a: children under 16 = twice, ended, plain = 3; in a group in 2025: twice = 1.
    assert run("8a", scope) == (1, 3)
    # 8b: of those in a group (twice), supported in 2025: twice -> 1 / 1.
    assert run("8b", scope) == (1, 1)
    # plain is in the denominator only: the numerator's children are exactly `twice`.
    assert list(CALCULATORS["8a"](Y2025, scope).records.values_list("pk", flat=True)) == [twice.pk]
    assert plain.pk not in CALCULATORS["8b"](Y2025, scope).records.values_list("pk", flat=True)


def test_mortality_neonatal_infant_and_under_five(scope, home):
    births = [kid(home, date(2025, m, 1)) for m in (1, 2, 3, 4)]  # 4 live births in 2025
    early = births[0]  # died at 20 days: neonatal, infant and under 5
    late_infant = births[1]  # died at 40 days: infant and under 5, not neonatal
    older = kid(home, date(2022, 5, 10))  # born before 2025, died in 2025 at 3: under-5 only
    day28 = births[2]  # died on day 28 (born 01/03, died 29/03): not neonatal (0-27 days)
    for child, died in ((early, date(2025, 1, 21)), (late_infant, date(2025, 3, 13)), (older, date(2025, 8, 1)),
                        (day28, date(2025, 3, 29))):  # fmt: skip
        Death.objects.create(child=child, died_on=died, cause=Death.Cause.ILLNESS)
    assert run("3a", scope) == (1, 4)  # early only
    assert run("3b", scope) == (3, 4)  # early, late_infant, day28
    assert run("3c", scope) == (4, 4)  # and older
    assert value_of(CALCULATORS["3a"](Y2025, scope), "per_1000_live_births") == Decimal("250.000")


def test_a_death_on_the_first_birthday_is_not_an_infant_death(scope, home):
    child = kid(home, date(2024, 2, 29))  # a leap-day birth
    Death.objects.create(child=child, died_on=date(2025, 3, 1), cause=Death.Cause.ILLNESS)  # first birthday
    kid(home, date(2025, 6, 1))
    assert run("3b", scope) == (0, 1) and run("3c", scope) == (1, 1)


def test_zero_denominator_is_no_data_not_zero(scope):
    result = CALCULATORS["3a"](Y2025, scope)
    assert (result.numerator, result.denominator) == (0, 0)
    assert value_of(result, "per_1000_live_births") is None


def test_injuries_and_injury_deaths_per_100000(scope, home):
    twice = kid(home, date(2014, 1, 1))
    for day in (date(2025, 2, 1), date(2025, 9, 1)):  # two injuries, one child
        Injury.objects.create(child=twice, occurred_on=day, kind="fall", treated_at="none")
    drowned = kid(home, date(2019, 1, 1), status=Child.Status.DECEASED, status_date=date(2025, 6, 1))
    Injury.objects.create(child=drowned, occurred_on=date(2025, 6, 1), kind="drowning", treated_at="none")
    Death.objects.create(child=drowned, died_on=date(2025, 6, 1), cause=Death.Cause.INJURY)
    kid(home, date(2016, 1, 1))
    kid(home, date(2017, 1, 1))
    # Children under 16 living in 2025: twice, drowned (died mid-year: lived in 2025), two others = 4.
    assert run("11a", scope) == (2, 4)
    assert run("11b", scope) == (1, 4)
    assert value_of(CALCULATORS["11b"](Y2025, scope), "per_100000_children") == Decimal("25000.000")


def test_child_marriage_yearly_reduction(scope, home):
    for year, count in ((2024, 4), (2025, 3)):
        for i in range(count):
            ChildMarriage.objects.create(child=kid(home, date(2008, 1, 1 + i)), married_on=date(year, 5, 1))
    result = CALCULATORS["13"](Y2025, scope)
    # 4 last year, 3 this year: a reduction of 25%.
    assert (result.numerator, result.denominator) == (3, 4)
    assert value_of(result, "percent_yearly_reduction") == Decimal("25.000")


def test_five_year_olds_in_kindergarten(scope, home):
    # For 2025: the school year ending in 2025 (2024-2025), children aged 5 on 31/12/2024 (born in 2019).
    five = [kid(home, date(2019, m, 1)) for m in (1, 6, 12)]
    kid(home, date(2018, 12, 31))  # 6 on 31/12/2024: not counted
    SchoolEnrolment.objects.create(child=five[0], school_year=2024, level="kindergarten", school="MN")
    SchoolEnrolment.objects.create(child=five[1], school_year=2025, level="kindergarten", school="MN")  # next year
    assert run("16", scope) == (1, 3)


def test_disabled_children_needing_education(scope, home):
    a, b, c = kid(home, date(2015, 1, 1)), kid(home, date(2016, 1, 1)), kid(home, date(2017, 1, 1))
    Disability.objects.create(child=a, kind="mobility", severity="mild", identified_on=date(2020, 1, 1),
                              needs_education=True, receives_education_support=True)  # fmt: skip
    Disability.objects.create(child=b, kind="vision", severity="severe", identified_on=date(2021, 1, 1),
                              needs_education=True, receives_education_support=False)  # fmt: skip
    Disability.objects.create(child=c, kind="other", severity="mild", identified_on=date(2021, 1, 1),
                              needs_education=False)  # fmt: skip
    assert run("20b", scope) == (1, 2)


def test_child_labour_by_age_and_work(scope, home):
    def work(born, **facts):
        child = kid(home, born)
        defaults = {"started_on": date(2025, 1, 1), "kind": "services", "hours_per_day": 2, "hours_per_week": 10}
        ChildLabour.objects.create(child=child, **{**defaults, **facts})
        return child

    young = work(date(2014, 1, 1))  # 11: any paid work counts -> 1
    work(date(2014, 6, 1), kind="art_sport")  # 11, art: does not count
    work(date(2012, 1, 1))  # 13, 2 h/day, 10 h/week: light work, does not count
    long_hours = work(date(2012, 3, 1), hours_per_week=24, hours_per_day=4)  # 13, 24 h/week: counts -> 2
    work(date(2009, 1, 1), hours_per_day=8, hours_per_week=40)  # 16, within 8 h and 40 h: does not count
    hazardous = work(date(2009, 2, 1), hazardous=True)  # 16, hazardous: counts -> 3
    work(date(2011, 1, 1), kind="family_farm", hours_per_day=3, hours_per_week=15)  # 14, family farm, no harm: no
    work(date(2015, 1, 1), started_on=date(2023, 1, 1), ended_on=date(2024, 6, 1))  # 10, work ended in 2024: no
    kid(home, date(2021, 1, 1))  # 4 on 31/12/2025: outside 5-17
    # Denominator: the 8 working children are all 5-17 at the end of 2025.
    assert run("10", scope) == (3, 8)
    counted = set(CALCULATORS["10"](Y2025, scope).records.values_list("pk", flat=True))
    assert counted == {young.pk, long_hours.pk, hazardous.pk}


def test_hamlet_assessments(scope, commune, hamlet_a):
    hamlets = list(commune.hamlets.order_by("position"))
    for h in hamlets[:10]:
        HamletAssessment.objects.create(hamlet=h, year=2025, child_friendly=True, play_space=h.position <= 5)
    # 10 of 13 hamlets: the plan's 76,9% for 2025.
    result = CALCULATORS["1"](Y2025, scope)
    assert (result.numerator, result.denominator) == (10, 13)
    assert value_of(result, "percent") == Decimal("76.923")
    assert run("21", scope) == (5, 13)
    assert run("1", Scope(commune, hamlet_a)) == (1, 1)


def test_hamlet_scope_counts_that_hamlet_only(commune, hamlet_a, hamlet_b):
    here, there = HouseholdFactory(hamlet=hamlet_a), HouseholdFactory(hamlet=hamlet_b)
    kid(here, date(2024, 1, 1))
    registered = kid(there, date(2024, 1, 1))
    BirthRegistration.objects.create(child=registered, registered_on=date(2024, 1, 5))
    assert run("14", Scope(commune, hamlet_a)) == (0, 1)
    assert run("14", Scope(commune, hamlet_b)) == (1, 1)
    assert run("14", Scope(commune)) == (1, 2)


def test_half_year_periods(scope, home):
    a = kid(home, date(2025, 3, 1))
    kid(home, date(2025, 9, 1))
    Death.objects.create(child=a, died_on=date(2025, 3, 5), cause=Death.Cause.ILLNESS)
    assert run("3a", scope, Period(2025, 1)) == (1, 1)
    assert run("3a", scope, Period(2025, 2)) == (0, 1)


def _measure(child, on, **z):
    from children.models import GrowthMeasurement

    return GrowthMeasurement.objects.create(child=child, measured_on=on, weight_kg=Decimal("10"), **z)


def test_growth_uses_each_childs_latest_measurement_taken_under_five(scope, home):
    a = kid(home, date(2023, 1, 1))
    _measure(a, date(2025, 3, 1), waz=Decimal("-2.5"), haz=Decimal("-1"), whz=Decimal("0"))  # older one
    _measure(a, date(2025, 9, 1), waz=Decimal("-1.5"), haz=Decimal("-2.2"), whz=Decimal("2.4"))  # latest: counts
    b = kid(home, date(2020, 7, 1))  # turns 5 on 01/07/2025
    _measure(b, date(2025, 5, 1), waz=Decimal("-2.1"), haz=Decimal("0"), whz=Decimal("0"))  # before: counts
    _measure(b, date(2025, 8, 1), waz=Decimal("0.5"), haz=Decimal("0"))  # after the 5th birthday: ignored
    c = kid(home, date(2024, 1, 1))
    from children.models import GrowthMeasurement

    GrowthMeasurement.objects.create(child=c, measured_on=date(2025, 2, 1), weight_kg=Decimal("30"),
                                     waz=Decimal("7"), flags="waz")  # implausible: left out  # fmt: skip
    # 4a: latest weighings: a (-1.5), b (-2.1) -> 1 of 2. 4b: a (-2.2), b (0) -> 1 of 2. 4c: a 2.4 -> 1 of 2.
    assert run("4a", scope) == (1, 2)
    assert run("4b", scope) == (1, 2)
    assert run("4c", scope) == (1, 2)


def _dose(child, code, number, day):
    from children.models import VaccinationDose, Vaccine

    VaccinationDose.objects.create(child=child, vaccine=Vaccine.objects.get(code=code), dose_number=number,
                                   given_on=day)  # fmt: skip


def test_fully_vaccinated_under_one_with_ipv_standing_in(scope, home):
    full, late, ipv = (kid(home, date(2024, m, 10)) for m in (2, 3, 4))  # all turn 1 in 2025
    kid(home, date(2023, 5, 1))  # turned 1 in 2024: not in this year's cohort
    for child in (full, late, ipv):
        born = child.date_of_birth
        _dose(child, "bcg", 1, born)
        for n in (1, 2, 3):
            _dose(child, "dpt_vgb_hib", n, born.replace(month=born.month + n))
        for n in (1, 2):
            _dose(child, "opv", n, born.replace(month=born.month + n))
    _dose(full, "opv", 3, date(2024, 5, 10))
    _dose(late, "opv", 3, date(2025, 3, 20))  # after the first birthday (10/03/2025): does not count
    _dose(ipv, "ipv", 1, date(2024, 9, 10))  # IPV before the birthday stands in for the third polio dose
    for child in (full, late, ipv):
        _dose(child, "measles", 1, child.date_of_birth.replace(year=2025, month=1))
    # full and ipv complete; late has only two polio doses before its first birthday.
    assert run("5a", scope) == (2, 3)


def test_fully_vaccinated_for_age_under_five(scope, home):
    newborn = kid(home, date(2025, 12, 20))  # on 31/12/2025 only the hepatitis B birth dose is overdue...
    _dose(newborn, "hepb_birth", 1, date(2025, 12, 20))  # ...and was given: fully vaccinated for age
    behind = kid(home, date(2025, 6, 1))  # BCG, the birth dose and the 2-4 month doses overdue, none given
    assert run("5b", scope) == (1, 2)
    counted = list(CALCULATORS["5b"](Y2025, scope).records.values_list("pk", flat=True))
    assert counted == [newborn.pk] and behind.pk not in counted


def test_primary_completion_and_dropout(scope, home):
    from children.models import SchoolEnrolment as E

    pupils = [kid(home, date(2014, 1, 1 + i)) for i in range(5)]
    for p in pupils[:4]:
        E.objects.create(child=p, school_year=2020, level="primary", grade=1, school="TH")  # t-4 for 2025
    for p in pupils[:3]:
        E.objects.create(child=p, school_year=2024, level="primary", grade=5, school="TH", status="completed",
                         status_date=date(2025, 5, 25))  # fmt: skip
    E.objects.create(child=pupils[3], school_year=2024, level="primary", grade=5, school="TH", status="dropped_out",
                     status_date=date(2025, 1, 10), dropout_reason="Đi làm")  # fmt: skip
    E.objects.create(child=pupils[4], school_year=2024, level="primary", grade=4, school="TH")
    # 17a: 3 completed grade 5 in 2024-2025 / 4 in grade 1 in 2020-2021. 17b: 1 dropped / 5 enrolled in 2024-2025.
    assert run("17a", scope) == (3, 4)
    assert run("17b", scope) == (1, 5)
    assert run("18a", scope) == (0, 0) and run("18b", scope) == (0, 0)


def test_early_development_services_reach_children_up_to_eight(scope, home):
    measured = kid(home, date(2023, 1, 1))
    _measure(measured, date(2025, 4, 1), waz=Decimal("0"))
    schooled = kid(home, date(2019, 6, 1))  # 6: in tiểu học in school year 2025-2026
    from children.models import SchoolEnrolment as E

    E.objects.create(child=schooled, school_year=2025, level="primary", grade=1, school="TH")
    kid(home, date(2021, 1, 1))  # 4, no service recorded in 2025
    old = kid(home, date(2016, 1, 1))  # 9 on 31/12/2025: outside 0-8
    E.objects.create(child=old, school_year=2025, level="primary", grade=4, school="TH")
    assert run("2", scope) == (2, 3)


def test_abused_children_from_confirmed_cases(scope, home, users):
    from datetime import datetime

    from django.utils import timezone

    from cases.models import Case

    def case(child, concern, confirmed, received):
        Case.objects.create(commune=scope.commune, child=child, concern=concern, channel="family", description="x",
                            received_at=timezone.make_aware(datetime(*received)), confirmed=confirmed,
                            opened_by=users["officer"])  # fmt: skip

    twice = kid(home, date(2015, 1, 1))
    case(twice, "violence", True, (2025, 3, 1))
    case(twice, "neglect", True, (2025, 9, 1))  # the same child twice: once
    case(kid(home, date(2016, 1, 1)), "violence", False, (2025, 3, 1))  # not confirmed
    case(kid(home, date(2017, 1, 1)), "injury", True, (2025, 3, 1))  # not abuse
    case(kid(home, date(2018, 1, 1)), "sexual_abuse", True, (2024, 12, 30))  # last year
    assert run("9", scope) == (1, 4)


def test_babies_gone_before_their_first_birthday_leave_the_vaccination_cohort(scope, home):
    kid(home, date(2024, 6, 1), status=Child.Status.DECEASED, status_date=date(2025, 2, 1))  # died at 8 months
    kid(home, date(2024, 3, 1), moved_in_on=date(2025, 5, 1))  # arrived after the first birthday
    kid(home, date(2024, 4, 1))
    assert run("5a", scope)[1] == 1


def test_disabled_16_year_olds_are_not_children_here(scope, home):
    teen = kid(home, date(2008, 6, 1))  # 17 on 31/12/2025
    Disability.objects.create(child=teen, kind="vision", severity="mild", identified_on=date(2020, 1, 1),
                              needs_education=True)  # fmt: skip
    assert run("20b", scope) == (0, 0)


def test_children_born_elsewhere_are_not_live_births_here(scope, home):
    kid(home, date(2025, 1, 1))
    kid(home, date(2025, 3, 1), moved_in_on=date(2025, 9, 1))
    assert run("3b", scope)[1] == 1


def test_an_injury_counts_by_the_age_at_the_injury(scope, home):
    boy = kid(home, date(2009, 10, 1), status=Child.Status.DECEASED, status_date=date(2025, 3, 1))
    Injury.objects.create(child=boy, occurred_on=date(2025, 3, 1), kind="drowning", treated_at="none")
    Death.objects.create(child=boy, died_on=date(2025, 3, 1), cause=Death.Cause.INJURY)  # aged 15 then
    kid(home, date(2015, 1, 1))
    # Numerator: the boy (15 at the drowning). Denominator: children under 16 on 31/12/2025 = the other child
    # only (the boy would have been 16): the rate relates the year's injuries to the year's child population.
    assert run("11a", scope) == (1, 1) and run("11b", scope) == (1, 1)


# --- completeness: of the population a metric counts, the share with any record of the kind it reads -----


def test_growth_completeness_is_the_share_of_under_fives_measured_in_the_year(scope, home):
    measured = [kid(home, date(2023, 1, 1 + i)) for i in range(3)]
    for child in measured:
        _measure(child, date(2025, 4, 1), waz=Decimal("0"), haz=Decimal("0"), whz=Decimal("0"))
    kid(home, date(2022, 6, 1))  # under 5, never measured
    _measure(kid(home, date(2023, 2, 1)), date(2024, 4, 1), waz=Decimal("0"))  # measured last year only
    kid(home, date(2019, 1, 1))  # 6: not in the population
    for code in ("4a", "4b", "4c"):
        result = CALCULATORS[code](Y2025, scope)
        # 3 of the 5 under-fives have a measurement in 2025: 60%.
        assert (result.covered, result.population, result.completeness) == (3, 5, Decimal("60.0"))


def test_vaccination_completeness_is_the_share_of_the_cohort_with_any_dose_recorded(scope, home):
    cohort = [kid(home, date(2024, m, 10)) for m in (2, 3, 4, 5)]  # all turn 1 in 2025
    for child in cohort[:3]:
        _dose(child, "bcg", 1, child.date_of_birth)
    result = CALCULATORS["5a"](Y2025, scope)
    assert (result.numerator, result.denominator) == (0, 4)
    assert (result.covered, result.population, result.completeness) == (3, 4, Decimal("75.0"))
    under5 = CALCULATORS["5b"](Y2025, scope)
    assert (under5.covered, under5.population) == (3, 4)


def test_assessment_completeness_is_the_share_of_hamlets_assessed(scope, commune):
    for h in commune.hamlets.order_by("position")[:10]:
        HamletAssessment.objects.create(hamlet=h, year=2025, child_friendly=h.position <= 4, play_space=False)
    result = CALCULATORS["1"](Y2025, scope)
    # 4 of 13 meet the standard, but only 10 were assessed: 76,9% complete.
    assert (result.numerator, result.denominator, result.completeness) == (4, 13, Decimal("76.9"))


def test_schooling_completeness_is_the_share_of_children_of_the_levels_age_enrolled(scope, home):
    pupils = [kid(home, date(2016, 1, 1 + i)) for i in range(4)]  # 8 on 31/12/2024: primary age
    for p in pupils[:3]:
        SchoolEnrolment.objects.create(child=p, school_year=2024, level="primary", grade=3, school="TH")
    kid(home, date(2012, 1, 1))  # 12: lower-secondary age, no record
    primary, lower = CALCULATORS["17b"](Y2025, scope), CALCULATORS["18b"](Y2025, scope)
    assert (primary.covered, primary.population, primary.completeness) == (3, 4, Decimal("75.0"))
    assert (lower.covered, lower.population, lower.completeness) == (0, 1, Decimal("0.0"))


def test_metrics_whose_records_leave_no_trace_have_no_completeness(scope, home):
    kid(home, date(2024, 1, 1))
    for code in ("3a", "8a", "9", "11a", "14"):
        assert CALCULATORS[code](Y2025, scope).completeness is None
