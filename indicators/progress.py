"""Progress of a metric towards its target, by the method Open SDG documents (Statistics Canada's
compound-annual-growth ratio).

From the base year's value x0 (year t0) to the current value xt (year t), the growth observed per year,
CAGR_o = (xt / x0) ** (1 / (t - t0)) - 1, is set against the growth needed to reach the target x* by its
year T, CAGR_n = (x* / x0) ** (1 / (T - t0)) - 1. Their ratio gives the status:

- target achieved: xt already meets the target (its direction: at least, more than, at most, less than);
- on track: the ratio is at least 0.95; acceleration needed: 0.6 to 0.95; limited progress: 0 to 0.6;
- deterioration: moving away from the target (a negative ratio);
- no data: no base or no current value, or no year between them.

Rates live between natural limits (0-100% for percentages): values are clipped to them. When the base value
is 0 a growth rate is undefined: the yearly changes (absolute) are compared instead, and the result says so.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ACHIEVED, ON_TRACK, ACCELERATE, LIMITED, DETERIORATION, NO_DATA = (
    "achieved",
    "on_track",
    "acceleration_needed",
    "limited_progress",
    "deterioration",
    "no_data",
)
LABELS = {
    ACHIEVED: _("Đã đạt chỉ tiêu"),
    ON_TRACK: _("Đúng hướng"),
    ACCELERATE: _("Cần đẩy nhanh"),
    LIMITED: _("Tiến triển chậm"),
    DETERIORATION: _("Đi ngược chỉ tiêu"),
    NO_DATA: _("Chưa có số liệu"),
}
PERCENT_LIMITS = (0.0, 100.0)


@dataclass(frozen=True)
class Progress:
    status: str
    base_year: int | None
    target_year: int | None
    target: Decimal | None
    ratio: float | None  # observed / needed growth
    method: str  # "cagr", "absolute" (base 0) or ""

    @property
    def label(self) -> str:
        return str(LABELS[self.status])


def meets(value: float, target: float, direction: str) -> bool:
    return {
        "at_least": value >= target,
        "more_than": value > target,
        "at_most": value <= target,
        "less_than": value < target,
    }[direction]


def target_for(targets: dict[int, Decimal], year: int) -> tuple[int | None, Decimal | None]:
    """The first target due in or after the year (2025, then 2030); past the last, the last."""
    due = sorted(y for y in targets if y >= year)
    if due:
        return due[0], targets[due[0]]
    if targets:
        last = max(targets)
        return last, targets[last]
    return None, None


def progress(
    *,
    direction: str,
    targets: dict[int, Decimal],
    base_year: int,
    base_value: Decimal | None,
    year: int,
    value: Decimal | None,
    limits: tuple[float, float] | None = PERCENT_LIMITS,
) -> Progress:
    target_year, target = target_for(targets, year)
    if value is None or target is None:
        return Progress(NO_DATA, base_year, target_year, target, None, "")
    current, goal = float(value), float(target)
    if limits:
        current = min(max(current, limits[0]), limits[1])
    if meets(current, goal, direction):
        return Progress(ACHIEVED, base_year, target_year, target, None, "")
    if base_value is None or year <= base_year or target_year <= base_year:
        return Progress(NO_DATA, base_year, target_year, target, None, "")
    base = float(base_value)
    if limits:
        base = min(max(base, limits[0]), limits[1])
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
        return Progress(DETERIORATION, base_year, target_year, target, None, method)
    ratio = observed / needed
    if ratio < 0:
        status = DETERIORATION
    elif ratio >= 0.95:
        status = ON_TRACK
    elif ratio >= 0.6:
        status = ACCELERATE
    else:
        status = LIMITED
    return Progress(status, base_year, target_year, target, round(ratio, 3), method)
