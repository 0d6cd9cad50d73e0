"""`seed_demo`: each app's demo module, in the order of the flow (users, the registry and its facts, the
collaborators' reports, cases, indicator values). This app only orchestrates; each app owns its demo data."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.demo import demo_cases
from children.demo import demo_updates, generate_registry
from children.demo_facts import generate_facts
from children.models import Child
from indicators.demo import seed_indicators
from indicators.selectors import current_plan
from tanloi_portal.demo import DemoLogin, demo_users
from tanloi_portal.models import Commune, User


@dataclass(frozen=True)
class DemoReport:
    logins: list[DemoLogin]
    households: int
    children: int
    registry_skipped: bool
    facts: dict[str, int] = field(default_factory=dict)


def seed_demo(*, commune: Commune, children: int, password: str, seed: int = 2025) -> DemoReport:
    """Create the demo users that are missing and, if the commune has no child yet, a demo registry; then
    its figures, computed once the registry has committed (so that nothing is left marked stale)."""
    with transaction.atomic():
        logins = demo_users(commune=commune, password=password)
        if Child.objects.filter(household__commune=commune).exists():
            return DemoReport(logins=logins, households=0, children=0, registry_skipped=True)
        today = timezone.localdate()
        made = generate_registry(commune=commune, children=children, today=today, seed=seed)
        facts = generate_facts(commune=commune, today=today, seed=seed).rows
        demo_updates(commune=commune, today=today)
        demo_cases(commune=commune)
    plan = current_plan(commune=commune)
    if plan is not None:
        officer = User.objects.filter(username="officer").first()
        years = list(range(plan.base_year, today.year + 1))
        facts = {**facts, "số liệu chỉ tiêu": seed_indicators(plan=plan, years=years, by=officer)}
    return DemoReport(
        logins=logins, households=made.households, children=made.children, registry_skipped=False, facts=facts
    )
