"""Progress of a metric towards its targets: the status the board shows, and the verdict on a target whose
year has come.

The status follows the method Open SDG documents (Statistics Canada's compound-annual-growth ratio). From
the base year's value x0 (year t0) to the current value xt (year t), the growth observed per year,
CAGR_o = (xt / x0) ** (1 / (t - t0)) - 1, is set against the growth needed to reach the target x* by its
year T, CAGR_n = (x* / x0) ** (1 / (T - t0)) - 1. Their ratio gives the status:

- target achieved: xt already meets the target (its direction: at least, more than, at most, less than);
- on track: the ratio is at least 0.95; acceleration needed: 0.6 to 0.95; limited progress: 0 to 0.6;
- deterioration: moving away from the target (a negative ratio);
- not achieved, no trend yet: xt misses the target and there is no usable base (no complete value in an
  earlier year), so no trend can be measured;
- no target: the plan sets none for the metric;
- no data: there is no value. Only then.

Which target: the first whose year is still ahead; in a target's own year, and after it, the next one (from
2025 on, the board judges against 2030), with the verdict on the passed target (đạt / không đạt, from that
year's value) beside it, so that a 2025 target reached is never hidden by a red status against 2030.

Rates live between natural limits (0-100% for percentages): values are clipped to them. When the base value
is 0 a growth rate is undefined: the yearly changes (absolute) are compared instead, and the result says so.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ACHIEVED, ON_TRACK, ACCELERATE, LIMITED, DETERIORATION, NOT_ACHIEVED, NO_TARGET, NO_DATA = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "not_achieved",
    "no_target",
    "no_data",
)
LABELS = {
    ACHIEVED: _("Đã đạt chỉ tiêu"),
    ON_TRACK: _("Đúng hướng"),
    ACCELERATE: _("Cần đẩy nhanh"),
    LIMITED: _("Tiến triển chậm"),
    DETERIORATION: _("Đi ngược chỉ tiêu"),
    NOT_ACHIEVED: _("Chưa đạt chỉ tiêu"),
    NO_TARGET: _("Không có chỉ tiêu"),
    NO_DATA: _("Chưa có số liệu"),
}
# Why a status has no trend: shown beside "Chưa đạt chỉ tiêu".
NO_BASE = "no_base"
REASONS = {NO_BASE: _("chưa có xu hướng: chưa có năm gốc đủ số liệu")}
# What each status means, for the board's legend.
MEANINGS = {
    ACHIEVED: _("giá trị của năm đã đạt chỉ tiêu"),
    ON_TRACK: _("tốc độ thay đổi từ năm gốc đủ để đạt chỉ tiêu đúng hạn"),
    ACCELERATE: _("đang tiến tới chỉ tiêu nhưng cần nhanh hơn (60-95% tốc độ cần có)"),
    LIMITED: _("tiến tới chỉ tiêu rất chậm (dưới 60% tốc độ cần có)"),
    DETERIORATION: _("đang xa dần chỉ tiêu so với năm gốc"),
    NOT_ACHIEVED: _("chưa đạt chỉ tiêu, chưa đo được xu hướng vì chưa có năm gốc đủ số liệu"),
    NO_TARGET: _("kế hoạch không đặt chỉ tiêu cho chỉ số này"),
    NO_DATA: _("chưa có giá trị nào cho năm này"),
}
PERCENT_LIMITS = (0.0, 100.0)


@dataclass(frozen=True)
class Verdict:
    """Whether a target whose year has come was reached: from that year's value, never from a later one."""

    year: int
    target: Decimal
    value: Decimal | None
    achieved: bool | None  # None: no value for that year

    @property
    def status(self) -> str:
        """The status whose colour the verdict takes: achieved, deterioration (missed) or no data."""
        return NO_DATA if self.achieved is None else ACHIEVED if self.achieved else DETERIORATION

    @property
    def label(self) -> str:
        if self.achieved is None:
            return str(_("chưa có số liệu"))
        return str(_("đạt") if self.achieved else _("không đạt"))


@dataclass(frozen=True)
class Progress:
    status: str
    base_year: int | None
    target_year: int | None
    target: Decimal | None
    ratio: float | None  # observed / needed growth
    method: str  # "cagr", "absolute" (base 0) or ""
    reason: str = ""  # NO_BASE for a missed target without a usable base
    verdict: Verdict | None = None  # the passed target's verdict (2025, from 2025 on)

    @property
    def label(self) -> str:
        return str(LABELS[self.status])

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


def meets(value: float, target: float, direction: str) -> bool:
    return {
        "at_least": value >= target,
        "more_than": value > target,
        "at_most": value <= target,
        "less_than": value < target,
    }[direction]


def target_for(targets: dict[int, Decimal], year: int) -> tuple[int | None, Decimal | None]:
    """The target the status is judged against: the first whose year is after the year (in 2025 itself,
    2030: 2025 has its verdict); past the last, the last."""
    due = sorted(y for y in targets if y > year)
    if due:
        return due[0], targets[due[0]]
    if targets:
        last = max(targets)
        return last, targets[last]
    return None, None


def passed_target(targets: dict[int, Decimal], year: int) -> tuple[int | None, Decimal | None]:
    """The latest target whose year has come, other than the one the status judges against: 2025 from 2025
    on (after 2030 too, since the status then judges the year against 2030)."""
    judged = target_for(targets, year)[0]
    passed = sorted(y for y in targets if y <= year and y != judged)
    return (passed[-1], targets[passed[-1]]) if passed else (None, None)


def _clip(value: float, limits) -> float:
    return min(max(value, limits[0]), limits[1]) if limits else value


def verdict(*, direction: str, year: int, target: Decimal, value: Decimal | None, limits=PERCENT_LIMITS) -> Verdict:
    if value is None:
        return Verdict(year, target, None, None)
    return Verdict(year, target, value, meets(_clip(float(value), limits), float(target), direction))


def progress(
    *,
    direction: str,
    targets: dict[int, Decimal],
    base_year: int | None,
    base_value: Decimal | None,
    year: int,
    value: Decimal | None,
    limits: tuple[float, float] | None = PERCENT_LIMITS,
    passed_value: Decimal | None = None,
) -> Progress:
    """The status of `value` (year `year`) against its target, from the base (`base_year`, `base_value`:
    None when there is no usable base). `passed_value` is the value in the passed target's year, for its
    verdict."""
    target_year, target = target_for(targets, year)
    passed_year, passed_goal = passed_target(targets, year)
    judged = (
        verdict(direction=direction, year=passed_year, target=passed_goal, value=passed_value, limits=limits)
        if passed_year is not None
        else None
    )

    def result(status, ratio=None, method="", reason=""):
        return Progress(status, base_year, target_year, target, ratio, method, reason, judged)

    if value is None:
        return result(NO_DATA)
    if target is None:
        return result(NO_TARGET)
    current, goal = _clip(float(value), limits), float(target)
    if meets(current, goal, direction):
        return result(ACHIEVED)
    if base_value is None or base_year is None or year <= base_year or target_year <= base_year:
        return result(NOT_ACHIEVED, reason=NO_BASE)
    base = _clip(float(base_value), limits)
    if base > 0 and current > 0 and goal > 0:
        observed = (current / base) ** (1 / (year - base_year)) - 1
        needed = (goal / base) ** (1 / (target_year - base_year)) - 1
        method = "cagr"
    else:
        observed = (current - base) / (year - base_year)
        needed = (goal - base) / (target_year - base_year)
        method = "absolute"
    # Growth counts in the metric's direction (Open SDG: R = d x CAGR_observed / |CAGR_needed|, d = -1 for
    # "at most" and "less than"), so that moving away from a target is never read as progress.
    sign = 1 if direction in ("at_least", "more_than") else -1
    observed, needed = sign * observed, sign * needed
    if needed <= 0:
        # The base already met the target (or sat on it) and the current value does not: it moved away.
        return result(DETERIORATION, method=method)
    ratio = observed / needed
    if ratio < 0:
        status = DETERIORATION
    elif ratio >= 0.95:
        status = ON_TRACK
    elif ratio >= 0.6:
        status = ACCELERATE
    else:
        status = LIMITED
    return result(status, round(ratio, 3), method)


def is_complete(completeness: Decimal | None, threshold: float) -> bool:
    """A value is complete when its records cover at least `threshold` percent of what it counts, or when
    completeness cannot be told (entered values, deaths, injuries)."""
    return completeness is None or float(completeness) >= threshold


def choose_base(
    series: dict[int, tuple[Decimal | None, Decimal | None]],
    *,
    start_year: int,
    year: int,
    threshold: float,
    chosen_year: int | None = None,
) -> tuple[int | None, Decimal | None]:
    """The base of the trend for `year`: the officer's chosen year if it has a complete value, else the
    first year from the plan's start, before `year`, with a complete value. `series` is {year: (value,
    completeness)}. An incomplete value is never a base, not even a chosen one (5a's 8% of 2021, when almost
    no dose was recorded, is not a trend): a chosen year without a complete value gives no base at all."""
    if chosen_year is not None:
        value, completeness = series.get(chosen_year, (None, None))
        usable = value is not None and chosen_year < year and is_complete(completeness, threshold)
        return (chosen_year, value) if usable else (None, None)
    for candidate in sorted(y for y in series if start_year <= y < year):
        value, completeness = series[candidate]
        if value is not None and is_complete(completeness, threshold):
            return candidate, value
    return None, None
