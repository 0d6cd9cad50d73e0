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
from children.excel.columns import COLUMNS, SAMPLE, header_key
from children.excel.reader import SpreadsheetError, column_header, open_sheet
from children.models import BirthRegistration, Child, CircumstanceMembership, Household, SpecialCircumstanceGroup
from children.services import child_name_fields, household_name_fields
from children.signals import registry_changed
from tanloi_portal.history import record_creations
from tanloi_portal.models import Commune
from tanloi_portal.text import fold

BATCH = 2000
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
_NEW_CHILD_DEFAULTS = {"notes": "", "ethnicity": DEFAULT_ETHNICITY}
MAX_LENGTHS = {"household_code": 30, "head_name": 120, "full_name": 120}
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


class _Parser:
    """Checks one row's cells and turns them into a Row, collecting every problem with its column."""

    def __init__(self, hamlets: dict[str, int], today: date):
        self.hamlets, self.today = hamlets, today

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

        for key in ("household_code", "head_name", "hamlet", "full_name", "date_of_birth", "sex"):
            if cells.get(key) is None:
                fail(key, _("bắt buộc, đang để trống"))
        if isinstance(cells.get("household_code"), int | float):
            # Excel turned a typed code into a number and dropped its leading zeros (0100 -> 100).
            fail("household_code", _("ô là số, có thể đã mất số 0 ở đầu: định dạng cột Mã hộ là Văn bản rồi gõ lại"))
        for key, limit in MAX_LENGTHS.items():
            if cells.get(key) is not None and len(_text(cells[key])) > limit:
                fail(key, _("dài quá %(n)s ký tự") % {"n": limit})
        hamlet_id = self.hamlets.get(header_key(cells["hamlet"])) if cells.get("hamlet") is not None else None
        if cells.get("hamlet") is not None and hamlet_id is None:
            fail("hamlet", _("không có ấp/sóc “%(v)s” trong xã") % {"v": cells["hamlet"]})
        name = _text(cells["full_name"]) if cells.get("full_name") is not None else ""
        if name:
            name = check("full_name", rules.full_name, name) or name
        born = None
        if cells.get("date_of_birth") is not None:
            try:
                born = _date(cells["date_of_birth"])
            except ValueError as error:
                fail("date_of_birth", str(error))
            else:
                check("date_of_birth", rules.birth_date, born, today=self.today)
        sex = {"nam": "M", "nu": "F"}.get(fold(_text(cells["sex"]))) if cells.get("sex") is not None else None
        if cells.get("sex") is not None and sex is None:
            fail("sex", _("ghi Nam hoặc Nữ"))
        ethnicity = None  # blank: Kinh for a new child, unchanged for one already registered
        if cells.get("ethnicity") is not None:
            ethnicity = check("ethnicity", rules.ethnicity, _text(cells["ethnicity"]))
        personal_id = None
        if cells.get("personal_id") is not None:
            raw = cells["personal_id"]
            # A number cell loses its leading zeros (079... becomes 79...): put them back.
            personal_id = str(int(raw)).zfill(12) if isinstance(raw, int | float) else _text(raw).replace(" ", "")
            check("personal_id", rules.personal_id, personal_id, sex=sex, date_of_birth=born)
        registered = None
        if cells.get("birth_registered") is not None:
            answer = fold(_text(cells["birth_registered"]))
            registered = True if answer in _YES else False if answer in _NO else None
            if registered is None:
                fail("birth_registered", _("ghi Có hoặc Không"))
        registered_on = None
        if cells.get("registered_on") is not None:
            try:
                registered_on = _date(cells["registered_on"])
            except ValueError as error:
                fail("registered_on", str(error))
            else:
                if registered is False:
                    fail("registered_on", _("có ngày đăng ký nhưng cột đăng ký khai sinh ghi Không"))
                elif registered_on > self.today or (born and registered_on < born):
                    fail("registered_on", _("phải sau ngày sinh và không ở tương lai"))
                registered = True
        groups: tuple[int, ...] = ()
        if cells.get("groups") is not None:
            parts = [p for p in re.split(r"[,;\s]+", _text(cells["groups"])) if p]
            if not all(p.isdigit() and 1 <= int(p) <= 14 for p in parts):
                fail("groups", _("ghi số nhóm từ 1 đến 14, cách nhau bằng dấu phẩy"))
            else:
                groups = tuple(sorted({int(p) for p in parts}))
        if errors:
            if born is not None and not any(e.column == column_header("date_of_birth") for e in errors):
                # Every problem at once: a row that cannot be matched yet is taken for a new child.
                check("date_of_birth", rules.registrable_age, born, today=self.today)
            return None, errors
        return (
            Row(
                number=number,
                household_code=_text(cells["household_code"]),
                head_name=_text(cells["head_name"]),
                hamlet_id=hamlet_id,
                full_name=name,
                date_of_birth=born,
                sex=sex,
                ethnicity=ethnicity,
                personal_id=personal_id,
                birth_registered=registered,
                registered_on=registered_on,
                groups=groups,
                notes=_note(cells["notes"]) if cells.get("notes") is not None else None,
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


@dataclass
class _Plan:
    """What to write. New children are kept as plain values (model objects are built a batch at a time, so
    50,000 rows never become 50,000 model instances at once) and referred to by -row number until saved."""

    new_households: dict[str, Household] = field(default_factory=dict)
    changed_households: list[Household] = field(default_factory=list)
    new_children: list[tuple] = field(default_factory=list)  # (row, household code, *NEW_CHILD_FIELDS values)
    changed_children: list[Child] = field(default_factory=list)
    registrations: list[tuple[int, date | None]] = field(default_factory=list)  # (child ref, registered on)
    memberships: list[tuple[int, int]] = field(default_factory=list)  # (child ref, group number)
    registration_dates: list[tuple[int, date]] = field(default_factory=list)  # (child pk, corrected date)
    households_by_code: dict[str, Household] = field(default_factory=dict)  # of the new children


def _match(rows: list[Row], commune: Commune, result: ImportResult, *, today: date) -> _Plan:
    plan = _Plan()
    hamlet_names = dict(commune.hamlets.values_list("pk", "name"))

    def show(row: Row, kind: str, name: str, born: date | None = None, changes: list[str] | None = None) -> None:
        result.preview.append((row.number, kind, row.household_code, name, born, changes or []))

    codes = sorted({r.household_code for r in rows})
    households: dict[str, Household] = {}
    for chunk in _chunks(codes):
        for h in Household.objects.filter(commune=commune, code__in=chunk):
            households[h.code] = h
    ids = sorted({r.personal_id for r in rows if r.personal_id})
    by_id: dict[str, Child] = {}
    for chunk in _chunks(ids):
        # A record merged into another still holds its number (which belongs to the record kept).
        for c in Child.objects.filter(personal_id__in=chunk).select_related("household"):
            by_id[c.personal_id] = c
    # The commune's children of the file's names: the same child (rules.sameness) when in the row's household,
    # possibly the same one in another.
    named: dict[tuple[str, date], list[Child]] = {}
    names = sorted({fold(r.full_name) for r in rows})
    for chunk in _chunks(names):
        found = Child.objects.filter(household__commune=commune, name_search__in=chunk).exclude(
            status=Child.Status.MERGED
        )
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

    seen: dict[tuple, int] = {}
    matched_rows: dict[int, int] = {}  # registered child -> the row that matched it first
    for row in rows:
        name_fields = child_name_fields(row.full_name)
        # Two rows of the file are one child as two records are (rules.sameness), their households by code.
        keys = rules.same_child_keys(
            rules.Identity.of(household=row.household_code, full_name=row.full_name,
                              date_of_birth=row.date_of_birth, personal_id=row.personal_id)
        )  # fmt: skip
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            result.errors.append(
                RowError(row.number, column_header("full_name"), _("trùng với dòng %(n)s của tệp") % {"n": first})
            )
            continue
        for k in keys:
            seen[k] = row.number

        household = households.get(row.household_code) or plan.new_households.get(row.household_code)
        if household is None:
            household = Household(
                commune=commune,
                hamlet_id=row.hamlet_id,
                code=row.household_code,
                **household_name_fields(row.head_name),
            )
            plan.new_households[row.household_code] = household
            show(row, "household_new", household.head_name, changes=[hamlet_names.get(row.hamlet_id, "")])
        elif household.hamlet_id != row.hamlet_id:
            result.errors.append(
                RowError(
                    row.number,
                    column_header("hamlet"),
                    _("hộ %(code)s đã có ở ấp/sóc khác") % {"code": row.household_code},
                )
            )
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

        identity = rules.Identity.of(
            household=household.pk or ("new", row.household_code), full_name=row.full_name,
            date_of_birth=row.date_of_birth, personal_id=row.personal_id,
        )  # fmt: skip
        child = by_id.get(row.personal_id) if row.personal_id else None
        if child is not None and (
            child.status == Child.Status.MERGED
            or child.household.commune_id != commune.pk
            # Same number, another name and birth date: a typing slip more likely than the same child.
            or (child.name_search != name_fields["name_search"] and child.date_of_birth != row.date_of_birth)
        ):
            message = rules.personal_id_taken(child, commune_id=commune.pk)
            result.errors.append(RowError(row.number, column_header("personal_id"), message))
            continue
        candidates = named.get((name_fields["name_search"], row.date_of_birth), [])
        if child is None:
            same = [c for c in candidates if rules.sameness(identity, rules.Identity.of_child(c)) == SAME]
            child = same[0] if same else None
        if child is None:
            # Only a new record must be of a child: one already registered who has grown up is still updated.
            try:
                rules.registrable_age(row.date_of_birth, today=today)
            except ValidationError as error:
                result.errors.append(RowError(row.number, column_header("date_of_birth"), error.messages[0]))
                continue
            possible = [c for c in candidates if rules.sameness(identity, rules.Identity.of_child(c)) == POSSIBLE]
            if possible:
                message = rules.possible_duplicate_message(possible)
                result.warnings.append(RowError(row.number, column_header("full_name"), message))
        if child is not None:
            first = matched_rows.setdefault(child.pk, row.number)
            if first != row.number:
                result.errors.append(
                    RowError(
                        row.number, column_header("full_name"), _("cùng một trẻ với dòng %(n)s của tệp") % {"n": first}
                    )
                )
                continue
        values = {"sex": row.sex, "date_of_birth": row.date_of_birth, **name_fields}
        if row.ethnicity is not None:
            values["ethnicity"] = row.ethnicity
        if row.personal_id:
            values["personal_id"] = row.personal_id
        if row.notes is not None:
            values["notes"] = row.notes
        changes: list[str] = []
        if child is None:
            fields = (values.get(f, _NEW_CHILD_DEFAULTS.get(f)) for f in NEW_CHILD_FIELDS)
            plan.new_children.append((row.number, row.household_code, *fields))
            result.new += 1
            changed_facts = True
            ref = -row.number
        else:
            ref = child.pk
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
            result.errors.append(
                RowError(row.number, column_header("birth_registered"), _("sổ đã ghi trẻ này có đăng ký khai sinh"))
            )
            continue
        if row.birth_registered and ref not in registered:
            plan.registrations.append((ref, row.registered_on))
            changed_facts = True
            changes.append(_("đăng ký khai sinh") + (f" {row.registered_on:%d/%m/%Y}" if row.registered_on else ""))
        elif row.registered_on and ref in registered and registered[ref] != row.registered_on:
            plan.registration_dates.append((ref, row.registered_on))
            changed_facts = True
            changes.append(_change(_("ngày đăng ký khai sinh"), registered[ref], row.registered_on))
        added = [number for number in row.groups if (ref, number) not in active]
        for number in added:
            plan.memberships.append((ref, number))
            changed_facts = True
        if added:
            changes.append(_("thêm nhóm %(groups)s") % {"groups": ", ".join(str(n) for n in added)})
        if changed_facts:
            show(row, "child_new" if ref < 0 else "child_changed", row.full_name, row.date_of_birth, changes)
        if ref > 0:
            if changed_facts:
                result.updated += 1
            else:
                result.unchanged += 1
        else:
            plan.households_by_code[row.household_code] = household
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


@transaction.atomic
def _write(plan: _Plan, *, commune, by, today: date, progress, total: int) -> None:
    reason = "excel-import"
    created = list(plan.new_households.values())
    Household.objects.bulk_create(created, batch_size=BATCH)
    record_creations(Household, [h.pk for h in created], by=by, reason=reason)
    if plan.changed_households:
        bulk_update_with_history(
            plan.changed_households, Household, ["head_name", "head_name_search"], batch_size=BATCH,
            default_user=by, default_change_reason=reason,
        )  # fmt: skip
    done = 0
    saved: dict[int, int] = {}  # -row number -> new child's pk
    for start in range(0, len(plan.new_children), BATCH):
        batch = plan.new_children[start : start + BATCH]
        children = [
            Child(household=plan.households_by_code[code], **dict(zip(NEW_CHILD_FIELDS, values, strict=True)))
            for _n, code, *values in batch
        ]
        Child.objects.bulk_create(children)
        record_creations(Child, [c.pk for c in children], by=by, reason=reason)
        saved.update((-entry[0], child.pk) for entry, child in zip(batch, children, strict=True))
        done += len(batch)
        if progress:
            progress(done, total)
    for child in plan.changed_children:
        child.household = child._import_household
    if plan.changed_children:
        bulk_update_with_history(
            plan.changed_children, Child, [*CHILD_FIELDS, "personal_id", "notes"], batch_size=BATCH,
            default_user=by, default_change_reason=reason,
        )  # fmt: skip

    def pk(ref: int) -> int:
        return ref if ref > 0 else saved[ref]

    registrations = [
        BirthRegistration(child_id=pk(ref), registered_on=on, recorded_by=by) for ref, on in plan.registrations
    ]
    BirthRegistration.objects.bulk_create(registrations, batch_size=BATCH)
    record_creations(BirthRegistration, [r.pk for r in registrations], by=by, reason=reason)
    if plan.registration_dates:
        corrected = dict(plan.registration_dates)
        rows = list(BirthRegistration.objects.filter(child_id__in=list(corrected)))
        for registration in rows:
            registration.registered_on = corrected[registration.child_id]
        bulk_update_with_history(
            rows, BirthRegistration, ["registered_on"], batch_size=BATCH, default_user=by, default_change_reason=reason
        )
    groups = dict(SpecialCircumstanceGroup.objects.values_list("number", "pk"))
    note = _("Nhập từ tệp Excel")
    memberships = [
        CircumstanceMembership(child_id=pk(ref), group_id=groups[n], started_on=today, notes=note, recorded_by=by)
        for ref, n in plan.memberships
    ]
    CircumstanceMembership.objects.bulk_create(memberships, batch_size=BATCH)
    record_creations(CircumstanceMembership, [m.pk for m in memberships], by=by, reason=reason)
    if connection.vendor == "postgresql":
        # Thousands of new rows at once: refresh the planner's statistics now rather than when autovacuum comes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE children_child, children_household, children_birthregistration")
    if progress:
        progress(total, total)


__all__ = ["ImportResult", "RowError", "SpreadsheetError", "import_registry"]
