"""Vaccination rules: the 8-vaccine rule (indicator 5a), full vaccination for age (5b), and the schedule file.

Ages used below, from fixtures/vaccine_schedule.json (days since birth, due..latest):
hepb_birth 0..1; bcg 0..30; dpt_vgb_hib and opv 61..90, 91..121, 122..151; ipv 152..182, 274..303;
rota 61..90, 91..121 (children born from 2024-07-01); measles 274..303; mr and dpt_booster 548..577;
je 365..395, 372..409, 737..767.
"""

import json
from datetime import date, timedelta

import pytest

from children.vaccination import (
    DEFAULT_SCHEDULE_PATH,
    Dose,
    basic_under_1_complete,
    due_doses,
    first_birthday,
    fully_vaccinated_for_age,
    load_schedule,
    missing_doses,
)

DOB = date(2025, 1, 10)  # born after rota's start date, so rota is required of this child
# The 8 doses of the 8-vaccine rule.
BASIC = [
    ("bcg", 1),
    ("dpt_vgb_hib", 1),
    ("dpt_vgb_hib", 2),
    ("dpt_vgb_hib", 3),
    ("opv", 1),
    ("opv", 2),
    ("opv", 3),
    ("measles", 1),
]


def at(dob: date, days: int) -> date:
    return dob + timedelta(days=days)


def basic_doses(dob: date = DOB) -> list[Dose]:
    """The 8-vaccine rule exactly: BCG at birth, DPT-VGB-Hib and OPV at 2, 3, 4 months, measles at 9 months."""
    ages = {("bcg", 1): 0, ("measles", 1): 274}
    for number, days in ((1, 61), (2, 91), (3, 122)):
        ages[("dpt_vgb_hib", number)] = days
        ages[("opv", number)] = days
    return [Dose(code, number, at(dob, ages[(code, number)])) for code, number in BASIC]


def on_schedule(dob: date, on: date) -> list[Dose]:
    """Every dose of the shipped schedule, given on its due day, up to `on`."""
    doses = []
    for vaccine in load_schedule().vaccines:
        for dose in vaccine.doses:
            given_on = at(dob, dose.due_age_days)
            if given_on <= on:
                doses.append(Dose(vaccine.code, dose.number, given_on))
    return doses


def without(doses: list[Dose], *keys: tuple[str, int]) -> list[Dose]:
    return [d for d in doses if (d.vaccine, d.number) not in keys]


# --- the 8-vaccine rule -----------------------------------------------------------------------------------------


def test_basic_rule_complete():
    # BCG, 3 x DPT-VGB-Hib, 3 x OPV and measles, all before the first birthday: complete.
    assert basic_under_1_complete(basic_doses(), DOB)


def test_basic_rule_nothing_given():
    assert not basic_under_1_complete([], DOB)


@pytest.mark.parametrize("missing", BASIC)
def test_basic_rule_any_one_dose_missing(missing):
    # Each of the 8 doses is required: dropping any one of them (and giving no IPV) makes the child incomplete.
    assert not basic_under_1_complete(without(basic_doses(), missing), DOB)


@pytest.mark.parametrize("late", BASIC)
def test_basic_rule_dose_on_or_after_first_birthday_does_not_count(late):
    # Moving one dose to the first birthday (2026-01-10) makes it too late; the day before is still in time.
    birthday = first_birthday(DOB)
    assert birthday == date(2026, 1, 10)
    others = without(basic_doses(), late)
    assert not basic_under_1_complete([*others, Dose(*late, birthday)], DOB)
    assert not basic_under_1_complete([*others, Dose(*late, birthday + timedelta(days=40))], DOB)
    assert basic_under_1_complete([*others, Dose(*late, birthday - timedelta(days=1))], DOB)


def test_basic_rule_dose_on_day_of_birth_counts():
    # BCG on the day of birth (given_on == date_of_birth) counts; without it the rule fails.
    doses = basic_doses()
    assert Dose("bcg", 1, DOB) in doses
    assert basic_under_1_complete(doses, DOB)
    assert not basic_under_1_complete(without(doses, ("bcg", 1)), DOB)


def test_basic_rule_hepb_birth_dose_and_other_vaccines_are_not_required():
    # The birth dose of hepatitis B, IPV, rota, JE, MR and the booster are not part of the 8-vaccine rule.
    doses = basic_doses()
    assert not any(d.vaccine in {"hepb_birth", "ipv", "rota", "je", "mr", "dpt_booster"} for d in doses)
    assert basic_under_1_complete(doses, DOB)


@pytest.mark.parametrize("missing_opv", [("opv", 1), ("opv", 2), ("opv", 3)])
def test_basic_rule_ipv_stands_in_for_a_missing_opv_dose(missing_opv):
    # Rule: polio needs 3 doses; each IPV dose given before the first birthday counts for one missing OPV dose.
    doses = without(basic_doses(), missing_opv)
    assert not basic_under_1_complete(doses, DOB)
    assert basic_under_1_complete([*doses, Dose("ipv", 1, at(DOB, 152))], DOB)


def test_basic_rule_two_ipv_doses_stand_in_for_two_opv_doses():
    # OPV 1 + IPV 1 + IPV 2 = 3 polio doses: complete. OPV 1 + IPV 1 alone = 2: incomplete.
    doses = without(basic_doses(), ("opv", 2), ("opv", 3))
    ipv1, ipv2 = Dose("ipv", 1, at(DOB, 152)), Dose("ipv", 2, at(DOB, 274))
    assert basic_under_1_complete([*doses, ipv1, ipv2], DOB)
    assert not basic_under_1_complete([*doses, ipv1], DOB)


def test_basic_rule_ipv_after_first_birthday_does_not_stand_in():
    doses = without(basic_doses(), ("opv", 3))
    assert not basic_under_1_complete([*doses, Dose("ipv", 1, first_birthday(DOB))], DOB)


def test_basic_rule_ipv_does_not_stand_in_for_other_vaccines():
    # IPV only replaces OPV: two IPV doses do not make up for a missing DPT-VGB-Hib dose.
    doses = without(basic_doses(), ("dpt_vgb_hib", 3))
    doses += [Dose("ipv", 1, at(DOB, 152)), Dose("ipv", 2, at(DOB, 274))]
    assert not basic_under_1_complete(doses, DOB)


def test_basic_rule_follows_the_schedule_data(tmp_path):
    # The rule reads the schedule: with measles taken out of the basic set, a child without measles is complete.
    data = _shipped_data()
    measles = next(v for v in data["vaccines"] if v["code"] == "measles")
    measles["in_basic_under_1"], measles["basic_under_1_doses"] = False, 0
    schedule = load_schedule(_write(tmp_path, data))
    doses = without(basic_doses(), ("measles", 1))
    assert not basic_under_1_complete(doses, DOB)
    assert basic_under_1_complete(doses, DOB, schedule)


def test_basic_rule_skips_a_vaccine_introduced_after_the_birth(tmp_path):
    # With measles required only of children born from 2025-06-01, a child born 2025-01-10 needs no measles dose;
    # a child born on 2025-06-01 does.
    data = _shipped_data()
    _vaccine(data, "measles")["applies_to_births_from"] = "2025-06-01"
    schedule = load_schedule(_write(tmp_path, data))
    assert basic_under_1_complete(without(basic_doses(), ("measles", 1)), DOB, schedule)
    later = date(2025, 6, 1)
    assert not basic_under_1_complete(without(basic_doses(later), ("measles", 1)), later, schedule)
    assert basic_under_1_complete(basic_doses(later), later, schedule)


# --- leap-day birthday ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "birthday"),
    [
        (date(2024, 2, 29), date(2025, 3, 1)),  # no 29/02 in 2025: the birthday is 01/03
        (date(2027, 2, 28), date(2028, 2, 28)),
        (date(2027, 3, 1), date(2028, 3, 1)),
        (date(2025, 1, 10), date(2026, 1, 10)),
    ],
)
def test_first_birthday(born, birthday):
    assert first_birthday(born) == birthday


def test_leap_day_child_has_until_28_february_inclusive():
    # Born 29/02/2024: a measles dose on 28/02/2025 is still before the first birthday (01/03/2025); on 01/03 it is not.
    born = date(2024, 2, 29)
    doses = without(basic_doses(born), ("measles", 1))
    assert basic_under_1_complete([*doses, Dose("measles", 1, date(2025, 2, 28))], born)
    assert not basic_under_1_complete([*doses, Dose("measles", 1, date(2025, 3, 1))], born)


# --- full vaccination for age -----------------------------------------------------------------------------------


def test_newborn_nothing_overdue():
    # On the day of birth the birth doses are due but not overdue: a newborn with nothing given is fully vaccinated.
    assert due_doses(DOB, DOB) == [("hepb_birth", 1), ("bcg", 1)]
    assert missing_doses([], DOB, DOB) == []
    assert fully_vaccinated_for_age([], DOB, DOB)


def test_birth_dose_of_hepatitis_b_is_overdue_after_day_one():
    # hepb_birth is on time up to day 1 (24 hours); on day 2 it is missing. BCG (up to day 30) is not yet overdue.
    assert fully_vaccinated_for_age([], DOB, at(DOB, 1))
    assert missing_doses([], DOB, at(DOB, 2)) == [("hepb_birth", 1)]
    assert fully_vaccinated_for_age([Dose("hepb_birth", 1, DOB)], DOB, at(DOB, 2))
    assert missing_doses([Dose("hepb_birth", 1, DOB)], DOB, at(DOB, 31)) == [("bcg", 1)]


def test_three_months_missing_the_two_month_doses():
    # At 3 months (91 days) the 2-month doses (DPT-VGB-Hib 1, OPV 1, rota 1; window 61..90) are overdue.
    on = at(DOB, 91)
    birth_only = [Dose("hepb_birth", 1, DOB), Dose("bcg", 1, DOB)]
    assert missing_doses(birth_only, DOB, on) == [("dpt_vgb_hib", 1), ("opv", 1), ("rota", 1)]
    assert not fully_vaccinated_for_age(birth_only, DOB, on)
    # The day before (90 days) those doses are still within their window: nothing counts against the child.
    assert fully_vaccinated_for_age(birth_only, DOB, at(DOB, 90))


def test_dose_due_but_not_overdue_does_not_count_against():
    # At 3 months the 3-month doses are due (due_doses lists them) but on time until day 121: not missing.
    on = at(DOB, 91)
    doses = on_schedule(DOB, at(DOB, 61))  # birth doses and the 2-month doses
    assert ("dpt_vgb_hib", 2) in due_doses(DOB, on)
    assert ("dpt_vgb_hib", 2) not in {(d.vaccine, d.number) for d in doses}
    assert fully_vaccinated_for_age(doses, DOB, on)
    assert missing_doses(doses, DOB, at(DOB, 122)) == [("dpt_vgb_hib", 2), ("opv", 2), ("rota", 2)]


def test_two_years_with_everything():
    # At the second birthday, every dose due by then was given: fully vaccinated. JE 3 (due day 737) is not due yet.
    on = date(2027, 1, 10)
    doses = on_schedule(DOB, on)
    assert ("je", 3) not in due_doses(DOB, on)
    assert fully_vaccinated_for_age(doses, DOB, on)
    # Without the MR dose (overdue since day 578), the same child is not.
    assert missing_doses(without(doses, ("mr", 1)), DOB, on) == [("mr", 1)]
    assert not fully_vaccinated_for_age(without(doses, ("mr", 1)), DOB, on)


def test_late_dose_counts_once_given():
    # DPT-VGB-Hib 1 given at 5 months (late): missing at 4 months, not missing once given.
    doses = without(on_schedule(DOB, at(DOB, 152)), ("dpt_vgb_hib", 1))
    assert ("dpt_vgb_hib", 1) in missing_doses(doses, DOB, at(DOB, 140))
    doses.append(Dose("dpt_vgb_hib", 1, at(DOB, 150)))
    assert fully_vaccinated_for_age(doses, DOB, at(DOB, 152))


def test_dose_given_after_the_reference_date_does_not_count():
    # A dose recorded after `on` was not given on `on`.
    on = at(DOB, 100)
    doses = [*without(on_schedule(DOB, on), ("opv", 1)), Dose("opv", 1, at(DOB, 101))]
    assert missing_doses(doses, DOB, on) == [("opv", 1)]


def test_rota_not_required_before_its_start_date():
    # Rota applies to children born from 2024-07-01; an older child without rota is fully vaccinated.
    born_before, born_on = date(2024, 6, 30), date(2024, 7, 1)
    for born in (born_before, born_on):
        doses = without(on_schedule(born, at(born, 730)), ("rota", 1), ("rota", 2))
        expected = [] if born == born_before else [("rota", 1), ("rota", 2)]
        assert missing_doses(doses, born, at(born, 730)) == expected
    assert ("rota", 1) not in due_doses(born_before, at(born_before, 100))


def test_missing_doses_in_schedule_order():
    # At 730 days with only the birth doses (given in any order), the overdue doses come in schedule order:
    # vaccines as listed in the file, doses by number. JE 3 (latest 767) is not overdue yet.
    doses = [Dose("bcg", 1, DOB), Dose("hepb_birth", 1, DOB)]
    assert missing_doses(doses, DOB, at(DOB, 730)) == [
        ("dpt_vgb_hib", 1),
        ("dpt_vgb_hib", 2),
        ("dpt_vgb_hib", 3),
        ("opv", 1),
        ("opv", 2),
        ("opv", 3),
        ("ipv", 1),
        ("ipv", 2),
        ("rota", 1),
        ("rota", 2),
        ("measles", 1),
        ("mr", 1),
        ("dpt_booster", 1),
        ("je", 1),
        ("je", 2),
    ]
    assert missing_doses(list(reversed(on_schedule(DOB, at(DOB, 300)))), DOB, at(DOB, 800)) == [
        ("mr", 1),
        ("dpt_booster", 1),
        ("je", 1),
        ("je", 2),
        ("je", 3),
    ]


def test_due_doses_at_four_months():
    assert due_doses(DOB, at(DOB, 122)) == [
        ("hepb_birth", 1),
        ("bcg", 1),
        ("dpt_vgb_hib", 1),
        ("dpt_vgb_hib", 2),
        ("dpt_vgb_hib", 3),
        ("opv", 1),
        ("opv", 2),
        ("opv", 3),
        ("rota", 1),
        ("rota", 2),
    ]


# --- input checks -----------------------------------------------------------------------------------------------


def test_duplicate_doses_count_once():
    # Every dose recorded twice: still complete, and no dose reported twice.
    doses = basic_doses() * 2
    assert basic_under_1_complete(doses, DOB)
    assert missing_doses(doses, DOB, at(DOB, 300)).count(("ipv", 1)) == 1
    # OPV 1 recorded three times plus OPV 2 is two polio doses, not four: incomplete.
    polio_repeated = [*without(basic_doses(), ("opv", 3))] + [Dose("opv", 1, at(DOB, 61))] * 2
    assert not basic_under_1_complete(polio_repeated, DOB)
    # Same vaccine and number on two different dates also counts once.
    twice = [*without(basic_doses(), ("opv", 2), ("opv", 3)), Dose("opv", 1, at(DOB, 70))]
    assert not basic_under_1_complete(twice, DOB)


@pytest.mark.parametrize(
    "call",
    [
        lambda doses: basic_under_1_complete(doses, DOB),
        lambda doses: fully_vaccinated_for_age(doses, DOB, at(DOB, 400)),
        lambda doses: missing_doses(doses, DOB, at(DOB, 400)),
    ],
)
def test_dose_before_birth_is_rejected(call):
    # A dose one day before birth is a data error, reported in Vietnamese, in every rule.
    doses = [*basic_doses(), Dose("bcg", 1, DOB - timedelta(days=1))]
    with pytest.raises(ValueError, match="trước ngày sinh 10/01/2025"):
        call(doses)


def test_reference_date_before_birth_is_rejected():
    with pytest.raises(ValueError, match="trước ngày sinh"):
        fully_vaccinated_for_age([], DOB, DOB - timedelta(days=1))
    with pytest.raises(ValueError, match="trước ngày sinh"):
        due_doses(DOB, DOB - timedelta(days=1))


def test_dose_number_below_one_is_rejected():
    with pytest.raises(ValueError, match="số mũi"):
        basic_under_1_complete([Dose("bcg", 0, DOB)], DOB)


def test_unknown_vaccines_and_extra_doses_are_ignored():
    # A service vaccine and an OPV dose 4 (e.g. a campaign dose) change nothing.
    doses = [*basic_doses(), Dose("cum", 1, at(DOB, 200)), Dose("opv", 4, at(DOB, 200))]
    assert basic_under_1_complete(doses, DOB)
    polio = [*without(basic_doses(), ("opv", 3)), Dose("opv", 4, at(DOB, 200))]
    assert not basic_under_1_complete(polio, DOB)


# --- the schedule file ------------------------------------------------------------------------------------------


def _shipped_data() -> dict:
    return json.loads(DEFAULT_SCHEDULE_PATH.read_text(encoding="utf-8"))


def _write(tmp_path, data, name="schedule.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_shipped_schedule_loads_and_has_the_8_basic_vaccines():
    schedule = load_schedule()
    assert schedule is load_schedule()  # the default is read once
    assert "10/2024/TT-BYT" in schedule.source
    assert schedule.codes == (
        "hepb_birth",
        "bcg",
        "dpt_vgb_hib",
        "opv",
        "ipv",
        "rota",
        "measles",
        "mr",
        "dpt_booster",
        "je",
    )
    basic = {v.code: v.basic_under_1_doses for v in schedule.basic_vaccines}
    assert basic == {"bcg": 1, "dpt_vgb_hib": 3, "opv": 3, "measles": 1}
    # The basic vaccines protect against the 8 diseases of "8 loại vắc xin"; the whole schedule against 11.
    eight = {"lao", "bạch hầu", "ho gà", "uốn ván", "bại liệt", "viêm gan B", "Hib", "sởi"}
    assert {d for v in schedule.basic_vaccines for d in v.diseases} == eight
    assert {d for v in schedule.vaccines for d in v.diseases} == eight | {
        "rubella",
        "viêm não Nhật Bản",
        "tiêu chảy do vi rút Rota",
    }
    assert schedule.vaccine("ipv").stands_in_for == "opv"
    assert schedule.vaccine("bcg").name == "Vắc xin phòng lao (BCG)"
    # Every basic dose is due before the first birthday.
    assert all(d.due_age_days < 365 for v in schedule.basic_vaccines for d in v.doses[: v.basic_under_1_doses])


def test_copy_of_shipped_schedule_loads_from_a_path(tmp_path):
    # Control for the broken schedules below: the unmodified data is valid.
    assert load_schedule(_write(tmp_path, _shipped_data())) == load_schedule()


def _vaccine(data, code):
    return next(v for v in data["vaccines"] if v["code"] == code)


def _break_top_level_key(data):
    data["schedule_name"] = "x"


def _break_vaccine_key(data):
    _vaccine(data, "bcg")["age"] = 0


def _break_dose_key(data):
    _vaccine(data, "opv")["doses"][0]["due_age_months"] = 2


def _break_missing_key(data):
    del _vaccine(data, "opv")["diseases"]


def _break_duplicate_code(data):
    data["vaccines"].append(dict(_vaccine(data, "bcg")))


def _break_dose_order(data):
    doses = _vaccine(data, "dpt_vgb_hib")["doses"]
    doses[1], doses[2] = doses[2], doses[1]


def _break_dose_numbering(data):
    _vaccine(data, "measles")["doses"][0]["number"] = 2


def _break_due_after_latest(data):
    _vaccine(data, "mr")["doses"][0]["latest_age_days"] = 500


def _break_basic_count(data):
    _vaccine(data, "opv")["basic_under_1_doses"] = 4


def _break_basic_count_not_basic(data):
    _vaccine(data, "je")["basic_under_1_doses"] = 1


def _break_stands_in_for(data):
    _vaccine(data, "ipv")["stands_in_for"] = "polio"


def _break_start_date(data):
    _vaccine(data, "rota")["applies_to_births_from"] = "01/07/2024"


def _break_negative_age(data):
    _vaccine(data, "bcg")["doses"][0]["due_age_days"] = -1


def _break_due_ages_decrease(data):
    _vaccine(data, "je")["doses"][2]["due_age_days"] = 370


def _break_basic_dose_due_after_one_year(data):
    _vaccine(data, "measles")["doses"][0].update(due_age_days=365, latest_age_days=400)


def _break_stands_in_for_non_basic(data):
    _vaccine(data, "ipv")["stands_in_for"] = "rota"


def _break_vaccines_not_a_list(data):
    data["vaccines"] = {}


@pytest.mark.parametrize(
    ("breaker", "message"),
    [
        (_break_top_level_key, r"unknown key\(s\) schedule_name"),
        (_break_vaccine_key, r"vaccines\[1\] \(bcg\): unknown key\(s\) age"),
        (_break_dose_key, r"\(opv\): doses\[0\]: unknown key\(s\) due_age_months"),
        (_break_missing_key, r"\(opv\): missing key\(s\) diseases"),
        (_break_duplicate_code, "duplicate vaccine code 'bcg'"),
        (_break_dose_order, r"dose numbers must be 1\.\.3 in order, got \[1, 3, 2\]"),
        (_break_dose_numbering, r"dose numbers must be 1\.\.1 in order, got \[2\]"),
        (_break_due_after_latest, r"due_age_days \(548\) is after latest_age_days \(500\)"),
        (_break_basic_count, r"basic_under_1_doses must be 1\.\.3, got 4"),
        (_break_basic_count_not_basic, "basic_under_1_doses must be 0"),
        (_break_stands_in_for, "stands_in_for names unknown vaccine 'polio'"),
        (_break_start_date, "applies_to_births_from must be a date"),
        (_break_negative_age, "due_age_days must be a whole number >= 0"),
        (_break_due_ages_decrease, "dose 3 is due before dose 2"),
        (_break_basic_dose_due_after_one_year, r"basic dose\(s\) \[1\] are due at 365 days or later"),
        (_break_stands_in_for_non_basic, "not in the basic under-1 rule"),
        (_break_vaccines_not_a_list, "vaccines must be a non-empty list"),
    ],
)
def test_broken_schedule_is_rejected(tmp_path, breaker, message):
    data = _shipped_data()
    breaker(data)
    with pytest.raises(ValueError, match=message):
        load_schedule(_write(tmp_path, data))


def test_schedule_that_is_not_json_is_rejected(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"source": "x",', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json: not valid JSON"):
        load_schedule(path)
