"""Demo indicator data for `seed_demo`: hamlet assessments, values the units enter by hand, and computed
values for every year of the plan so far, so that the board and the charts have something to show."""

import random
from decimal import Decimal

from django.db import transaction

from indicators.calculators import Period, Scope
from indicators.freshness import recompute_year
from indicators.models import HamletAssessment, Metric
from indicators.services import enter_value

# Entered metrics: a plausible value in the base year and its yearly change towards the target.
ENTERED = {"6": ("4", "-0.5"), "7": ("85", "3"), "12": ("100", "0"), "15": ("97.5", "0.3"), "19": ("40", "8"),
           "20a": ("30", "4"), "22": ("15", "3"), "23": ("60", "5"), "24": ("12", "3")}  # fmt: skip


def seed_indicators(*, plan, years: list[int], by=None, seed: int = 2025) -> int:
    """Hamlet assessments and entered values, committed; then every year given recomputed (which clears the
    marks those changes left), so that the demo board is fresh from its first page."""
    rng = random.Random(seed)
    commune = plan.commune
    hamlets = list(commune.hamlets.order_by("position"))
    stored = 0
    with transaction.atomic():
        for year in range(plan.base_year, max(years) + 1):
            friendly = 6 + min(year - plan.base_year, 4)  # 6 hamlets in 2021, 10 from 2025
            for index, hamlet in enumerate(hamlets):
                HamletAssessment.objects.update_or_create(
                    hamlet=hamlet,
                    year=year,
                    defaults={
                        "child_friendly": index < friendly,
                        "play_space": index < 3 + (year - plan.base_year) // 2,
                    },
                )
        metrics = {m.code: m for m in Metric.objects.filter(indicator__plan=plan)}
        for year in sorted({plan.base_year, *years}):
            for code, (start, step) in ENTERED.items():
                value = Decimal(start) + Decimal(step) * (year - plan.base_year) + Decimal(rng.randint(-5, 5)) / 10
                value = max(Decimal(0), min(Decimal(100), value))
                enter_value(metric=metrics[code], scope=Scope(commune), period=Period(year), value=value, by=by,
                            note="Số liệu mẫu")  # fmt: skip
                stored += 1
    for year in sorted({plan.base_year, *years}):
        stored += recompute_year(plan=plan, year=year)
    return stored
