"""Status against the target, by Open SDG's compound-annual-growth ratio (figures worked out in comments)."""

from decimal import Decimal

import pytest

from indicators.progress import (
    ACCELERATE,
    ACHIEVED,
    DETERIORATION,
    LIMITED,
    NO_DATA,
    ON_TRACK,
    progress,
    target_for,
)

TARGETS = {2025: Decimal("99"), 2030: Decimal("100")}


def status(value, base=Decimal("90"), year=2024, direction="at_least", targets=TARGETS, base_year=2021, **kw):
    return progress(direction=direction, targets=targets, base_year=base_year, base_value=base, year=year,
                    value=value, **kw)  # fmt: skip


def test_the_target_due_next_is_used():
    assert target_for(TARGETS, 2024) == (2025, Decimal("99"))
    assert target_for(TARGETS, 2026) == (2030, Decimal("100"))
    assert target_for(TARGETS, 2031) == (2030, Decimal("100"))
    assert target_for({}, 2024) == (None, None)


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


@pytest.mark.parametrize("value, base, year", [(None, Decimal("90"), 2024), (Decimal("91"), None, 2024),
                                               (Decimal("91"), Decimal("90"), 2021)])  # fmt: skip
def test_no_data(value, base, year):
    assert status(value, base=base, year=year).status == NO_DATA


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
