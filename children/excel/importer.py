"""Importing a registry spreadsheet: every row checked first, then all of it in one transaction, or nothing.

A row is a child and its household. A row that matches a child already in the registry (same personal ID,
or same household, name and birth date) updates that child; two rows for the same child in one file are
reported, not imported twice. Lookups are loaded once per file and rows are written in bulk, so the cost
is a few queries per thousand rows, not per row.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from children import rules
from children.ethnicities import DEFAULT as DEFAULT_ETHNICITY
from children.excel import bulk
from children.excel.columns import COLUMNS, SAMPLE, header_key
from children.excel.reader import SpreadsheetError, column_header, open_sheet
from children.models import BirthRegistration, Child, CircumstanceMembership, Household, SpecialCircumstanceGroup
from children.services import child_name_fields, household_name_fields
from children.signals import registry_changed
from tanloi_portal.history import record_creations
from tanloi_portal.models import Commune
from tanloi_portal.text import fold

BATCH = 2000
# New children written (and their progress reported) this many at a time.
CHILD_BATCH = 10_000
PREVIEW_KINDS = ("household_new", "household_changed", "child_new", "child_changed")
SAME, POSSIBLE = rules.Sameness.SAME, rules.Sameness.POSSIBLE
# A new child's values, kept as a tuple until its batch is written (a dict per row costs more memory).
NEW_CHILD_FIELDS = (
    "full_name",
    "name_search",
    "name_sort_key",
    "sex",
    "date_of_birth",
    "ethnicity",
    "personal_id",
    "notes",
)
MAX_LENGTHS = {"household_code": 30, "head_name": 120, "full_name": 120}
REQUIRED = ("household_code", "head_name", "hamlet", "full_name", "date_of_birth", "sex")
CHILD_FIELDS = ("household_id", "full_name", "name_search", "name_sort_key", "sex", "date_of_birth", "ethnicity")
_YES = {"co", "x", "yes", "1", "true", "đa dang ky", "da dang ky", "roi"}
_NO = {"khong", "no", "0", "false", "chua"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass(slots=True)
class Row:
    number: int
    household_code: str
    head_name: str
    hamlet_id: int
    full_name: str
    date_of_birth: date
    sex: str
    ethnicity: str | None
    personal_id: str | None
    birth_registered: bool | None
    registered_on: date | None
    groups: tuple[int, ...]
    notes: str | None


@dataclass
class ImportResult:
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    households_new: int = 0
    errors: list[RowError] = field(default_factory=list)
    # What the officer should look at before confirming, which does not stop the import (a possible duplicate).
    warnings: list[RowError] = field(default_factory=list)
    # What the import would create or change, row by row: (row, kind, household code, name, born, changes);
    # kinds are PREVIEW_KINDS. Households come before their children.
    preview: list[tuple] = field(default_factory=list)
    committed: bool = False

    @property
    def invalid_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", str(value).strip())
    if not match:
        raise ValueError(_("không phải ngày dạng dd/mm/yyyy"))
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueError(_("ngày không tồn tại")) from error


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _note(value) -> str:
    """Free text keeps its line breaks (Alt+Enter in Excel, or typed on the child page)."""
    return str(value).replace("\r\n", "\n").strip()


def _memo_key(value):
    """A cell value as a key of the parser's memos: 1, 1.0 and True are equal keys of a dict, not one cell."""
    return value if type(value) is str else (type(value), value)


class _Parser:
    """Checks one row's cells and turns them into a Row, collecting every problem with its column.

    A file repeats the same few spellings down a column (the hamlets, "Nữ", "Kinh", "Có"): what a spelling
    means, or what is wrong with it, is worked out once per distinct cell value and remembered for the file."""

    def __init__(self, hamlets: dict[str, int], today: date):
        self.hamlets, self.today = hamlets, today
        self._hamlet: dict = {}
        self._sex: dict = {}
        self._answer: dict = {}
        self._ethnicity: dict = {}
        self._groups: dict = {}

    def _hamlet_of(self, value) -> int | None:
        try:
            return self._hamlet[_memo_key(value)]
        except KeyError:
            found = self._hamlet[_memo_key(value)] = self.hamlets.get(header_key(value))
            return found

    def _sex_of(self, value) -> str | None:
        try:
            return self._sex[_memo_key(value)]
        except KeyError:
            found = self._sex[_memo_key(value)] = {"nam": "M", "nu": "F"}.get(fold(_text(value)))
            return found

    def _answer_of(self, value) -> bool | None:
        try:
            return self._answer[_memo_key(value)]
        except KeyError:
            answer = fold(_text(value))
            found = self._answer[_memo_key(value)] = True if answer in _YES else False if answer in _NO else None
            return found

    def _ethnicity_of(self, value) -> tuple[str | None, list[str]]:
        """(official name, []) or (None, the rule's messages)."""
        try:
            return self._ethnicity[_memo_key(value)]
        except KeyError:
            try:
                found = (rules.ethnicity(_text(value)), [])
            except ValidationError as error:
                found = (None, error.messages)
            self._ethnicity[_memo_key(value)] = found
            return found

    def _groups_of(self, value) -> tuple[int, ...] | None:
        """The group numbers written, or None when one of them is no group's number."""
        try:
            return self._groups[_memo_key(value)]
        except KeyError:
            parts = [p for p in re.split(r"[,;\s]+", _text(value)) if p]
            found = None
            if all(p.isdigit() and 1 <= int(p) <= 14 for p in parts):
                found = tuple(sorted({int(p) for p in parts}))
            self._groups[_memo_key(value)] = found
            return found

    def parse(self, number: int, cells: dict) -> tuple[Row | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(key: str, message: str) -> None:
            errors.append(RowError(number, column_header(key), message))

        def check(key: str, rule, *args, **kwargs):
            """A registry rule (children.rules), its messages on this row's column."""
            try:
                return rule(*args, **kwargs)
            except ValidationError as error:
                for message in error.messages:
                    fail(key, message)
                return None

        get = cells.get
        for key in REQUIRED:
            if get(key) is None:
                fail(key, _("bắt buộc, đang để trống"))
        code_cell, head_cell, name_cell = get("household_code"), get("head_name"), get("full_name")
        if isinstance(code_cell, int | float):
            # Excel turned a typed code into a number and dropped its leading zeros (0100 -> 100).
            fail("household_code", _("ô là số, có thể đã mất số 0 ở đầu: định dạng cột Mã hộ là Văn bản rồi gõ lại"))
        code = _text(code_cell) if code_cell is not None else ""
        head = _text(head_cell) if head_cell is not None else ""
        name = _text(name_cell) if name_cell is not None else ""
        for key, text in (("household_code", code), ("head_name", head), ("full_name", name)):
            if len(text) > MAX_LENGTHS[key]:
                fail(key, _("dài quá %(n)s ký tự") % {"n": MAX_LENGTHS[key]})
        hamlet_id = None
        if (hamlet := get("hamlet")) is not None:
            hamlet_id = self._hamlet_of(hamlet)
            if hamlet_id is None:
                fail("hamlet", _("không có ấp/sóc “%(v)s” trong xã") % {"v": hamlet})
        if name:
            name = check("full_name", rules.full_name, name) or name
        born = None
        if (born_cell := get("date_of_birth")) is not None:
            try:
                born = _date(born_cell)
            except ValueError as error:
                fail("date_of_birth", str(error))
            else:
                check("date_of_birth", rules.birth_date, born, today=self.today)
        sex = None
        if (sex_cell := get("sex")) is not None:
            sex = self._sex_of(sex_cell)
            if sex is None:
                fail("sex", _("ghi Nam hoặc Nữ"))
        ethnicity = None  # blank: Kinh for a new child, unchanged for one already registered
        if (ethnicity_cell := get("ethnicity")) is not None:
            ethnicity, messages = self._ethnicity_of(ethnicity_cell)
            for message in messages:
                fail("ethnicity", message)
        personal_id = None
        if (raw := get("personal_id")) is not None:
            # A number cell loses its leading zeros (079... becomes 79...): put them back.
            personal_id = str(int(raw)).zfill(12) if isinstance(raw, int | float) else _text(raw).replace(" ", "")
            check("personal_id", rules.personal_id, personal_id, sex=sex, date_of_birth=born)
        registered = None
        if (answer := get("birth_registered")) is not None:
            registered = self._answer_of(answer)
            if registered is None:
                fail("birth_registered", _("ghi Có hoặc Không"))
        registered_on = None
        if (registered_cell := get("registered_on")) is not None:
            try:
                registered_on = _date(registered_cell)
            except ValueError as error:
                fail("registered_on", str(error))
            else:
                if registered is False:
                    fail("registered_on", _("có ngày đăng ký nhưng cột đăng ký khai sinh ghi Không"))
                elif registered_on > self.today or (born and registered_on < born):
                    fail("registered_on", _("phải sau ngày sinh và không ở tương lai"))
                registered = True
        groups: tuple[int, ...] = ()
        if (groups_cell := get("groups")) is not None:
            found = self._groups_of(groups_cell)
            if found is None:
                fail("groups", _("ghi số nhóm từ 1 đến 14, cách nhau bằng dấu phẩy"))
            else:
                groups = found
        if errors:
            if born is not None and not any(e.column == column_header("date_of_birth") for e in errors):
                # Every problem at once: a row that cannot be matched yet is taken for a new child.
                check("date_of_birth", rules.registrable_age, born, today=self.today)
            return None, errors
        notes = get("notes")
        return (
            Row(
                number=number,
                household_code=code,
                head_name=head,
                hamlet_id=hamlet_id,
                full_name=name,
                date_of_birth=born,
                sex=sex,
                ethnicity=ethnicity,
                personal_id=personal_id,
                birth_registered=registered,
                registered_on=registered_on,
                groups=groups,
                notes=_note(notes) if notes is not None else None,
            ),
            [],
        )


def is_template_sample(cells: dict) -> bool:
    """Whether a row is the template's example (columns.SAMPLE), cell for cell: never a child to import."""
    for column in COLUMNS:
        value, sample = cells.get(column.key), SAMPLE.get(column.key)
        if value is None or sample is None:
            if value is not sample:
                return False
        elif isinstance(sample, date):
            try:
                if _date(value) != sample:
                    return False
            except ValueError:
                return False
        elif _text(value) != sample:
            return False
    return True


def _chunks(items: list, size: int = 900):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_registry(
    path,
    *,
    commune: Commune,
    by,
    commit: bool,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check every row of the file; with commit=True and no invalid row, write them all in one transaction.

    `on_written(result)` is called inside that transaction once every row is written: what it writes commits
    with the rows, and what it raises undoes them all (the job runner records the job's end there).
    Raises SpreadsheetError when the file itself cannot be read.
    """
    today = today or timezone.localdate()
    result = ImportResult()
    hamlets = {}
    for pk, code, name in commune.hamlets.values_list("pk", "code", "name"):
        hamlets[header_key(code)] = hamlets[header_key(name)] = pk
    sheet = open_sheet(path)
    parser = _Parser(hamlets, today)
    rows: list[Row] = []
    try:
        for read, (number, cells) in enumerate(sheet.rows, start=1):
            if is_template_sample(cells):
                note = _("Dòng ví dụ của tệp mẫu: bỏ qua, không nhập.")
                result.warnings.append(RowError(number, column_header("full_name"), note))
                continue
            row, errors = parser.parse(number, cells)
            result.errors.extend(errors)
            if row:
                rows.append(row)
            if progress and read % BATCH == 0:
                progress(read, 0)  # the total is known only at the end of the file
    finally:
        sheet.close()
    result.rows = len(rows) + result.invalid_rows
    plan = _match(rows, commune, result, today=today)
    del rows  # the plan keeps what it needs; the parsed rows would double the peak memory of a large file
    if progress:
        progress(0, result.rows)
    if commit and result.ok:
        with transaction.atomic():
            _write(plan, commune=commune, by=by, today=today, progress=progress, total=result.rows)
            result.committed = True
            # Bulk writes send no model signal: say the commune's records changed (every hamlet, every
            # year), so that its figures are recomputed once the rows commit.
            registry_changed.send(sender=ImportResult, commune=commune, hamlets=None, first_year=None)
            if on_written:
                on_written(result)
    return result


@dataclass(slots=True)
class _NewHousehold:
    """A household the file brings, as plain values until it is written (then its pk is known)."""

    code: str
    hamlet_id: int
    head_name: str
    head_name_search: str
    pk: int | None = None


@dataclass
class _Plan:
    """What to write, as plain values (no model object for a new record: 50,000 rows never become 50,000 model
    instances). New children are referred to by -row number until saved."""

    new_households: dict[str, _NewHousehold] = field(default_factory=dict)
    changed_households: list[Household] = field(default_factory=list)
    # (row, household: a registered one's pk or a new one, its hamlet's pk, *NEW_CHILD_FIELDS values)
    new_children: list[tuple] = field(default_factory=list)
    changed_children: list[Child] = field(default_factory=list)
    registrations: list[tuple[int, date | None]] = field(default_factory=list)  # (child ref, registered on)
    memberships: list[tuple[int, int]] = field(default_factory=list)  # (child ref, group number)
    registration_dates: list[tuple[int, date]] = field(default_factory=list)  # (child pk, corrected date)


def _registry_of(rows: list[Row], commune: Commune):
    """What the registry holds of the file's rows, a few queries per thousand distinct values: the households of
    its codes, the children of its personal IDs, the commune's children of its names and birth dates, and the
    birth registrations and open group memberships of those children."""
    households: dict[str, Household] = {}
    for chunk in _chunks(sorted({r.household_code for r in rows})):
        for h in Household.objects.filter(commune=commune, code__in=chunk):
            households[h.code] = h
    by_id: dict[str, Child] = {}
    for chunk in _chunks(sorted({r.personal_id for r in rows if r.personal_id})):
        # A record merged into another still holds its number (which belongs to the record kept).
        for c in Child.objects.filter(personal_id__in=chunk).select_related("household"):
            by_id[c.personal_id] = c
    # The commune's children of the file's names: the same child (rules.sameness) when in the row's household,
    # possibly the same one in another.
    named: dict[tuple[str, date], list[Child]] = {}
    for chunk in _chunks(sorted({fold(r.full_name) for r in rows})):
        found = Child.objects.filter(commune=commune, name_search__in=chunk).exclude(status=Child.Status.MERGED)
        for c in found.select_related("household"):
            named.setdefault((c.name_search, c.date_of_birth), []).append(c)
    registered: dict[int, date | None] = {}
    active: set[tuple[int, int]] = set()
    matched_ids = {c.pk for c in by_id.values()} | {c.pk for same in named.values() for c in same}
    for chunk in _chunks(sorted(matched_ids)):
        registered.update(BirthRegistration.objects.filter(child_id__in=chunk).values_list("child_id", "registered_on"))
        active.update(
            CircumstanceMembership.objects.filter(child_id__in=chunk, ended_on__isnull=True).values_list(
                "child_id", "group__number"
            )
        )
    return households, by_id, named, registered, active


def _match(rows: list[Row], commune: Commune, result: ImportResult, *, today: date) -> _Plan:
    plan = _Plan()
    hamlet_names = dict(commune.hamlets.values_list("pk", "name"))
    households, by_id, named, registered, active = _registry_of(rows, commune)
    preview, error, warning = result.preview.append, result.errors.append, result.warnings.append
    # Said of thousands of rows: looked up once.
    name_column, hamlet_column = column_header("full_name"), column_header("hamlet")
    born_column, id_column = column_header("date_of_birth"), column_header("personal_id")
    registered_column = column_header("birth_registered")
    registration_word = _("đăng ký khai sinh")

    def show(row: Row, kind: str, name: str, born: date | None = None, changes: list[str] | None = None) -> None:
        preview((row.number, kind, row.household_code, name, born, changes or []))

    seen: dict[tuple, int] = {}
    matched_rows: dict[int, int] = {}  # registered child -> the row that matched it first
    for row in rows:
        name_fields = child_name_fields(row.full_name)
        name_search, born, personal_id = name_fields["name_search"], row.date_of_birth, row.personal_id or None
        # Two rows of the file are one child as two records are (rules.sameness), their households by code.
        keys = rules.same_child_keys(rules.Identity(row.household_code, name_search, born, personal_id))
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            error(RowError(row.number, name_column, _("trùng với dòng %(n)s của tệp") % {"n": first}))
            continue
        for k in keys:
            seen[k] = row.number

        household = households.get(row.household_code) or plan.new_households.get(row.household_code)
        if household is None:
            household = _NewHousehold(row.household_code, row.hamlet_id, *household_name_fields(row.head_name).values())
            plan.new_households[row.household_code] = household
            show(row, "household_new", household.head_name, changes=[hamlet_names.get(row.hamlet_id, "")])
        elif household.hamlet_id != row.hamlet_id:
            message = _("hộ %(code)s đã có ở ấp/sóc khác") % {"code": row.household_code}
            error(RowError(row.number, hamlet_column, message))
            continue
        elif household.pk and household.head_name != " ".join(row.head_name.split()):
            before = household.head_name
            household.head_name, household.head_name_search = household_name_fields(row.head_name).values()
            if household not in plan.changed_households:
                plan.changed_households.append(household)
            show(
                row,
                "household_changed",
                household.head_name,
                changes=[_change(_("chủ hộ"), before, household.head_name)],
            )

        identity = rules.Identity(household.pk or ("new", row.household_code), name_search, born, personal_id)
        child = by_id.get(personal_id) if personal_id else None
        if child is not None and (
            child.status == Child.Status.MERGED
            or child.household.commune_id != commune.pk
            # Same number, another name and birth date: a typing slip more likely than the same child.
            or (child.name_search != name_search and child.date_of_birth != born)
        ):
            error(RowError(row.number, id_column, rules.personal_id_taken(child, commune_id=commune.pk)))
            continue
        candidates = named.get((name_search, born), ())
        if child is None:
            same = [c for c in candidates if rules.sameness(identity, rules.Identity.of_child(c)) == SAME]
            child = same[0] if same else None
        if child is None:
            # Only a new record must be of a child: one already registered who has grown up is still updated.
            try:
                rules.registrable_age(born, today=today)
            except ValidationError as problem:
                error(RowError(row.number, born_column, problem.messages[0]))
                continue
            possible = [c for c in candidates if rules.sameness(identity, rules.Identity.of_child(c)) == POSSIBLE]
            if possible:
                warning(RowError(row.number, name_column, rules.possible_duplicate_message(possible)))
        else:
            first = matched_rows.setdefault(child.pk, row.number)
            if first != row.number:
                error(RowError(row.number, name_column, _("cùng một trẻ với dòng %(n)s của tệp") % {"n": first}))
                continue
        changes: list[str] = []
        if child is None:
            ref = -row.number
            plan.new_children.append(
                (row.number, household.pk or household, household.hamlet_id, name_fields["full_name"], name_search,
                 name_fields["name_sort_key"], row.sex, born, row.ethnicity or DEFAULT_ETHNICITY, personal_id,
                 row.notes if row.notes is not None else "")
            )  # fmt: skip
            result.new += 1
            changed_facts = True
        else:
            ref = child.pk
            values = {"sex": row.sex, "date_of_birth": born, **name_fields}
            if row.ethnicity is not None:
                values["ethnicity"] = row.ethnicity
            if personal_id:
                values["personal_id"] = personal_id
            if row.notes is not None:
                values["notes"] = row.notes
            changed = [k for k, v in values.items() if getattr(child, k) != v]
            if household.pk != child.household_id:
                changed.append("household")
            changes = [_child_change(child, k, values, household) for k in changed if k in PREVIEW_FIELDS]
            for k in changed:
                if k != "household":
                    setattr(child, k, values[k])
            if changed:
                child._import_household = household
                plan.changed_children.append(child)
            changed_facts = bool(changed)
        if row.birth_registered is False and ref in registered:
            error(RowError(row.number, registered_column, _("sổ đã ghi trẻ này có đăng ký khai sinh")))
            continue
        if row.birth_registered and ref not in registered:
            plan.registrations.append((ref, row.registered_on))
            changed_facts = True
            changes.append(registration_word + (f" {row.registered_on:%d/%m/%Y}" if row.registered_on else ""))
        elif row.registered_on and ref in registered and registered[ref] != row.registered_on:
            plan.registration_dates.append((ref, row.registered_on))
            changed_facts = True
            changes.append(_change(_("ngày đăng ký khai sinh"), registered[ref], row.registered_on))
        if row.groups:
            added = [number for number in row.groups if (ref, number) not in active]
            for number in added:
                plan.memberships.append((ref, number))
                changed_facts = True
            if added:
                changes.append(_("thêm nhóm %(groups)s") % {"groups": ", ".join(str(n) for n in added)})
        if changed_facts:
            show(row, "child_new" if ref < 0 else "child_changed", row.full_name, born, changes)
        if ref > 0:
            if changed_facts:
                result.updated += 1
            else:
                result.unchanged += 1
    result.households_new = len(plan.new_households)
    return plan


# The child's fields a preview names when a row changes them (the search and sort keys follow the name).
PREVIEW_FIELDS = ("full_name", "sex", "date_of_birth", "ethnicity", "personal_id", "notes", "household")


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else str(value)


def _change(label, before, after) -> str:
    return f"{label}: {_shown(before)} → {_shown(after)}"


def _child_change(child: Child, name: str, values: dict, household: Household) -> str:
    if name == "household":
        return _change(_("hộ"), child.household.code, household.code)
    label = Child._meta.get_field(name).verbose_name
    if name == "notes":
        return str(label)  # free text: said to change, not copied into the preview
    before, after = getattr(child, name), values[name]
    if name == "sex":
        before, after = Child.Sex(before).label, Child.Sex(after).label
    return _change(label, before, after)


HOUSEHOLD_FIELDS = ("commune_id", "hamlet_id", "code", "head_name", "head_name_search")


@transaction.atomic
def _write(plan: _Plan, *, commune, by, today: date, progress, total: int) -> None:
    """Every new record by children.excel.bulk (COPY on PostgreSQL), its history row copied from it by the
    database (tanloi_portal.history); the few records changed through simple-history's bulk update."""
    reason = "excel-import"
    created = list(plan.new_households.values())
    rows = [(commune.pk, h.hamlet_id, h.code, h.head_name, h.head_name_search) for h in created]
    for household, pk in zip(created, bulk.insert(Household, HOUSEHOLD_FIELDS, rows), strict=True):
        household.pk = pk
    record_creations(Household, [h.pk for h in created], by=by, reason=reason)
    if plan.changed_households:
        bulk_update_with_history(
            plan.changed_households, Household, ["head_name", "head_name_search"], batch_size=BATCH,
            default_user=by, default_change_reason=reason,
        )  # fmt: skip
    done = 0
    saved: dict[int, int] = {}  # -row number -> new child's pk
    fields = ("household_id", "commune_id", "hamlet_id", *NEW_CHILD_FIELDS)
    for start in range(0, len(plan.new_children), CHILD_BATCH):
        batch = plan.new_children[start : start + CHILD_BATCH]
        rows = [(h if isinstance(h, int) else h.pk, commune.pk, hamlet, *values) for _n, h, hamlet, *values in batch]
        pks = bulk.insert(Child, fields, rows)
        record_creations(Child, pks, by=by, reason=reason)
        saved.update((-entry[0], pk) for entry, pk in zip(batch, pks, strict=True))
        done += len(batch)
        if progress:
            progress(done, total)
    for child in plan.changed_children:
        child.household_id, child.hamlet_id = child._import_household.pk, child._import_household.hamlet_id
    if plan.changed_children:
        bulk_update_with_history(
            plan.changed_children, Child, [*CHILD_FIELDS, "hamlet", "personal_id", "notes"], batch_size=BATCH,
            default_user=by, default_change_reason=reason,
        )  # fmt: skip

    def pk(ref: int) -> int:
        return ref if ref > 0 else saved[ref]

    by_pk = by.pk if by else None
    rows = [(pk(ref), on, by_pk) for ref, on in plan.registrations]
    pks = bulk.insert(BirthRegistration, ("child_id", "registered_on", "recorded_by_id"), rows)
    record_creations(BirthRegistration, pks, by=by, reason=reason)
    if plan.registration_dates:
        corrected = dict(plan.registration_dates)
        registrations = list(BirthRegistration.objects.filter(child_id__in=list(corrected)))
        for registration in registrations:
            registration.registered_on = corrected[registration.child_id]
        bulk_update_with_history(
            registrations, BirthRegistration, ["registered_on"], batch_size=BATCH, default_user=by,
            default_change_reason=reason,
        )  # fmt: skip
    groups = dict(SpecialCircumstanceGroup.objects.values_list("number", "pk"))
    note = _("Nhập từ tệp Excel")
    rows = [(pk(ref), groups[n], today, note, by_pk) for ref, n in plan.memberships]
    fields = ("child_id", "group_id", "started_on", "notes", "recorded_by_id")
    record_creations(CircumstanceMembership, bulk.insert(CircumstanceMembership, fields, rows), by=by, reason=reason)
    if connection.vendor == "postgresql":
        # Thousands of new rows at once: refresh the planner's statistics now rather than when autovacuum comes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE children_child, children_household, children_birthregistration")
    if progress:
        progress(total, total)


__all__ = ["ImportResult", "RowError", "SpreadsheetError", "import_registry"]
