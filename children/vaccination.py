"""Vaccination rules of the expanded immunisation programme (Tiêm chủng mở rộng), as pure functions.

The vaccines and their ages are data (fixtures/vaccine_schedule.json, Thông tư 10/2024/TT-BYT); this module only
reads them. No models and no database: callers map their rows to ``Dose`` values.

Rules applied:

- Ages are whole days since birth (``(on - date_of_birth).days``); the day of birth is age 0.
- A dose is identified by (vaccine code, dose number); the same pair recorded twice counts once. Doses of vaccines
  not in the schedule (e.g. service vaccines) and dose numbers beyond the schedule are ignored. A dose given before
  the date of birth is invalid input (ValueError, Vietnamese message); so is a dose number below 1.
- A vaccine with ``applies_to_births_from`` (a vaccine rolled out recently, e.g. rotavirus) is only required of
  children born on or after that date.
- The 8-vaccine rule (indicator 5a, basic_under_1_complete): every vaccine with ``in_basic_under_1`` needs its
  doses 1..``basic_under_1_doses`` given before the first birthday (given_on < first birthday; a dose on the day of
  birth counts). A vaccine with ``stands_in_for`` (IPV for OPV) adds each of its doses given before the first
  birthday to the count of the vaccine it stands in for, one for one: OPV 1 + OPV 2 + IPV 1 is complete polio, and
  so is OPV 1 + IPV 1 + IPV 2. Only the count matters, not which OPV dose number is missing.
- Full vaccination for age (indicator 5b, fully_vaccinated_for_age): every dose whose ``latest_age_days`` has
  passed on ``on`` (age in days > latest_age_days) was given on or before ``on``. A dose still inside its window,
  or not yet due, does not count against the child. Stand-ins do not apply here: each vaccine is on its own
  schedule. How early or late a given dose was is not checked.
- A child born on 29/02 has the first birthday on 01/03 in a non-leap year.
"""

import functools
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_SCHEDULE_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "vaccine_schedule.json"


@dataclass(frozen=True)
class Dose:
    """One dose given to a child, as recorded in the immunisation register."""

    vaccine: str  # code, e.g. "dpt_vgb_hib"
    number: int  # 1, 2, 3 ...
    given_on: date


@dataclass(frozen=True)
class ScheduledDose:
    number: int
    due_age_days: int  # the age (days) from which the dose is given
    latest_age_days: int  # the last age (days) at which it is on time; overdue from the next day
    note: str = ""


@dataclass(frozen=True)
class Vaccine:
    code: str
    name: str
    diseases: tuple[str, ...]
    doses: tuple[ScheduledDose, ...]
    in_basic_under_1: bool
    basic_under_1_doses: int
    stands_in_for: str | None = None
    applies_to_births_from: date | None = None
    note: str = ""
    name_en: str = ""  # the English interface's name; the Vietnamese one when empty

    def applies_to(self, date_of_birth: date) -> bool:
        return self.applies_to_births_from is None or date_of_birth >= self.applies_to_births_from


@dataclass(frozen=True)
class Schedule:
    source: str
    version: int
    vaccines: tuple[Vaccine, ...]

    def vaccine(self, code: str) -> Vaccine:
        for vaccine in self.vaccines:
            if vaccine.code == code:
                return vaccine
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.vaccines)

    @property
    def basic_vaccines(self) -> tuple[Vaccine, ...]:
        """The vaccines of the 8-vaccine rule, in schedule order."""
        return tuple(v for v in self.vaccines if v.in_basic_under_1)

    def stand_ins(self, code: str) -> tuple[Vaccine, ...]:
        return tuple(v for v in self.vaccines if v.stands_in_for == code)


# ---------------------------------------------------------------------------------------------------------------
# Loading and validating the schedule file


def load_schedule(path: Path | None = None) -> Schedule:
    """The schedule in a JSON file; without a path, the shipped fixtures/vaccine_schedule.json (read once)."""
    if path is None:
        return _default_schedule()
    return _read_schedule(Path(path))


@functools.cache
def _default_schedule() -> Schedule:
    return _read_schedule(DEFAULT_SCHEDULE_PATH)


def _read_schedule(path: Path) -> Schedule:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name}: not valid JSON: {exc}") from exc
    return parse_schedule(data, origin=path.name)


_TOP_KEYS = ({"source", "version", "vaccines"}, set())
_VACCINE_KEYS = (
    {"code", "name", "diseases", "doses", "in_basic_under_1", "basic_under_1_doses"},
    {"note", "stands_in_for", "applies_to_births_from", "name_en"},
)
_DOSE_KEYS = ({"number", "due_age_days", "latest_age_days"}, {"note"})
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIRST_BIRTHDAY_DAYS = 365  # a basic dose due at this age or later could never be given before the first birthday


def parse_schedule(data: Any, origin: str = "schedule") -> Schedule:
    """Validate the decoded JSON of a schedule and build it; ValueError names the place of the first problem."""
    _check_keys(data, origin, _TOP_KEYS)
    source = _text(data["source"], f"{origin}: source")
    version = _integer(data["version"], f"{origin}: version", minimum=1)
    items = data["vaccines"]
    if not isinstance(items, list) or not items:
        raise ValueError(f"{origin}: vaccines must be a non-empty list")

    vaccines: list[Vaccine] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        vaccine = _parse_vaccine(item, f"{origin}: vaccines[{index}]")
        if vaccine.code in seen:
            raise ValueError(f"{origin}: vaccines[{index}]: duplicate vaccine code {vaccine.code!r}")
        seen.add(vaccine.code)
        vaccines.append(vaccine)

    by_code = {v.code: v for v in vaccines}
    for index, vaccine in enumerate(vaccines):
        target = vaccine.stands_in_for
        if target is None:
            continue
        where = f"{origin}: vaccines[{index}] ({vaccine.code})"
        if target == vaccine.code:
            raise ValueError(f"{where}: stands_in_for cannot name the vaccine itself")
        if target not in by_code:
            raise ValueError(f"{where}: stands_in_for names unknown vaccine {target!r}")
        if not by_code[target].in_basic_under_1:
            raise ValueError(f"{where}: stands_in_for {target!r}, which is not in the basic under-1 rule")
    return Schedule(source=source, version=version, vaccines=tuple(vaccines))


def _parse_vaccine(item: Any, where: str) -> Vaccine:
    if isinstance(item, dict) and isinstance(item.get("code"), str):
        where = f"{where} ({item['code']})"
    _check_keys(item, where, _VACCINE_KEYS)
    code = item["code"]
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise ValueError(f"{where}: code must be lower-case letters, digits and _, got {code!r}")
    name = _text(item["name"], f"{where}: name")
    name_en = _text(item["name_en"], f"{where}: name_en") if "name_en" in item else ""

    diseases = item["diseases"]
    if not isinstance(diseases, list) or not diseases:
        raise ValueError(f"{where}: diseases must be a non-empty list")
    for disease in diseases:
        _text(disease, f"{where}: diseases")
    if len(set(diseases)) != len(diseases):
        raise ValueError(f"{where}: diseases lists a disease twice")

    raw_doses = item["doses"]
    if not isinstance(raw_doses, list) or not raw_doses:
        raise ValueError(f"{where}: doses must be a non-empty list")
    doses = tuple(_parse_dose(raw, f"{where}: doses[{i}]") for i, raw in enumerate(raw_doses))
    numbers = [d.number for d in doses]
    if numbers != list(range(1, len(doses) + 1)):
        raise ValueError(f"{where}: dose numbers must be 1..{len(doses)} in order, got {numbers}")
    for earlier, later in itertools.pairwise(doses):
        if later.due_age_days < earlier.due_age_days:
            raise ValueError(f"{where}: dose {later.number} is due before dose {earlier.number}")

    in_basic = item["in_basic_under_1"]
    if not isinstance(in_basic, bool):
        raise ValueError(f"{where}: in_basic_under_1 must be true or false, got {in_basic!r}")
    basic_doses = _integer(item["basic_under_1_doses"], f"{where}: basic_under_1_doses", minimum=0)
    if in_basic:
        if not 1 <= basic_doses <= len(doses):
            raise ValueError(f"{where}: basic_under_1_doses must be 1..{len(doses)}, got {basic_doses}")
        late = [d.number for d in doses[:basic_doses] if d.due_age_days >= _FIRST_BIRTHDAY_DAYS]
        if late:
            raise ValueError(f"{where}: basic dose(s) {late} are due at {_FIRST_BIRTHDAY_DAYS} days or later")
    elif basic_doses != 0:
        raise ValueError(f"{where}: basic_under_1_doses must be 0 when in_basic_under_1 is false")

    stands_in_for = item.get("stands_in_for")
    if stands_in_for is not None and not isinstance(stands_in_for, str):
        raise ValueError(f"{where}: stands_in_for must be a vaccine code, got {stands_in_for!r}")

    applies_from = item.get("applies_to_births_from")
    if applies_from is not None:
        try:
            applies_from = date.fromisoformat(applies_from)
        except (TypeError, ValueError):
            raise ValueError(
                f"{where}: applies_to_births_from must be a date YYYY-MM-DD or null, got {applies_from!r}"
            ) from None

    note = item.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"{where}: note must be text")
    return Vaccine(
        code=code,
        name=name,
        diseases=tuple(diseases),
        doses=doses,
        in_basic_under_1=in_basic,
        basic_under_1_doses=basic_doses,
        stands_in_for=stands_in_for,
        applies_to_births_from=applies_from,
        note=note,
        name_en=name_en,
    )


def _parse_dose(raw: Any, where: str) -> ScheduledDose:
    _check_keys(raw, where, _DOSE_KEYS)
    number = _integer(raw["number"], f"{where}: number", minimum=1)
    due = _integer(raw["due_age_days"], f"{where}: due_age_days", minimum=0)
    latest = _integer(raw["latest_age_days"], f"{where}: latest_age_days", minimum=0)
    if due > latest:
        raise ValueError(f"{where}: due_age_days ({due}) is after latest_age_days ({latest})")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"{where}: note must be text")
    return ScheduledDose(number=number, due_age_days=due, latest_age_days=latest, note=note)


def _check_keys(obj: Any, where: str, keys: tuple[set[str], set[str]]) -> None:
    required, optional = keys
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - required - optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {allowed})")
    missing = sorted(required - set(obj))
    if missing:
        raise ValueError(f"{where}: missing key(s) {', '.join(missing)}")


def _integer(value: Any, where: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{where} must be a whole number >= {minimum}, got {value!r}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be non-empty text, got {value!r}")
    return value


# ---------------------------------------------------------------------------------------------------------------
# Rules


def first_birthday(date_of_birth: date) -> date:
    """The first birthday; a child born on 29/02 turns 1 on 01/03 when the next year has no 29/02."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + 1)
    except ValueError:
        return date(date_of_birth.year + 1, 3, 1)


def basic_under_1_complete(doses: Iterable[Dose], date_of_birth: date, schedule: Schedule | None = None) -> bool:
    """The 8-vaccine rule (indicator 5a): BCG, DPT-VGB-Hib x 3, polio x 3, measles, all before the first birthday.

    Which vaccines and how many doses come from the schedule (``in_basic_under_1``, ``basic_under_1_doses``);
    IPV doses stand in for missing OPV doses one for one (``stands_in_for``). See the module docstring.
    """
    schedule = load_schedule() if schedule is None else schedule
    birthday = first_birthday(date_of_birth)
    given = _given(doses, date_of_birth, schedule, before=birthday)
    for vaccine in schedule.basic_vaccines:
        if not vaccine.applies_to(date_of_birth):
            continue
        needed = vaccine.basic_under_1_doses
        count = sum(1 for n in range(1, needed + 1) if (vaccine.code, n) in given)
        for stand_in in schedule.stand_ins(vaccine.code):
            count += sum(1 for d in stand_in.doses if (stand_in.code, d.number) in given)
        if count < needed:
            return False
    return True


def fully_vaccinated_for_age(
    doses: Iterable[Dose], date_of_birth: date, on: date, schedule: Schedule | None = None
) -> bool:
    """Indicator 5b: every dose overdue on ``on`` (age past its latest_age_days) was given on or before ``on``."""
    return not missing_doses(doses, date_of_birth, on, schedule)


def missing_doses(
    doses: Iterable[Dose], date_of_birth: date, on: date, schedule: Schedule | None = None
) -> list[tuple[str, int]]:
    """(vaccine code, dose number) of the doses overdue on ``on`` and not given by then, in schedule order."""
    schedule = load_schedule() if schedule is None else schedule
    age = _age_days(date_of_birth, on)
    given = _given(doses, date_of_birth, schedule, before=None, on_or_before=on)
    return [
        (vaccine.code, dose.number)
        for vaccine in schedule.vaccines
        if vaccine.applies_to(date_of_birth)
        for dose in vaccine.doses
        if age > dose.latest_age_days and (vaccine.code, dose.number) not in given
    ]


def due_doses(date_of_birth: date, on: date, schedule: Schedule | None = None) -> list[tuple[str, int]]:
    """(vaccine code, dose number) of the doses whose due age is reached on ``on``, given or not, in schedule order."""
    schedule = load_schedule() if schedule is None else schedule
    age = _age_days(date_of_birth, on)
    return [
        (vaccine.code, dose.number)
        for vaccine in schedule.vaccines
        if vaccine.applies_to(date_of_birth)
        for dose in vaccine.doses
        if age >= dose.due_age_days
    ]


def _age_days(date_of_birth: date, on: date) -> int:
    if on < date_of_birth:
        raise ValueError(
            f"Ngày xét {on:%d/%m/%Y} trước ngày sinh {date_of_birth:%d/%m/%Y}: không tính được lịch tiêm chủng."
        )
    return (on - date_of_birth).days


def _given(
    doses: Iterable[Dose],
    date_of_birth: date,
    schedule: Schedule,
    before: date | None = None,
    on_or_before: date | None = None,
) -> set[tuple[str, int]]:
    """The (code, number) pairs given within the bounds; every dose is checked, whatever the bounds."""
    known = {v.code: len(v.doses) for v in schedule.vaccines}
    given: set[tuple[str, int]] = set()
    for dose in doses:
        if dose.number < 1:
            raise ValueError(f"Mũi tiêm {dose.vaccine} số {dose.number} không hợp lệ: số mũi phải từ 1 trở lên.")
        if dose.given_on < date_of_birth:
            raise ValueError(
                f"Mũi {dose.number} vắc xin {dose.vaccine} ghi ngày tiêm {dose.given_on:%d/%m/%Y}, "
                f"trước ngày sinh {date_of_birth:%d/%m/%Y}: ngày tiêm không hợp lệ."
            )
        if dose.number > known.get(dose.vaccine, 0):
            continue  # not in the schedule
        if before is not None and dose.given_on >= before:
            continue
        if on_or_before is not None and dose.given_on > on_or_before:
            continue
        given.add((dose.vaccine, dose.number))
    return given
