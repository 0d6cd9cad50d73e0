"""The dashboards' figures cached per period and scope, in Django's cache (Redis in production: shared by every
application server), so that the chairman's and the level above's pages cost the same for a province as for a
commune.

What is cached is what only a write can change: the stored figures and their status, the groups table, the
registry's health, the communes' counts. Each commune has a version in the cache, and an entry is kept under the
versions of the communes it shows (the level above's side-by-side table one entry per commune, `cached_each`, so
that a write in one commune of a province costs the next read that commune's figures only); a write that changes
any of it forgets the commune's version once it has committed, so the next page reads afresh, never a figure
behind:
- the indicators app's figures stored, marked stale or unmarked (indicators.signals.figures_changed: the
  recompute, and every change to the registry, its facts and the cases, which marks the figures stale);
- a value entered (Measurement), a collaborator's update submitted or reviewed (HouseholdUpdate), a commune,
  a hamlet (and the commune it left), a household, a child or a membership of the 14 groups saved or deleted,
  a bulk write or a case (children.signals.registry_changed): names and counts, with or without a plan;
- the plan's reference data (plans, objectives, indicators, metrics, targets, baselines): every commune.
The day is part of the key (the groups are counted on today, the review window ends today), and an entry lives
DASHBOARD_CACHE_SECONDS at most, for a write none of these sees (a bulk load by a command).

The case counts are not cached: a deadline passing makes a case overdue without any write. A cache that cannot
be reached costs the time of a read, never the page.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
EVERY_COMMUNE = "dashboard:version:all"
# Part of every key: raise it whenever what is cached changes shape (a field of Dashboard, MetricValue, a row's
# keys), so that entries kept by the code before are never read by the code after (a deployment does not empty
# Redis; `manage.py restore` should be followed by emptying the cache).
FORMAT = 1


def _version_key(commune_id: int) -> str:
    return f"dashboard:version:{commune_id}"


def _tokens(commune_ids: list[int]) -> dict:
    """{version key: the current version} of the communes, and of every commune together (EVERY_COMMUNE); a
    version made for a commune that has none."""
    keys = [EVERY_COMMUNE, *(_version_key(pk) for pk in commune_ids)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            # Another process may have made one meanwhile: theirs is the version.
            found[key] = token if cache.add(key, token, timeout=None) else (cache.get(key) or token)
    return found


def _prefix(name: str, parts) -> str:
    return f"dashboard:{FORMAT}:{name}:{get_language()}:{timezone.localdate():%Y%m%d}:{':'.join(map(str, parts))}"


def cached(name: str, commune_ids: Iterable[int], build: Callable[[], object], *parts) -> object:
    """`build()`'s value for these communes together (and `parts`, e.g. the year), from the cache while none of
    them has changed, in the language of the request."""
    ids = sorted(set(commune_ids))
    try:
        tokens = _tokens(ids)
        versions = "|".join(f"{key}={tokens[key]}" for key in sorted(tokens))
        key = f"{_prefix(name, parts)}:{hashlib.sha256(versions.encode()).hexdigest()}"
        value = cache.get(key)
    except Exception:  # the cache is a shortcut, not a dependency
        logger.warning("Dashboard cache unavailable: reading the figures afresh", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, timeout=settings.DASHBOARD_CACHE_SECONDS)
        except Exception:
            logger.warning("Dashboard cache unavailable: figures not kept", exc_info=True)
    return value


def cached_each(name: str, commune_ids: Iterable[int], build: Callable[[list[int]], dict], *parts) -> dict:
    """{commune id: its value}, each commune's from the cache while it has not changed, those missing from one
    call `build(ids) -> {id: value}`: a change in one commune of a province costs that commune's read only."""
    ids = sorted(set(commune_ids))
    try:
        tokens = _tokens(ids)
        prefix = f"{_prefix(name, parts)}:{tokens[EVERY_COMMUNE]}"
        keys = {pk: f"{prefix}:{pk}:{tokens[_version_key(pk)]}" for pk in ids}
        found = cache.get_many(list(keys.values()))
    except Exception:
        logger.warning("Dashboard cache unavailable: reading the figures afresh", exc_info=True)
        return build(ids)
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in values]
    if missing:
        built = build(missing)  # a commune deleted meanwhile is simply not among them
        values.update(built)
        try:
            cache.set_many(
                {keys[pk]: built[pk] for pk in missing if pk in built}, timeout=settings.DASHBOARD_CACHE_SECONDS
            )
        except Exception:
            logger.warning("Dashboard cache unavailable: figures not kept", exc_info=True)
    return values


def forget(commune_ids: Iterable[int] | None) -> None:
    """The cached dashboards of these communes (None: of every commune) are read afresh, once the current
    transaction commits (a page read before the commit cannot keep the old figures under a new version)."""
    keys = [EVERY_COMMUNE] if commune_ids is None else [_version_key(pk) for pk in set(commune_ids) if pk]

    def drop():
        try:
            cache.delete_many(keys)
        except Exception:
            logger.warning("Dashboard cache unavailable: versions not dropped", exc_info=True)

    if keys:
        transaction.on_commit(drop)


# --- what makes them change ----------------------------------------------------------------------------------


def _figures_changed(sender, *, communes, **kwargs) -> None:
    forget(communes)


def _forget_commune_of(*, household_id=None, child_id=None) -> None:
    """The commune a household or a child is in now, read from the database (the instance may not hold it)."""
    from children.models import Child, Household

    if household_id is not None:
        forget(Household.objects.filter(pk=household_id).values_list("commune_id", flat=True))
    elif child_id is not None:
        forget(Child.objects.filter(pk=child_id).values_list("commune_id", flat=True))


def _in_commune(sender, instance, **kwargs) -> None:
    """A record with its commune (a measurement, a household, a child: where it lives now; where a child lived
    before is marked stale by the indicators app, figures_changed): its commune's."""
    forget([instance.commune_id])


def _commune_changed(sender, instance, **kwargs) -> None:
    forget([instance.pk])


def _hamlet_changed(sender, instance, **kwargs) -> None:
    # Moved to another commune in the admin: the one it left too.
    forget([instance.commune_id, *getattr(instance, "_dashboard_commune_before", [])])


def _hamlet_saving(sender, instance, **kwargs) -> None:
    if instance.pk:
        instance._dashboard_commune_before = list(
            sender.objects.filter(pk=instance.pk).values_list("commune_id", flat=True)
        )


def _of_household(sender, instance, **kwargs) -> None:
    """A collaborator's update (the waiting count): its household's commune."""
    _forget_commune_of(household_id=instance.household_id)


def _of_child(sender, instance, **kwargs) -> None:
    """A membership of the 14 groups: the children in special circumstances, with or without a plan."""
    _forget_commune_of(child_id=instance.child_id)


def _registry_changed(sender, *, commune=None, child_id=None, **kwargs) -> None:
    """A bulk write (the import), or a case: the counts of its commune, with or without a plan (the indicators
    app's marks, which forget too, are only made for a commune with a plan)."""
    if commune is not None:
        forget([getattr(commune, "pk", commune)])
    else:
        _forget_commune_of(child_id=child_id)


def _reference_changed(sender, instance, **kwargs) -> None:
    forget(None)


def connect() -> None:
    from children.models import Child, CircumstanceMembership, Household, HouseholdUpdate
    from children.signals import registry_changed
    from indicators import models as indicators
    from indicators.signals import figures_changed
    from tanloi_portal.models import Commune, Hamlet

    uid = "reports.dashboard_cache"
    figures_changed.connect(_figures_changed, dispatch_uid=f"{uid}.figures")
    registry_changed.connect(_registry_changed, dispatch_uid=f"{uid}.registry")
    pre_save.connect(_hamlet_saving, sender=Hamlet, dispatch_uid=f"{uid}.Hamlet.before")
    receivers = [
        (indicators.Measurement, _in_commune),
        (Household, _in_commune),
        (Commune, _commune_changed),
        (Hamlet, _hamlet_changed),
        (HouseholdUpdate, _of_household),
        (Child, _in_commune),
        (CircumstanceMembership, _of_child),
        *(
            (model, _reference_changed)
            for model in (
                indicators.Plan,
                indicators.Objective,
                indicators.Indicator,
                indicators.Metric,
                indicators.Target,
                indicators.MetricBaseline,
            )
        ),
    ]
    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.{model.__name__}.delete")
