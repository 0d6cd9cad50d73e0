"""Calculators: one plain function per metric code, computing numerator and denominator in the database.

Each is written once, as the counts it takes (`Tally`: the rows to count, and which of them the numerator
keeps), and is run two ways:

- `CALCULATORS[code](period, scope)`: one scope (the commune, or one hamlet), with the queryset of the records
  counted (children, for the drill-down from a figure to the children behind it);
- `calculate_scopes(code, period, communes)`: every commune given and every hamlet of theirs at once, each
  count one grouped query (GROUP BY commune, hamlet) whose rows also add up to the communes' totals. A child
  belongs to one hamlet (its household's), so every count is the sum of its hamlets' counts.

Counts over the same rows are taken in one query (COUNT(*) FILTER (WHERE ...) on PostgreSQL, CASE on SQLite).
Definitions follow DESIGN section 3.1; the choices the plan leaves open are stated on each function.

Populations: "children" are under 16 on the last day of the period (Luật Trẻ em 2016, Điều 1) and lived in
the scope during the period: born by its end, not gone (moved away or died) before its start, not arrived
after its end. Ages are completed years at a date, compared in the database through birth-date bounds.
"""

import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from cases.models import Case as CaseRecord
from children.ages import birth_date_bounds_for_age
from children.models import (
    BirthRegistration,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    Injury,
    SchoolEnrolment,
    SupportRecord,
    VaccinationDose,
    Vaccine,
)
from children.populations import aged, living_between
from children.vaccination import load_schedule
from indicators.models import HamletAssessment
from tanloi_portal.models import Commune, Hamlet


@dataclass(frozen=True)
class Period:
    """The days a figure covers: the calendar year or half-year, or the explicit bounds a report period gives
    (`first`, `last`: e.g. 15/12/2025 to 14/12/2026 under Nghị định 09/2019, reports/periods.py). `year` stays
    the period's year either way: the school year and the hamlet assessments go by it. Calculators read only
    `start`, `end` and `year`."""

    year: int
    half: int = 0  # 0: the whole year; 1 or 2: a half-year
    first: date | None = None
    last: date | None = None

    @property
    def start(self) -> date:
        if self.first is not None:
            return self.first
        return date(self.year, 7, 1) if self.half == 2 else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if self.last is not None:
            return self.last
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)


def _year_before(day: date) -> date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Scope:
    commune: Commune
    hamlet: Hamlet | None = None

    def children(self) -> QuerySet[Child]:
        return Child.objects.filter(self.of_children())

    def of_children(self, path: str = "") -> Q:
        """The rows whose child (reached through `path`, "" for the children themselves) is in the scope: by
        the commune and hamlet the child keeps (Child.commune, Child.hamlet), no join to the households."""
        prefix = f"{path}__" if path else ""
        place = {f"{prefix}hamlet": self.hamlet} if self.hamlet else {f"{prefix}commune": self.commune}
        return ~Q(**{f"{prefix}status": Child.Status.MERGED}) & Q(**place)

    def hamlets(self) -> QuerySet[Hamlet]:
        if self.hamlet is not None:
            return Hamlet.objects.filter(pk=self.hamlet.pk)
        return Hamlet.objects.filter(commune=self.commune)


@dataclass(frozen=True)
class Communes:
    """Several communes at once, for `calculate_scopes`: the counts are grouped by commune and hamlet."""

    ids: tuple[int, ...]

    def children(self) -> QuerySet[Child]:
        return Child.objects.filter(self.of_children())

    def of_children(self, path: str = "") -> Q:
        prefix = f"{path}__" if path else ""
        return ~Q(**{f"{prefix}status": Child.Status.MERGED}) & Q(**{f"{prefix}commune_id__in": self.ids})

    def hamlets(self) -> QuerySet[Hamlet]:
        return Hamlet.objects.filter(commune_id__in=self.ids)


# Where a counted row finds its commune and hamlet, by the kind of row (a child: its household's, kept on it).
CHILD_ROWS = ("commune_id", "hamlet_id")
CHILD_FACT_ROWS = ("child__commune_id", "child__hamlet_id")
HAMLET_ROWS = ("commune_id", "pk")
HAMLET_FACT_ROWS = ("hamlet__commune_id", "hamlet_id")


@dataclass(frozen=True, eq=False)
class Tally:
    """A count not yet taken: the rows of `rows`, or only those matching `where`. Tallies over the same
    queryset object are taken together, in one query."""

    rows: QuerySet
    where: Q | None = None
    scope_of: tuple[str, str] = CHILD_ROWS

    def matching(self, where: Q) -> "Tally":
        return Tally(self.rows, where if self.where is None else self.where & where, self.scope_of)

    def records(self) -> QuerySet:
        return self.rows if self.where is None else self.rows.filter(self.where)


Count_ = int | Tally | None


@dataclass
class Result:
    numerator: Count_
    denominator: Count_
    records: QuerySet | None = None  # the children counted in the numerator
    # How complete the records behind the value are: of the `population` the metric counts, how many have
    # any record of the kind it reads (`covered`). None where the registry cannot tell (a death or an
    # injury not recorded leaves no trace): such values count as complete.
    covered: Count_ = None
    population: Count_ = None

    @property
    def completeness(self) -> Decimal | None:
        """The share of the population with records, in percent; None where it cannot be told."""
        if self.covered is None or not self.population:
            return None
        return (Decimal(self.covered) * 100 / Decimal(self.population)).quantize(Decimal("0.1"))

    def tallies(self) -> list[Tally]:
        """The counts still to take, each once (the denominator may be the population too)."""
        counts = (self.numerator, self.denominator, self.covered, self.population)
        return list(dict.fromkeys(t for t in counts if isinstance(t, Tally)))

    def counted(self, counts: dict[Tally, int]) -> "Result":
        def take(t):
            return counts[t] if isinstance(t, Tally) else t

        return Result(
            take(self.numerator), take(self.denominator), self.records, take(self.covered), take(self.population)
        )


def _same_rows(tally: Tally) -> tuple:
    """What makes two tallies countable in one query: the same rows (the same SQL, even when two calculators
    built them apart, e.g. the children under 16 of 8a, 9, 10, 11a and 11b) found in their scopes the same way."""
    try:
        return (str(tally.rows.query), tally.scope_of)
    except EmptyResultSet:  # rows that can hold nothing have no SQL: only the same queryset is the same
        return (id(tally.rows), tally.scope_of)


def _together(tallies: list[Tally]) -> dict[tuple, list[Tally]]:
    """The tallies by the rows they count: each group is one query."""
    groups: dict[tuple, list[Tally]] = {}
    for tally in tallies:
        groups.setdefault(_same_rows(tally), []).append(tally)
    return groups


def _counts(tallies: list[Tally]) -> dict[str, Count]:
    return {f"n{i}": Count("pk", filter=t.where) for i, t in enumerate(tallies)}


def _grouped(group: list[Tally], *by: str) -> QuerySet:
    """The counts of a group of tallies over their queryset, one row per value of the paths `by` (grouped in
    the same query, so that an annotation or an Exists a count reads is evaluated where its row is)."""
    paths = dict(zip(("scope_commune", "scope_hamlet"), by, strict=False))
    return group[0].rows.order_by().values(**{k: F(v) for k, v in paths.items()}).annotate(**_counts(group))


def count_once(tallies: list[Tally]) -> dict[Tally, int]:
    """Each tally's count in one scope: one query per queryset counted."""
    counts = dict.fromkeys(tallies, 0)
    for group in _together(tallies).values():
        for row in _grouped(group, group[0].scope_of[0]):
            for i, tally in enumerate(group):
                counts[tally] += row[f"n{i}"]
    return counts


ScopeKey = tuple[int, int | None]  # (commune id, hamlet id); no hamlet: the commune as a whole


def fetched(querysets: list[QuerySet]) -> list[list]:
    """The rows of each queryset: on PostgreSQL, outside a transaction, read over FIGURES_COUNT_CONNECTIONS
    connections at once (each thread its own, closed when its share is read), taken in the order given (the
    caller puts the largest first, so that the connections finish together); otherwise one after the other.
    Inside a transaction the queries must see what it wrote, which another connection cannot."""
    connection = connections[DEFAULT_DB_ALIAS]
    readers = min(settings.FIGURES_COUNT_CONNECTIONS, len(querysets))
    if readers < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [list(qs) for qs in querysets]
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for i, qs in enumerate(querysets):
        pending.put((i, qs))
    rows: list[list] = [[] for _ in querysets]

    def read() -> None:
        try:
            while True:
                try:
                    i, qs = pending.get_nowait()
                except queue.Empty:
                    return
                rows[i] = list(qs)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=readers, thread_name_prefix="figures") as pool:
        for reader in [pool.submit(read) for _ in range(readers)]:
            reader.result()
    return rows


def count_by_scope(tallies: list[Tally], keys: list[ScopeKey]) -> dict[Tally, dict[ScopeKey, int]]:
    """Each tally's count for every scope of `keys` at once: one grouped query per queryset counted, by
    commune and hamlet (read together, `fetched`); a commune's count is the sum of its rows (its hamlets, and
    any row without one)."""
    counts: dict[Tally, dict[ScopeKey, int]] = {t: dict.fromkeys(keys, 0) for t in tallies}
    groups = list(_together(tallies).values())
    # The counts over children first: the largest, so that no connection is left with one at the end.
    groups.sort(key=lambda group: group[0].rows.model is not Child)
    for group, rows in zip(groups, fetched([_grouped(g, *g[0].scope_of) for g in groups]), strict=True):
        for row in rows:
            whole, part = (row["scope_commune"], None), (row["scope_commune"], row["scope_hamlet"])
            for i, tally in enumerate(group):
                n, per_scope = row[f"n{i}"], counts[tally]
                if whole in per_scope:
                    per_scope[whole] += n
                if part in per_scope and part != whole:
                    per_scope[part] += n
    return counts


CALCULATORS: dict[str, Callable[[Period, Scope], Result]] = {}
# The same calculators before their counts are taken (a Result of Tallies), for `calculate_scopes`.
TALLIES: dict[str, Callable[[Period, Scope | Communes], Result]] = {}


def calculator(*codes: str):
    def register(tallies):
        def calculate(period: Period, scope: Scope) -> Result:
            result = tallies(period, scope)
            return result.counted(count_once(result.tallies()))

        calculate.__doc__, calculate.__name__ = tallies.__doc__, tallies.__name__
        for code in codes:
            CALCULATORS[code] = calculate
            TALLIES[code] = tallies
        return calculate

    return register


def calculate_scopes(code: str, period: Period, communes: list[int]) -> dict[ScopeKey, Result]:
    """A metric for every commune given and every hamlet of theirs: {(commune id, hamlet id or None): Result},
    each count taken once for all of them. The Results carry no records (the drill-down is per scope)."""
    return calculate_all_scopes([code], period, communes)[code]


def calculate_all_scopes(codes: list[str], period: Period, communes: list[int]) -> dict[str, dict[ScopeKey, Result]]:
    """Several metrics for every commune given and every hamlet of theirs, {code: {scope: Result}}: the counts
    of all of them taken together, one grouped query per distinct set of rows, so that the metrics counting the
    same children (the under-fives of 4a-4c and 5b, the children under 16 of 8a-11b) read them once."""
    keys: list[ScopeKey] = [(c, None) for c in communes]
    keys += list(Hamlet.objects.filter(commune_id__in=communes).values_list("commune_id", "pk"))
    scope = Communes(tuple(communes))
    results = {code: TALLIES[code](period, scope) for code in codes}
    for result in results.values():
        result.records = None
    by_scope = count_by_scope(list(dict.fromkeys(t for r in results.values() for t in r.tallies())), keys)
    return {
        code: {key: result.counted({t: by_scope[t][key] for t in result.tallies()}) for key in keys}
        for code, result in results.items()
    }


# --- populations ---------------------------------------------------------------------------------------


def living_during(qs: QuerySet[Child], period: Period) -> QuerySet[Child]:
    """The children who lived in the scope during the period (children.populations)."""
    return living_between(qs, period.start, period.end)


def children_under_16(period: Period, scope: Scope) -> QuerySet[Child]:
    return aged(living_during(scope.children(), period), 0, 15, period.end)


def with_age(qs: QuerySet, *, when: str, born: str, name: str = "age") -> QuerySet:
    """Annotate `name`: completed years from the date column `born` to `when`, computed in SQL from the
    dates' parts (so a birthday is exact, leap years included, on SQLite and PostgreSQL alike)."""
    qs = qs.annotate(
        **{
            f"{name}_when_md": ExtractMonth(when) * 100 + ExtractDay(when),
            f"{name}_born_md": ExtractMonth(born) * 100 + ExtractDay(born),
        }
    )
    before = Case(When(**{f"{name}_when_md__lt": F(f"{name}_born_md")}, then=Value(1)), default=Value(0))
    return qs.annotate(**{name: ExtractYear(when) - ExtractYear(born) - before})


def _share(rows: QuerySet[Child], where: Q) -> Result:
    """Of the children of `rows`, those matching `where` (both counts in one query)."""
    whole = Tally(rows)
    part = whole.matching(where)
    return Result(part, whole, part.records())


def _children_of(rows: QuerySet) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=rows.values("child_id"))


# --- calculators -----------------------------------------------------------------------------------------


@calculator("14")
def birth_registration(period: Period, scope: Scope) -> Result:
    """Children under 5 at the end of the period with a registered birth / all children under 5."""
    under5 = aged(living_during(scope.children(), period), 0, 4, period.end)
    registered = BirthRegistration.objects.filter(child=OuterRef("pk")).filter(
        Q(registered_on__isnull=True) | Q(registered_on__lte=period.end)
    )
    return _share(under5, Q(Exists(registered)))


def _in_groups(period: Period) -> Exists:
    overlapping = CircumstanceMembership.objects.filter(child=OuterRef("pk"), started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    return Exists(overlapping)


@calculator("8a")
def special_circumstances(period: Period, scope: Scope) -> Result:
    """Distinct children in at least one of the 14 groups during the period / all children."""
    return _share(children_under_16(period, scope), Q(_in_groups(period)))


@calculator("8b")
def special_circumstances_supported(period: Period, scope: Scope) -> Result:
    """Of the children in special circumstances, those with a support record dated in the period."""
    in_groups = children_under_16(period, scope).filter(_in_groups(period))
    supported = SupportRecord.objects.filter(child=OuterRef("pk"), given_on__range=(period.start, period.end))
    return _share(in_groups, Q(Exists(supported)))


def _births(period: Period, scope: Scope) -> QuerySet[Child]:
    # Live births of the period in the scope, whatever became of the child since (moved away, died); a child
    # who moved in was born elsewhere.
    return scope.children().filter(date_of_birth__range=(period.start, period.end), moved_in_on__isnull=True)


def _deaths(period: Period, scope: Scope) -> QuerySet[Death]:
    deaths = Death.objects.filter(scope.of_children("child"), died_on__range=(period.start, period.end))
    return with_age(deaths, when="died_on", born="child__date_of_birth")


def _mortality(period: Period, scope: Scope, *, under_years: int | None = None, under_days: int | None = None):
    deaths = _deaths(period, scope)
    if under_days is not None:
        # Neonatal: death within 28 days of birth (day 0 to day 27).
        deaths = deaths.filter(child__date_of_birth__gt=F("died_on") - timedelta(days=under_days))
    else:
        deaths = deaths.filter(age__lt=under_years)
    return Result(Tally(deaths, scope_of=CHILD_FACT_ROWS), Tally(_births(period, scope)), _children_of(deaths))


@calculator("3a")
def neonatal_mortality(period: Period, scope: Scope) -> Result:
    """Deaths within 28 days of birth in the period x 1000 / live births in the period."""
    return _mortality(period, scope, under_days=28)


@calculator("3b")
def infant_mortality(period: Period, scope: Scope) -> Result:
    """Deaths before the first birthday in the period x 1000 / live births in the period."""
    return _mortality(period, scope, under_years=1)


@calculator("3c")
def under5_mortality(period: Period, scope: Scope) -> Result:
    """Deaths before the fifth birthday in the period x 1000 / live births in the period."""
    return _mortality(period, scope, under_years=5)


def _under_16_of(living: QuerySet[Child], period: Period, event: Exists) -> Result:
    """Children with the event (dated while under 16) x 100,000 / the children under 16 at the end of the
    period, both of the children who lived in the scope during the period (one query)."""
    living_rows = Tally(living)
    counted = living_rows.matching(Q(event))
    under_16 = living_rows.matching(Q(date_of_birth__range=birth_date_bounds_for_age(0, 15, period.end)))
    return Result(counted, under_16, counted.records())


@calculator("11a")
def injuries(period: Period, scope: Scope) -> Result:
    """Children injured in the period while under 16 (each child once) x 100,000 / all children.

    The age that counts is the age at the injury: a 15-year-old injured in March who turns 16 in October is
    counted, though no longer under 16 at the end of the year.
    """
    injured = with_age(
        Injury.objects.filter(child=OuterRef("pk"), occurred_on__range=(period.start, period.end)),
        when="occurred_on",
        born="child__date_of_birth",
    ).filter(age__lt=16)
    return _under_16_of(living_during(scope.children(), period), period, Exists(injured))


@calculator("11b")
def injury_deaths(period: Period, scope: Scope) -> Result:
    """Children who died of an injury in the period, under 16 when they died, x 100,000 / all children."""
    died = with_age(
        Death.objects.filter(child=OuterRef("pk"), cause=Death.Cause.INJURY, died_on__range=(period.start, period.end)),
        when="died_on",
        born="child__date_of_birth",
    ).filter(age__lt=16)
    return _under_16_of(living_during(scope.children(), period), period, Exists(died))


@calculator("13")
def child_marriage_reduction(period: Period, scope: Scope) -> Result:
    """Child marriages this year against last year, as a percentage reduction (the target is 2-3% a year).

    Numerator: marriages in the period; denominator: marriages in the same period a year earlier.
    """
    marriages = ChildMarriage.objects.filter(scope.of_children("child"))
    this = Q(married_on__range=(period.start, period.end))
    # The same days a year earlier (a period's bounds may straddle two calendar years).
    last = Q(married_on__range=(_year_before(period.start), _year_before(period.end)))
    rows = Tally(marriages, scope_of=CHILD_FACT_ROWS)
    return Result(rows.matching(this), rows.matching(last), _children_of(marriages.filter(this)))


@calculator("16")
def kindergarten_at_five(period: Period, scope: Scope) -> Result:
    """Children aged 5 in the school year that ends in the period's year (5 on 31/12 of the year it began)
    enrolled in mẫu giáo that school year / those children (as 17a-18b, the school year ending in the year)."""
    school_year = _school_year(period)
    five = aged(living_during(scope.children(), period), 5, 5, date(school_year, 12, 31))
    enrolled = SchoolEnrolment.objects.filter(
        child=OuterRef("pk"), school_year=school_year, level=SchoolEnrolment.Level.KINDERGARTEN
    ).exclude(status=SchoolEnrolment.Status.DROPPED_OUT)
    return _with_school_records(_share(five, Q(Exists(enrolled))), five, school_year)


@calculator("20b")
def disabled_children_in_education(period: Period, scope: Scope) -> Result:
    """Children with a disability who need education and receive special or inclusive education or
    rehabilitation / children with a disability who need education (recorded by the end of the period)."""
    children = Tally(children_under_16(period, scope))
    needing = Disability.objects.filter(child=OuterRef("pk"), needs_education=True, identified_on__lte=period.end)
    helped = children.matching(Q(Exists(needing.filter(receives_education_support=True))))
    return Result(helped, children.matching(Q(Exists(needing))), helped.records())


@calculator("10")
def child_labour(period: Period, scope: Scope) -> Result:
    """Children aged 5-17 in child labour during the period (Bộ luật Lao động 2019) / children aged 5-17.

    Under 13: any work but art and sport; 13-14: hazardous work, or over 4 hours a day or 20 a week;
    15-17: hazardous work, or over 8 hours a day or 40 a week. Household chores and family farm work that
    harm neither schooling nor health never count.
    """
    on = period.end
    children = aged(living_during(scope.children(), period), 5, 17, on)
    work = ChildLabour.objects.filter(child=OuterRef("pk"), started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    work = work.exclude(
        kind__in=[ChildLabour.Kind.HOUSEHOLD_CHORES, ChildLabour.Kind.FAMILY_FARM], harms_school_or_health=False
    )
    under13_born = birth_date_bounds_for_age(5, 12, on)
    young_teen_born = birth_date_bounds_for_age(13, 14, on)
    beyond_light_work = Q(hazardous=True) | Q(hours_per_day__gt=4) | Q(hours_per_week__gt=20)
    counts = (
        Q(child__date_of_birth__range=under13_born) & ~Q(kind=ChildLabour.Kind.ART_SPORT)
        | Q(child__date_of_birth__range=young_teen_born) & beyond_light_work
        | Q(hazardous=True) | Q(hours_per_day__gt=8) | Q(hours_per_week__gt=40)
    )  # fmt: skip
    return _share(children, Q(Exists(work.filter(counts))))


def _assessed(period: Period, scope: Scope, flag: str) -> Result:
    """Completeness: the hamlets assessed that year (a hamlet not assessed is not counted as meeting it)."""
    hamlets = scope.hamlets()
    assessed = Tally(HamletAssessment.objects.filter(hamlet__in=hamlets, year=period.year), scope_of=HAMLET_FACT_ROWS)
    total = Tally(hamlets, scope_of=HAMLET_ROWS)
    return Result(assessed.matching(Q(**{flag: True})), total, None, covered=assessed, population=total)


@calculator("1")
def child_friendly_hamlets(period: Period, scope: Scope) -> Result:
    """Hamlets assessed as meeting the child-friendly standard in the year / all hamlets (76,9% = 10 of 13)."""
    return _assessed(period, scope, "child_friendly")


@calculator("21")
def hamlets_with_play_space(period: Period, scope: Scope) -> Result:
    """Hamlets with a cultural and play space for children in the year / all hamlets."""
    return _assessed(period, scope, "play_space")


@calculator("2")
def early_development_services(period: Period, scope: Scope) -> Result:
    """Children up to 8 reached by early-development services / children up to 8 (aged 0-8 at the end).

    The registry has no "comprehensive early-development service" record; reached means at least one of the
    services it does record, in the period: a growth measurement, a vaccine dose, or a place in nhà trẻ,
    mẫu giáo or tiểu học in a school year that runs in the period. An entered value replaces this proxy.
    """
    children = aged(living_during(scope.children(), period), 0, 8, period.end)
    days = (period.start, period.end)
    measured = GrowthMeasurement.objects.filter(child=OuterRef("pk"), measured_on__range=days)
    vaccinated = VaccinationDose.objects.filter(child=OuterRef("pk"), given_on__range=days)
    schooled = SchoolEnrolment.objects.filter(
        child=OuterRef("pk"),
        school_year__in=[period.year - 1, period.year],
        level__in=[SchoolEnrolment.Level.NURSERY, SchoolEnrolment.Level.KINDERGARTEN, SchoolEnrolment.Level.PRIMARY],
    )
    return _share(children, Q(Exists(measured)) | Q(Exists(vaccinated)) | Q(Exists(schooled)))


@calculator("9")
def abused_children(period: Period, scope: Scope) -> Result:
    """Distinct children with a confirmed abuse case (violence, sexual abuse, exploitation, trafficking,
    abandonment or neglect) received in the period / all children."""
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    cases = CaseRecord.objects.filter(CaseRecord.confirmed_abuse(start, end), child=OuterRef("pk"))
    return _share(children_under_16(period, scope), Q(Exists(cases)))


# --- growth (4a-4c) --------------------------------------------------------------------------------------


def _latest_measurements(period: Period, scope: Scope, z: str) -> QuerySet[GrowthMeasurement]:
    """Each child's latest valid measurement of the period taken before its fifth birthday, with that z-score.

    Valid: not flagged as implausible (WHO flags, GROWTH.md). A child who turns 5 during the year counts by
    the measurements taken before the birthday.
    """
    valid = GrowthMeasurement.objects.filter(
        measured_on__range=(period.start, period.end), flags="", **{f"{z}__isnull": False}
    )
    valid = with_age(valid, when="measured_on", born="child__date_of_birth").filter(age__lt=5)
    # The latest: no valid one of the same child after it (on the same day, a later entry). NOT EXISTS, which
    # the planner runs as one anti-join over the rows, not as a lookup per measurement.
    later = valid.filter(child=OuterRef("child")).filter(
        Q(measured_on__gt=OuterRef("measured_on")) | Q(measured_on=OuterRef("measured_on"), pk__gt=OuterRef("pk"))
    )
    return valid.filter(scope.of_children("child")).filter(~Exists(later))


def _growth(period: Period, scope: Scope, z: str, condition: Q) -> Result:
    """Completeness: the children under 5 at the end of the period with any measurement in it."""
    latest = Tally(_latest_measurements(period, scope, z), scope_of=CHILD_FACT_ROWS)
    counted = latest.matching(condition)
    under5 = Tally(aged(living_during(scope.children(), period), 0, 4, period.end))
    measured = GrowthMeasurement.objects.filter(child=OuterRef("pk"), measured_on__range=(period.start, period.end))
    return Result(
        counted,
        latest,
        _children_of(counted.records()),
        covered=under5.matching(Q(Exists(measured))),
        population=under5,
    )


@calculator("4a")
def underweight(period: Period, scope: Scope) -> Result:
    """Under-5 underweight (weight-for-age < -2 SD) / under-5 children weighed, by each one's latest weighing."""
    return _growth(period, scope, "waz", Q(waz__lt=-2))


@calculator("4b")
def stunting(period: Period, scope: Scope) -> Result:
    """Under-5 stunting (height-for-age < -2 SD) / under-5 children measured."""
    return _growth(period, scope, "haz", Q(haz__lt=-2))


@calculator("4c")
def overweight_obesity(period: Period, scope: Scope) -> Result:
    """Under-5 overweight and obesity together (weight-for-height > +2 SD, "thừa cân - béo phì")."""
    return _growth(period, scope, "whz", Q(whz__gt=2))


# --- vaccination (5a-5b) ----------------------------------------------------------------------------------


@calculator("5a")
def fully_vaccinated_under_1(period: Period, scope: Scope) -> Result:
    """Children who turned 1 in the period, fully vaccinated with the 8 vaccines before their first birthday
    (BCG, 3 DPT-VGB-Hib, 3 polio with IPV standing in for OPV, measles; fixtures/vaccine_schedule.json) /
    children who turned 1 in the period."""
    schedule = load_schedule()
    start, end = _year_before(period.start), _year_before(period.end)
    turned_one = living_during(scope.children(), period).filter(date_of_birth__range=(start, end))
    # Only children who reached their first birthday here: not gone before it, not arrived after it.
    turned_one = with_age(turned_one, when="status_date", born="date_of_birth", name="age_gone")
    turned_one = with_age(turned_one, when="moved_in_on", born="date_of_birth", name="age_arrived")
    turned_one = turned_one.exclude(
        status__in=[Child.Status.DECEASED, Child.Status.MOVED_AWAY], age_gone__lt=1
    ).exclude(moved_in_on__isnull=False, age_arrived__gte=1)
    return _with_vaccination_records(_share(turned_one, Q(_fully_vaccinated_before_one(schedule))))


def _fully_vaccinated_before_one(schedule) -> Exists:
    """The child's doses given before its first birthday, counted per vaccine in one grouped subquery (distinct
    dose numbers, a stand-in's added to the vaccine it stands in for), kept only when every basic vaccine has its
    number: one correlated lookup per child instead of one per vaccine."""
    vaccine_ids = dict(Vaccine.objects.values_list("code", "pk"))
    doses = VaccinationDose.objects.filter(child=OuterRef("pk"))
    doses = with_age(doses, when="given_on", born="child__date_of_birth").filter(age__lt=1)
    counts, complete = {}, Q()
    for vaccine in schedule.basic_vaccines:
        codes = [vaccine.code, *(v.code for v in schedule.stand_ins(vaccine.code))]
        total = None
        for code in codes:
            # By id (no join); a vaccine missing from the reference data has no dose (and the join finds none).
            of = Q(vaccine_id=vaccine_ids[code]) if code in vaccine_ids else Q(vaccine__code=code)
            given = Count("dose_number", distinct=True, filter=of)
            total = given if total is None else total + given
        counts[f"basic_{vaccine.code}"] = total
        complete &= Q(**{f"basic_{vaccine.code}__gte": vaccine.basic_under_1_doses})
    return Exists(doses.order_by().values("child").annotate(**counts).filter(complete))


def _with_vaccination_records(result: Result) -> Result:
    """Completeness of a vaccination metric: the share of its population (the denominator's children) with
    any dose recorded."""
    recorded = VaccinationDose.objects.filter(child=OuterRef("pk"))
    result.covered, result.population = result.denominator.matching(Q(Exists(recorded))), result.denominator
    return result


@calculator("5b")
def fully_vaccinated_under_5(period: Period, scope: Scope) -> Result:
    """Children under 5 at the end of the period who had, by then, every dose of the schedule whose latest age
    they had passed / children under 5.

    One correlated count per child: the doses it has among those overdue for its birth date, against how
    many are overdue for it (both depend only on the birth date), instead of one subquery per dose.
    """
    end = period.end
    under5 = aged(living_during(scope.children(), period), 0, 4, end)
    vaccine_ids = dict(Vaccine.objects.values_list("code", "pk"))
    overdue_for_outer = Q(pk__in=[])
    required = Value(0)
    for vaccine in load_schedule().vaccines:
        if vaccine.code not in vaccine_ids:
            continue
        for dose in vaccine.doses:
            # Born before this date, a child is past the dose's latest age at the end of the period.
            born_before = end - timedelta(days=dose.latest_age_days)
            applies = Q(date_of_birth__lt=born_before)
            # The same test on the outer child's birth date (no join back to the child from its doses).
            outer = Q(LessThan(OuterRef("date_of_birth"), born_before))
            if vaccine.applies_to_births_from:
                applies &= Q(date_of_birth__gte=vaccine.applies_to_births_from)
                outer &= Q(GreaterThanOrEqual(OuterRef("date_of_birth"), vaccine.applies_to_births_from))
            required = required + Case(When(applies, then=Value(1)), default=Value(0))
            overdue_for_outer |= Q(vaccine_id=vaccine_ids[vaccine.code], dose_number=dose.number) & outer
    given = (
        VaccinationDose.objects.filter(child=OuterRef("pk"), given_on__lte=end)
        .filter(overdue_for_outer)
        .order_by()
        .values("child")
        .annotate(n=Count("*"))
        .values("n")
    )
    annotated = under5.annotate(required=required, given=Coalesce(Subquery(given, output_field=IntegerField()), 0))
    return _with_vaccination_records(_share(annotated, Q(given__gte=F("required"))))


# --- schooling (17a-18b) ----------------------------------------------------------------------------------


def _school_year(period: Period) -> int:
    """The school year that ends in the period's year (2024-2025 for 2025)."""
    return period.year - 1


# The usual ages of a level (completed years on 31/12 of the year the school year begins): primary is
# grades 1-5 from 6, lower secondary grades 6-9 from 11 (Luật Giáo dục 2019, Điều 28).
LEVEL_AGES = {SchoolEnrolment.Level.PRIMARY: (6, 10), SchoolEnrolment.Level.LOWER_SECONDARY: (11, 14)}


def _with_school_records(result: Result, population: QuerySet[Child], school_year: int) -> Result:
    """Completeness of a schooling metric: the share of the children of its age with any enrolment recorded
    for the school year (at any school or level)."""
    recorded = SchoolEnrolment.objects.filter(child=OuterRef("pk"), school_year=school_year)
    if isinstance(result.denominator, Tally) and result.denominator.rows is population:
        children = result.denominator
    else:
        children = Tally(population)
    result.covered, result.population = children.matching(Q(Exists(recorded))), children
    return result


def _of_level_age(period: Period, scope: Scope, level: str) -> QuerySet[Child]:
    youngest, oldest = LEVEL_AGES[level]
    school_year = _school_year(period)
    return aged(living_during(scope.children(), period), youngest, oldest, date(school_year, 12, 31))


def _enrolments(scope: Scope, level: str, years: list[int]) -> Tally:
    rows = SchoolEnrolment.objects.filter(scope.of_children("child"), level=level, school_year__in=years)
    return Tally(rows, scope_of=CHILD_FACT_ROWS)


def _completion(period: Period, scope: Scope, level: str, last_grade: int, first_grade: int) -> Result:
    year = _school_year(period)
    began = year - (last_grade - first_grade)
    enrolments = _enrolments(scope, level, [year, began])
    done = enrolments.matching(Q(school_year=year, grade=last_grade, status=SchoolEnrolment.Status.COMPLETED))
    started = enrolments.matching(Q(school_year=began, grade=first_grade))
    result = Result(done, started, _children_of(done.records()))
    return _with_school_records(result, _of_level_age(period, scope, level), year)


def _dropout(period: Period, scope: Scope, level: str) -> Result:
    year = _school_year(period)
    enrolled = _enrolments(scope, level, [year])
    dropped = enrolled.matching(Q(status=SchoolEnrolment.Status.DROPPED_OUT))
    result = Result(dropped, enrolled, _children_of(dropped.records()))
    return _with_school_records(result, _of_level_age(period, scope, level), year)


@calculator("17a")
def primary_completion(period: Period, scope: Scope) -> Result:
    """Pupils completing grade 5 in school year t / grade-1 pupils of school year t-4."""
    return _completion(period, scope, SchoolEnrolment.Level.PRIMARY, 5, 1)


@calculator("17b")
def primary_dropout(period: Period, scope: Scope) -> Result:
    """Primary pupils who dropped out during school year t / primary pupils enrolled in it."""
    return _dropout(period, scope, SchoolEnrolment.Level.PRIMARY)


@calculator("18a")
def lower_secondary_completion(period: Period, scope: Scope) -> Result:
    """Pupils graduating from grade 9 in school year t / grade-6 pupils of school year t-3."""
    return _completion(period, scope, SchoolEnrolment.Level.LOWER_SECONDARY, 9, 6)


@calculator("18b")
def lower_secondary_dropout(period: Period, scope: Scope) -> Result:
    """Lower-secondary pupils who dropped out during school year t / those enrolled in it."""
    return _dropout(period, scope, SchoolEnrolment.Level.LOWER_SECONDARY)


FACTORS = {
    "percent": Decimal(100),
    "per_1000_live_births": Decimal(1000),
    "per_100000_children": Decimal(100000),
    "percent_yearly_reduction": Decimal(100),
}


def value_of(result: Result, unit: str) -> Decimal | None:
    """The metric's value: numerator / denominator x the unit's factor, or for a yearly reduction (13) the
    fall from the denominator (last year) to the numerator (this year) in percent; no data (None) for a zero
    denominator."""
    if not result.denominator or result.numerator is None:
        return None
    if unit == "percent_yearly_reduction":
        fall = Decimal(result.denominator) - Decimal(result.numerator)
        return (fall * FACTORS[unit] / Decimal(result.denominator)).quantize(Decimal("0.001"))
    return (Decimal(result.numerator) * FACTORS[unit] / Decimal(result.denominator)).quantize(Decimal("0.001"))


__all__ = ["CALCULATORS", "Communes", "Period", "Result", "Scope", "Tally", "calculate_scopes", "value_of"]
