"""The load test's set-up, run by the runner against the load-test database before the servers start: which
demo users the load users log in as, and what each will ask for (households to report on, doses not yet
recorded, names to search), written to a JSON plan that the locustfile reads (it imports no Django).

The second factor: a role the admin ticked in "Yêu cầu xác thực hai bước" asks a code after the password. For
such a user the set-up adds a TOTP device of its own (named DEVICE_NAME, its key in the plan), from which the
load user computes the code as an authenticator app would; `forget` removes those devices after the run. A
user who already has a device of another name is not taken (its key is on someone's phone).

Needs Django set up (the runner does, with the servers' settings)."""

import random
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from children.models import Child, Household, VaccinationDose, Vaccine
from tanloi_portal.models import Role, Unit, User
from tanloi_portal.second_factor import is_required_for

DEVICE_NAME = "Kiểm thử tải"
ROLES = {
    "officer": {"role": Role.OFFICER},
    "collaborator": {"role": Role.COLLABORATOR, "hamlet__isnull": False},
    "health": {"role": Role.UNIT_STAFF, "unit__kind": Unit.Kind.HEALTH},
    "chairman": {"role": Role.CHAIRMAN},
    "district": {"role": Role.DISTRICT},
}
HOUSEHOLDS_PER_COLLABORATOR = 40
DOSES_PER_HEALTH_USER = 400
SEARCHES_PER_OFFICER = 100


def _spread(users: list, count: int) -> list:
    """`count` users taken evenly along the list (ordered by commune): the load reaches many communes."""
    if len(users) <= count:
        return users
    step = len(users) / count if count else 0
    return [users[int(i * step)] for i in range(count)]


def _device_key(user: User) -> str | None:
    """The hex key of the load test's device when a code will be asked (the role requires one, or the device
    is there from a run that did not finish); None when none will be."""
    device = TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).first()
    if device is None and not is_required_for(user):
        return None
    device = device or TOTPDevice(user=user, name=DEVICE_NAME, key=random_hex(20))
    device.confirmed, device.throttling_failure_count, device.last_t = True, 0, -1
    device.save()
    return device.key


def _households(user: User, rng: random.Random) -> list[int]:
    """Households of the collaborator's hamlet with a living child (a measurement needs one)."""
    living = Child.objects.filter(household=OuterRef("pk"), status=Child.Status.LIVING)
    ids = list(
        Household.objects.filter(hamlet_id=user.hamlet_id)
        .filter(Exists(living))
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    return rng.sample(ids, min(len(ids), HOUSEHOLDS_PER_COLLABORATOR))


def _missing_doses(user: User, rng: random.Random, today) -> list[list]:
    """(child, vaccine, dose number) not recorded yet for young children of the unit's commune, each once."""
    vaccines = list(Vaccine.objects.order_by("position").values_list("pk", "doses"))
    young = list(
        Child.objects.filter(
            commune_id=user.commune_id,
            status=Child.Status.LIVING,
            date_of_birth__gte=today - timedelta(days=2 * 365),
            date_of_birth__lte=today - timedelta(days=30),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:3000]
    )
    young = rng.sample(young, min(len(young), 200))
    given = set(VaccinationDose.objects.filter(child_id__in=young).values_list("child_id", "vaccine_id", "dose_number"))
    missing = [
        [child, vaccine, dose]
        for child in young
        for vaccine, doses in vaccines
        for dose in range(1, doses + 1)
        if (child, vaccine, dose) not in given
    ]
    rng.shuffle(missing)
    return missing[:DOSES_PER_HEALTH_USER]


def _searches(user: User, rng: random.Random) -> list[str]:
    """Names as an officer types them: without diacritics, the whole name or its last two words."""
    names = list(
        Child.objects.filter(commune_id=user.commune_id).order_by("-pk").values_list("name_search", flat=True)[:5000]
    )
    picked = rng.sample(names, min(len(names), SEARCHES_PER_OFFICER))
    return [name if rng.random() < 0.5 else " ".join(name.split()[-2:]) for name in picked]


def prepare(*, counts: dict[str, int], seed: int = 15) -> dict:
    """The plan: for each role, the users to log in as (up to `counts[role]`, spread over the communes) with
    what each will ask for. A role with no user in the database has an empty list (the runner says so)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    plan = {"year": today.year, "users": {}, "devices": []}
    for name, lookup in ROLES.items():
        # Not a user whose second factor is on someone's phone: its code cannot be answered.
        theirs = TOTPDevice.objects.filter(user=OuterRef("pk")).exclude(name=DEVICE_NAME)
        candidates = (
            User.objects.filter(is_active=True, **lookup)
            .exclude(Exists(theirs))
            .select_related("commune")
            .order_by("commune__code", "pk")
        )
        chosen = _spread(list(candidates), counts.get(name, 0))
        entries = []
        for user in chosen:
            key = _device_key(user)
            entry = {"username": user.username, "otp_key": key, "commune": user.commune.code if user.commune else ""}
            if key:
                plan["devices"].append(user.pk)
            if name == "collaborator":
                entry["households"] = _households(user, rng)
            elif name == "health":
                entry["doses"] = _missing_doses(user, rng, today)
            elif name == "officer":
                entry["searches"] = _searches(user, rng)
            entries.append(entry)
        plan["users"][name] = entries
    return plan


def forget(plan: dict) -> int:
    """Remove the second-factor devices the set-up added. Returns how many."""
    return TOTPDevice.objects.filter(user_id__in=plan["devices"], name=DEVICE_NAME).delete()[0]


def registry_size() -> dict[str, int]:
    from tanloi_portal.models import Commune

    return {"communes": Commune.objects.count(), "children": Child.objects.count()}
