"""Status against the target, by Open SDG's compound-annual-growth ratio (figures worked out in comments)."""

from decimal import Decimal

import pytest

from indicators.progress import (
    ACCELERATE,
    ACHIEVED,
    DETERIORATION,
    LIMITED,
    NO_BASE,
    NO_DATA,
    NO_TARGET,
    NOT_ACHIEVED,
    ON_TRACK,
    choose_base,
    passed_target,
    progress,
    target_for,
)

TARGETS = {2025: Decimal("99"), 2030: Decimal("100")}


def status(value, base=Decimal("90"), year=2024, direction="at_least", targets=TARGETS, base_year=2021, **kw):
    return progress(direction=direction, targets=targets, base_year=base_year, base_value=base, year=year,
                    value=value, **kw)  # fmt: skip


def test_the_target_ahead_is_used_and_the_passed_one_gets_its_verdict():
    assert target_for(TARGETS, 2024) == (2025, Decimal("99")) and passed_target(TARGETS, 2024) == (None, None)
    # In 2025 itself the status looks at 2030; 2025 has its own verdict.
    assert target_for(TARGETS, 2025) == (2030, Decimal("100")) and passed_target(TARGETS, 2025) == (2025, Decimal("99"))
    assert target_for(TARGETS, 2026) == (2030, Decimal("100")) and passed_target(TARGETS, 2026)[0] == 2025
    # After the last target: the last, and 2025's verdict stays.
    assert target_for(TARGETS, 2031) == (2030, Decimal("100")) and passed_target(TARGETS, 2031)[0] == 2025
    assert target_for({}, 2024) == (None, None) and passed_target({}, 2026) == (None, None)
    assert passed_target({2030: Decimal("5")}, 2031) == (None, None)


def test_achieved_in_the_metrics_direction():
    assert status(Decimal("99")).status == ACHIEVED  # at least 99
    assert status(Decimal("8.9"), direction="less_than", targets={2025: Decimal("9")}).status == ACHIEVED
    assert (
        status(Decimal("9"), direction="less_than", targets={2025: Decimal("9")}, base=Decimal("12")).status != ACHIEVED
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        # Needed: 90 -> 99 in 4 years: (99/90)^(1/4) - 1 = 2.411% a year.
        # 97 after 3 years: (97/90)^(1/3) - 1 = 2.527%: ratio 1.048 -> on track.
        (Decimal("97"), ON_TRACK),
        # 95 after 3 years: 1.818% a year: ratio 0.754 -> acceleration needed.
        (Decimal("95"), ACCELERATE),
        # 91 after 3 years: 0.369% a year: ratio 0.153 -> limited progress.
        (Decimal("91"), LIMITED),
        # 88: moving away from the target.
        (Decimal("88"), DETERIORATION),
    ],
)
def test_growth_ratio_bands(value, expected):
    result = status(value)
    assert result.status == expected and result.method == "cagr"


def test_the_ratio_is_reported_for_the_chairman():
    result = status(Decimal("95"))
    assert result.ratio == pytest.approx(0.754, abs=0.001) and result.target_year == 2025 and result.base_year == 2021


def test_a_reduction_target_uses_the_same_ratio():
    # Neonatal mortality below 9.5 by 2025 from 12 in 2021: needed (9.5/12)^(1/4) - 1 = -5.67% a year;
    # 10.2 in 2024: (10.2/12)^(1/3) - 1 = -5.273%: ratio 0.9295 -> acceleration needed.
    result = status(Decimal("10.2"), base=Decimal("12"), direction="less_than", targets={2025: Decimal("9.5")},
                    limits=None)  # fmt: skip
    assert result.status == ACCELERATE and result.ratio == pytest.approx(0.9295, abs=0.001)


def test_a_zero_base_compares_yearly_changes_instead():
    # From 0 in 2021 to 30 by 2025 needs 7.5 a year; 27 in 2024 is 9 a year: ratio 1.2 -> on track.
    result = status(Decimal("27"), base=Decimal("0"), targets={2025: Decimal("30")})
    assert result.status == ON_TRACK and result.method == "absolute"


def test_no_data_only_when_there_is_no_value():
    assert status(None).status == NO_DATA
    assert status(None, base=None).status == NO_DATA


@pytest.mark.parametrize(
    "direction, target, value",
    [
        # The demo board's 2026 figures, which used to read "no data" for want of a 2021 base.
        ("less_than", "9", "11.15"),  # 4a underweight
        ("less_than", "5", "11.64"),  # 4c overweight
        ("less_than", "0.12", "0.42"),  # 17b primary drop-out
        ("at_most", "0.14", "0.67"),  # 18b
        ("at_least", "95", "91.98"),  # 5a
        ("more_than", "2", "1"),
    ],
)
@pytest.mark.parametrize("base, base_year, year", [(None, 2021, 2026), (None, None, 2026), (Decimal("10"), 2026, 2026)])
def test_a_missed_target_without_a_usable_base_is_not_achieved_with_no_trend_yet(
    direction, target, value, base, base_year, year
):
    result = status(Decimal(value), base=base, base_year=base_year, year=year, direction=direction,
                    targets={2030: Decimal(target)}, limits=None)  # fmt: skip
    assert (result.status, result.reason) == (NOT_ACHIEVED, NO_BASE)
    assert "chưa có xu hướng" in result.reason_label and result.label == "Chưa đạt chỉ tiêu"


@pytest.mark.parametrize(
    "direction, target, value",
    [
        ("at_least", "95", "96"),
        ("more_than", "2", "2.5"),
        ("at_most", "0.14", "0.14"),
        ("less_than", "9", "8.9"),
    ],
)
def test_a_met_target_is_achieved_with_or_without_a_base(direction, target, value):
    for base in (None, Decimal("50")):
        assert (
            status(Decimal(value), base=base, direction=direction, targets={2025: Decimal(target)}).status == ACHIEVED
        )


def test_a_value_without_a_target_says_so():
    assert status(Decimal("5"), targets={}).status == NO_TARGET


@pytest.mark.parametrize(
    "direction, target, base, value, expected",
    [
        # Every direction, from a base, 3 years into a 4-year run (2021 -> 2025).
        ("at_least", "99", "90", "97", ON_TRACK),
        ("more_than", "99", "90", "95", ACCELERATE),
        ("at_most", "9.5", "12", "10.2", ACCELERATE),  # (10.2/12)^(1/3)-1 = -5.27% vs -5.67%: 0.93
        ("less_than", "9.5", "12", "9.6", ON_TRACK),  # -7.17% a year against -5.67%
        ("less_than", "9.5", "12", "11.8", LIMITED),
        ("at_most", "9.5", "12", "12.5", DETERIORATION),
        # A zero base: yearly changes compared instead of growth rates.
        ("at_least", "30", "0", "27", ON_TRACK),
        ("at_least", "30", "0", "3", LIMITED),
        ("less_than", "0.12", "0", "0.5", DETERIORATION),
    ],
)
def test_every_direction_from_a_base(direction, target, base, value, expected):
    result = status(Decimal(value), base=Decimal(base), direction=direction, targets={2025: Decimal(target)},
                    limits=None)  # fmt: skip
    assert result.status == expected
    assert result.method == ("absolute" if base == "0" else "cagr")


@pytest.mark.parametrize(
    "year, value_2025, expected",
    [
        (2024, "3.56", None),  # before 2025: no verdict yet
        (2025, "3.56", True),  # 8a: 3,56% < 4,5% in 2025 is reached, whatever the status against 2030
        (2026, "3.56", True),
        (2026, "5", False),
        (2026, None, None),  # no 2025 value: the verdict says there is no data, not "not reached"
        (2031, "4.4", True),
    ],
)
def test_the_2025_verdict_comes_from_the_2025_value(year, value_2025, expected):
    targets = {2025: Decimal("4.5"), 2030: Decimal("3")}
    result = progress(direction="less_than", targets=targets, base_year=2021, base_value=Decimal("2.9"), year=year,
                      value=Decimal("3.56"), passed_value=Decimal(value_2025) if value_2025 else None)  # fmt: skip
    if year < 2025:
        assert result.verdict is None and result.target_year == 2025
        return
    assert result.target_year == 2030 and result.verdict.year == 2025
    assert result.verdict.achieved is expected
    assert result.verdict.label == {True: "đạt", False: "không đạt", None: "chưa có số liệu"}[expected]
    # Against 2030 (< 3) the value 3.56 from 2.9 moved away: red, beside a 2025 reached.
    assert result.status == DETERIORATION


SERIES = {2021: (Decimal("8.06"), Decimal("9.1")), 2022: (Decimal("60"), Decimal("70")),
          2023: (Decimal("88"), Decimal("85")), 2024: (Decimal("0"), None)}  # fmt: skip


@pytest.mark.parametrize(
    "series, year, chosen, expected",
    [
        # 5a: 2021 and 2022 cover too few children to be a base; 2023 is the first complete year.
        (SERIES, 2026, None, (2023, Decimal("88"))),
        (SERIES, 2023, None, (None, None)),  # the first complete year is the year itself: no trend yet
        ({2021: (Decimal("5"), Decimal("80"))}, 2026, None, (2021, Decimal("5"))),  # exactly the threshold
        ({2021: (None, None), 2022: (Decimal("0"), None)}, 2026, None, (2022, Decimal("0"))),  # a zero base
        ({}, 2026, None, (None, None)),
        ({2020: (Decimal("5"), None)}, 2026, None, (None, None)),  # before the plan's start
        # The officer's choice wins when complete; an incomplete one, or one with no value, gives no base.
        (SERIES, 2026, 2023, (2023, Decimal("88"))),
        (SERIES, 2026, 2024, (2024, Decimal("0"))),
        (SERIES, 2026, 2022, (None, None)),
        (SERIES, 2026, 2025, (None, None)),
        (SERIES, 2022, 2022, (None, None)),
    ],
)
def test_the_base_is_the_first_complete_year_or_the_officers_choice(series, year, chosen, expected):
    assert choose_base(series, start_year=2021, year=year, threshold=80, chosen_year=chosen) == expected


def test_values_beyond_natural_limits_are_clipped():
    # 104% cannot be: clipped to 100, which meets the 2030 target of 100.
    assert status(Decimal("104"), year=2027).status == ACHIEVED


@pytest.mark.parametrize(
    "direction, target, base, value",
    [
        ("less_than", "9.5", "5", "12"),  # neonatal mortality rose from below the target to above it
        ("at_least", "99", "99.5", "98"),  # birth registration fell from above the target to below it
        ("less_than", "0.12", "0", "0.5"),  # drop-out rose from nothing
        ("at_least", "2", "10", "-20"),  # child marriages went up by 20% instead of down
    ],
)
def test_moving_away_from_the_target_is_deterioration_whatever_the_direction(direction, target, base, value):
    result = status(Decimal(value), base=Decimal(base), direction=direction, targets={2025: Decimal(target)},
                    limits=None)  # fmt: skip
    assert result.status == DETERIORATION
