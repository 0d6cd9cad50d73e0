"""Keeping the figures fresh: which changes move which figures, marking them stale, recomputing them.

A change that can move a figure (the registry: a child, a household, any fact; a case; a hamlet assessment;
an import, through `children.signals.registry_changed`) marks the years and scopes it touches stale once its
transaction commits (`StaleFigure`: the commune and the hamlets involved, from the first year the change can
move to this year). The first mark schedules one recompute FIGURES_DEBOUNCE_SECONDS later; marks in between
join it (debounce). The recompute (`refresh_stale`, run by the worker) computes every stale scope and year
and removes the marks older than its start, so a change made while it runs is computed by the next run.

Entered values are not computed: they are on the board the moment they are saved, and mark nothing.

Which years a change touches: from the year of the record's earliest date (a fact's date, a child's birth,
a case's reception) to this year, never before the plan's start. That is more than some metrics need (a
growth measurement of 2024 moves only 2024's 4a-4c), and it is what keeps every rule simple and every
figure right: a child's birth date moves every cohort the child was ever in.
"""

import logging
import threading
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from time import monotonic, sleep

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from cases.models import Case
from children.models import (
    BirthRegistration,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    Household,
    Injury,
    SchoolEnrolment,
    SupportRecord,
    VaccinationDose,
)
from children.signals import registry_changed
from indicators.calculators import Period
from indicators.models import HamletAssessment, Plan, StaleFigure
from indicators.selectors import current_plans
from indicators.services import recompute_communes, recompute_scopes
from indicators.signals import send_figures_changed
from tanloi_portal.models import Commune, Hamlet
from tanloi_portal.queue import BROKER_ERRORS, send

logger = logging.getLogger(__name__)
SCHEDULED_KEY = "figures:refresh-scheduled"
RUNNING_KEY = "figures:refresh-running"
RUN_LOCK_SECONDS = 10 * 60
# How many of a record's latest historical versions say where it was: a child moved and edited again in one
# transaction still has its former hamlet among them.
HISTORY_LOOKBACK = 5

# Each fact and the date that says from which year it can move a figure.
FACT_DATES = {
    BirthRegistration: "registered_on",
    CircumstanceMembership: "started_on",
    SupportRecord: "given_on",
    Disability: "identified_on",
    GrowthMeasurement: "measured_on",
    VaccinationDose: "given_on",
    Death: "died_on",
    Injury: "occurred_on",
    ChildLabour: "started_on",
    ChildMarriage: "married_on",
}


def _year(value) -> int | None:
    return value.year if isinstance(value, date) else None


# --- marking -----------------------------------------------------------------------------------------------
#
# Receivers only note ids and dates, in the thread's buffer, and ask for one flush after the commit. What
# the notes mean (a child's hamlet, a household's former hamlet, the years) is read at the flush, a few
# queries for the whole transaction: saving a record costs no query, and a bulk of saves costs one mark.
# A note left by a transaction that rolled back is flushed with the next one: one recompute too many, never
# a figure left stale.

_buffer = threading.local()


def _notes() -> list[tuple]:
    if not hasattr(_buffer, "notes"):
        _buffer.notes = []
    return _buffer.notes


def _note(*note) -> None:
    _notes().append(note)
    transaction.on_commit(flush)


def note_scope(commune_id: int, hamlet_ids=None, first_year: int | None = None) -> None:
    """The commune's figures, and its hamlets' (None: every hamlet), may have moved from `first_year`
    (None: the plan's start)."""
    _note("scope", commune_id, None if hamlet_ids is None else tuple(hamlet_ids), first_year)


def flush() -> None:
    """Turn the buffered notes into marks (StaleFigure rows) and schedule one recompute."""
    notes, _buffer.notes = _notes(), []
    if not notes:
        return
    try:
        _flush(notes)
    except Exception:
        # The change itself has committed: never fail its request. The notes wait for the next flush.
        _buffer.notes = notes + _buffer.notes
        logger.exception("Could not mark figures stale")


def _flush(notes: list[tuple]) -> None:
    # {commune: {hamlet (None: every hamlet): first year (None: the plan's start)}}
    touched: dict[int, dict] = defaultdict(dict)

    def touch(commune, hamlet, first):
        if commune is None:
            return
        known = touched[commune]
        known[hamlet] = _earlier(known[hamlet], first) if hamlet in known else first

    child_ids = {n[1] for n in notes if n[0] in ("child", "moved_child")}
    places = {
        pk: (commune, hamlet, born.year)
        for pk, commune, hamlet, born in Child.objects.filter(pk__in=child_ids).values_list(
            "pk", "commune_id", "hamlet_id", "date_of_birth"
        )
    }
    hamlet_ids = {n[1] for n in notes if n[0] == "hamlet"}
    communes = dict(Hamlet.objects.filter(pk__in=hamlet_ids).values_list("pk", "commune_id"))
    for kind, *rest in notes:
        if kind == "scope":
            commune, hamlets, first = rest
            for hamlet in [None] if hamlets is None else [h for h in hamlets if h]:
                touch(commune, hamlet, first)
        elif kind == "child" and rest[0] in places:
            commune, hamlet, born = places[rest[0]]
            touch(commune, hamlet, rest[1] or born)
        elif kind == "moved_child":
            child_id, first = rest
            for commune, hamlet, born in _child_versions(child_id, places.get(child_id)):
                touch(commune, hamlet, min(first, born))
        elif kind == "household":
            household_id, commune = rest
            for hamlet in _household_hamlets(household_id):
                touch(commune, hamlet, None)
        elif kind == "hamlet" and rest[0] in communes:
            touch(communes[rest[0]], rest[0], rest[1])
    marked = False
    for commune, hamlets in touched.items():
        marked |= _mark(commune, hamlets)
    if marked:
        schedule_refresh()


def _child_versions(child_id, now) -> list[tuple]:
    """Where a saved child is and where it was (a move between households, a corrected birth date): its
    place now and in its latest historical records."""
    versions = [now] if now else []
    for commune, hamlet, born in (
        Child.history.filter(id=child_id)
        .order_by("-history_date", "-history_id")
        .values_list("commune_id", "hamlet_id", "date_of_birth")[:HISTORY_LOOKBACK]
    ):
        if commune is not None:  # a record written before the place was kept, of a household since deleted
            versions.append((commune, hamlet, born.year))
    return versions


def _household_hamlets(household_id) -> set:
    """The hamlets a saved household is in and was in, when it moved; empty when it did not."""
    hamlets = set(
        Household.history.filter(id=household_id)
        .order_by("-history_date", "-history_id")
        .values_list("hamlet_id", flat=True)[:HISTORY_LOOKBACK]
    )
    return hamlets if len(hamlets) > 1 else set()


def _plan_years(commune_id: int) -> range:
    plan = Plan.objects.filter(commune_id=commune_id).order_by("-start_year").only("start_year", "base_year").first()
    if plan is None:
        return range(0)
    return range(min(plan.start_year, plan.base_year), timezone.localdate().year + 1)


def _earlier(a: int | None, b: int | None) -> int | None:
    """The earlier of two first years, None (the plan's start) winning."""
    return None if a is None or b is None else min(a, b)


def _mark(commune_id: int, hamlets: dict) -> bool:
    """Mark the commune, and the hamlets given ({hamlet (None: every hamlet): first year}), stale from each
    one's first year (None: the plan's start) to this year. False when the commune has no plan."""
    years = _plan_years(commune_id)
    if not years:
        return False
    scopes = {pk: first for pk, first in hamlets.items() if pk is not None}
    if None in hamlets:
        every = hamlets[None]
        for pk in Hamlet.objects.filter(commune_id=commune_id).values_list("pk", flat=True):
            scopes[pk] = _earlier(scopes[pk], every) if pk in scopes else every
    # The commune's own figures move from the earliest year any of its hamlets' do.
    firsts = list(hamlets.values())
    commune_first = firsts[0]
    for first in firsts[1:]:
        commune_first = _earlier(commune_first, first)
    scopes[0] = commune_first
    now = timezone.now()
    rows = [
        StaleFigure(commune_id=commune_id, hamlet_id=key or None, scope_key=key, year=year, changed_at=now)
        for key, first in scopes.items()
        for year in years
        if first is None or year >= first
    ]
    _upsert(rows)
    return bool(rows)


def _upsert(rows: list[StaleFigure]) -> None:
    StaleFigure.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["commune", "scope_key", "year"], update_fields=["changed_at"]
    )
    send_figures_changed({row.commune_id for row in rows})


def schedule_refresh(*, countdown: int | None = None) -> None:
    """Queue one recompute in FIGURES_DEBOUNCE_SECONDS, unless one is already queued. A broker that cannot
    be reached leaves the marks in place: the next run, or the nightly one, computes them."""
    from indicators.tasks import refresh_stale_figures

    if not settings.FIGURES_AUTO_REFRESH:
        return
    delay = settings.FIGURES_DEBOUNCE_SECONDS if countdown is None else countdown
    if not cache.add(SCHEDULED_KEY, True, timeout=delay + 60):
        return
    try:
        refresh_stale_figures.apply_async(countdown=delay)
    except BROKER_ERRORS:  # the change is saved; only its recompute waits
        cache.delete(SCHEDULED_KEY)
        logger.warning("Could not queue the recompute of stale figures", exc_info=True)


# --- recomputing -------------------------------------------------------------------------------------------


class Busy(Exception):
    """Another recompute holds the lock: the task is tried again a little later."""


@contextmanager
def _one_run_at_a_time(wait_seconds: float = 0):
    """The recomputes (debounced, "Tính lại", nightly, `indicator_values`) take turns: two computing the same
    measurement would both try to create it. The lock expires after RUN_LOCK_SECONDS, so a worker killed while
    holding it delays the next run, never stops it. Raises Busy when still held after `wait_seconds`."""
    deadline = monotonic() + wait_seconds
    while not cache.add(RUNNING_KEY, True, timeout=RUN_LOCK_SECONDS):
        if monotonic() >= deadline:
            raise Busy
        sleep(0.5)
    try:
        yield
    finally:
        cache.delete(RUNNING_KEY)


def refresh_stale(*, commune_id: int | None = None, wait_seconds: float = 0) -> int:
    """Recompute every stale year and scope (of one commune, or all), then remove the marks it computed.
    Raises Busy when another recompute runs (after waiting `wait_seconds` for it). Returns the number of
    values stored. Idempotent."""
    with _one_run_at_a_time(wait_seconds):
        cache.delete(SCHEDULED_KEY)
        stored = _refresh(commune_id)
    if StaleFigure.objects.exists():
        # Changes made while it ran, or marks of another commune: one more run (the key is cleared first, so
        # a run queued meanwhile and found busy cannot leave these marks without a run to come).
        cache.delete(SCHEDULED_KEY)
        schedule_refresh()
    return stored


def _refresh(commune_id: int | None) -> int:
    """Each year marked, for every commune and hamlet marked in it, in one grouped run (`recompute_communes`)."""
    marks = StaleFigure.objects.all()
    if commune_id is not None:
        marks = marks.filter(commune_id=commune_id)
    years: dict[int, list] = defaultdict(list)
    for pk, commune, hamlet, year, changed_at in marks.values_list(
        "pk", "commune_id", "hamlet_id", "year", "changed_at"
    ):
        years[year].append((pk, commune, hamlet, changed_at))
    stored = 0
    plans = current_plans(communes={commune for read in years.values() for _pk, commune, _hamlet, _at in read})
    for year, read in sorted(years.items()):
        scopes = {(commune, hamlet) for _pk, commune, hamlet, _at in read if commune in plans}
        chosen = {plans[commune] for commune, _hamlet in scopes}
        if chosen:
            stored += recompute_communes(plans=chosen, period=Period(year), scopes=scopes)
        _remove_marks(
            [(pk, changed_at) for pk, _commune, _hamlet, changed_at in read], {commune for _pk, commune, *_ in read}
        )
    return stored


def _remove_marks(read: list[tuple], communes) -> None:
    """Remove the marks read, (pk, changed_at), only as they were read: a mark whose time moved on since
    (a change made during the recompute) waits for the next run, whatever the clocks of those who wrote it.
    `communes`: the ids of the communes they are of."""
    gone = Q(pk__in=[])
    for pk, changed_at in read:
        gone |= Q(pk=pk, changed_at=changed_at)
    StaleFigure.objects.filter(gone).delete()
    send_figures_changed(communes)


def recompute_year(*, plan: Plan, year: int, progress=None, wait_seconds: float = 0) -> int:
    """Recompute a whole year (the commune and every hamlet), as the officer's "Tính lại" and the nightly run
    ask: the marks of that year it covers go once it has finished. Raises Busy as refresh_stale does."""
    with _one_run_at_a_time(wait_seconds):
        marks = list(StaleFigure.objects.filter(commune=plan.commune, year=year).values_list("pk", "changed_at"))
        stored = recompute_scopes(plan=plan, period=Period(year), progress=progress)
        _remove_marks(marks, {plan.commune_id})
    return stored


def recompute_years_everywhere(*, years: list[int], wait_seconds: float = 0) -> int:
    """The nightly run: the years given for every commune with a plan and all their hamlets, each year in one
    grouped run for all of them; the marks of those years go once it has finished."""
    plans = list(current_plans(communes=Commune.objects.all()).values())
    stored = 0
    with _one_run_at_a_time(wait_seconds):
        for year in years:
            marks = list(StaleFigure.objects.filter(year=year).values_list("pk", "changed_at"))
            stored += recompute_communes(plans=plans, period=Period(year))
            _remove_marks(marks, {plan.commune_id for plan in plans})
    return stored


def mark_year(*, plan: Plan, year: int) -> None:
    """Mark a whole year stale now (the board shows it as being recomputed until the worker is done)."""
    now = timezone.now()
    keys = [0, *plan.commune.hamlets.values_list("pk", flat=True)]
    _upsert(
        [
            StaleFigure(commune_id=plan.commune_id, hamlet_id=key or None, scope_key=key, year=year, changed_at=now)
            for key in keys
        ]
    )


def progress_key(commune_id: int, year: int) -> str:
    return f"figures-progress:{commune_id}:{year}"


def recompute_progress(*, plan: Plan, year: int) -> dict:
    """How far the worker is with a year's "Tính lại": {"done": scopes computed, "total": scopes}."""
    return cache.get(progress_key(plan.commune_id, year)) or {"done": 0, "total": 0}


def recompute_request(*, plan: Plan, year: int) -> bool:
    """The officer's "Tính lại": mark the year's figures as being recomputed and queue their recompute.
    False when the broker cannot be reached (the marks stay: the next run, or the nightly one, computes)."""
    from indicators.tasks import recompute_year as task

    mark_year(plan=plan, year=year)
    return send(task, plan.pk, year)


# --- what moves figures ------------------------------------------------------------------------------------


def _child_changed(sender, instance: Child, **kwargs) -> None:
    if kwargs.get("signal") is post_delete:
        note_scope(instance.household.commune_id, [instance.household.hamlet_id], instance.date_of_birth.year)
    else:
        _note("moved_child", instance.pk, instance.date_of_birth.year)


def _household_changed(sender, instance: Household, created=False, **kwargs) -> None:
    if not created:  # a new household has no child yet
        _note("household", instance.pk, instance.commune_id)


def _fact_changed(sender, instance, **kwargs) -> None:
    # The school year 2024-2025 (school_year 2024) counts in 2025's figures, and in 2024's 2.
    first = instance.school_year if sender is SchoolEnrolment else _year(getattr(instance, FACT_DATES[sender]))
    _note("child", instance.child_id, first)


def _case_changed(sender, instance: Case, **kwargs) -> None:
    received = timezone.localtime(instance.received_at).year if instance.received_at else None
    if instance.child_id:
        _note("child", instance.child_id, received)
    else:  # a child not in the registry: counted in its commune (the abuse figure's note says how many)
        note_scope(instance.commune_id, None, received)


def _assessment_changed(sender, instance: HamletAssessment, **kwargs) -> None:
    _note("hamlet", instance.hamlet_id, instance.year)


def _registry_changed(sender, *, commune=None, hamlets=None, first_year=None, child_id=None, **kwargs) -> None:
    if child_id is not None:
        _note("child", child_id, first_year)
    else:
        hamlet_ids = None if hamlets is None else [getattr(h, "pk", h) for h in hamlets]
        note_scope(getattr(commune, "pk", commune), hamlet_ids, first_year)


def connect() -> None:
    """Called once, from the app's ready()."""
    uid = "indicators.freshness"
    post_save.connect(_child_changed, sender=Child, dispatch_uid=f"{uid}.child")
    post_delete.connect(_child_changed, sender=Child, dispatch_uid=f"{uid}.child.delete")
    post_save.connect(_household_changed, sender=Household, dispatch_uid=f"{uid}.household")
    for model in [*FACT_DATES, SchoolEnrolment]:
        post_save.connect(_fact_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        post_delete.connect(_fact_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.delete")
    post_save.connect(_case_changed, sender=Case, dispatch_uid=f"{uid}.case")
    post_save.connect(_assessment_changed, sender=HamletAssessment, dispatch_uid=f"{uid}.assessment")
    post_delete.connect(_assessment_changed, sender=HamletAssessment, dispatch_uid=f"{uid}.assessment.delete")
    registry_changed.connect(_registry_changed, dispatch_uid=f"{uid}.registry")
