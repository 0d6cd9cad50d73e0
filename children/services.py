"""Writes to the registry. Views, imports and commands call these; nothing else writes registry rows.

Every function is keyword-only, validates with full_clean() before saving and records who made the change
(`by`) on the history row.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from children import rules
from children.growth import assess_growth
from children.models import BirthRegistration, Child, ChildFact, Death, GrowthMeasurement, Household, HouseholdPoverty
from children.rules import Identity
from children.selectors.registry import same_child_candidates
from tanloi_portal.models import Hamlet
from tanloi_portal.text import fold, name_sort_key

CHILD_EDITABLE_FIELDS = ("full_name", "sex", "date_of_birth", "ethnicity", "personal_id", "moved_in_on", "notes")
HOUSEHOLD_EDITABLE_FIELDS = ("head_name", "address", "phone")


def child_name_fields(full_name: str) -> dict[str, str]:
    """The stored name and the keys derived from it (search without diacritics, Vietnamese sort order)."""
    name = " ".join(full_name.split())
    return {"full_name": name, "name_search": fold(name), "name_sort_key": name_sort_key(name)}


def household_name_fields(head_name: str) -> dict[str, str]:
    name = " ".join(head_name.split())
    return {"head_name": name, "head_name_search": fold(name)}


_change_reason: ContextVar[str | None] = ContextVar("change_reason", default=None)


@contextmanager
def change_reason(reason: str):
    """Every registry change saved inside the block records this reason in its history row."""
    token = _change_reason.set(reason)
    try:
        yield
    finally:
        _change_reason.reset(token)


def _save(obj, *, by, update_fields: list[str] | None = None) -> None:
    obj.full_clean()
    # django-simple-history reads the author and the reason of the change from here.
    obj._history_user = by
    obj._change_reason = _change_reason.get()
    obj.save(update_fields=update_fields)


@transaction.atomic
def household_create(
    *, hamlet: Hamlet, code: str, head_name: str, address: str = "", phone: str = "", by=None
) -> Household:
    taken = Household.objects.filter(commune_id=hamlet.commune_id, code=code.strip()).exists()
    try:
        code = rules.household_code_free(code, taken=taken)
    except ValidationError as error:
        raise ValidationError({"code": error}) from error
    household = Household(
        commune_id=hamlet.commune_id,
        hamlet=hamlet,
        code=code,
        address=address.strip(),
        phone=phone.strip(),
        **household_name_fields(head_name),
    )
    _save(household, by=by)
    return household


def _update(obj, fields: dict, *, editable: tuple[str, ...], by) -> None:
    """Set the fields that differ and save only those (no whole-row write), with the change's author."""
    unknown = set(fields) - set(editable) - {"name_search", "name_sort_key", "head_name_search"}
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, fields[name])
    if changed:
        _save(obj, by=by, update_fields=[*changed, "updated_at"])


@transaction.atomic
def household_update(*, household: Household, by, **fields) -> Household:
    if "head_name" in fields:
        fields.update(household_name_fields(fields.pop("head_name")))
    _update(household, fields, editable=HOUSEHOLD_EDITABLE_FIELDS, by=by)
    return household


@transaction.atomic
def household_set_poverty(*, household: Household, year: int, status: str, by) -> HouseholdPoverty:
    """The household's classification for a year; a second one for the same year replaces the first."""
    try:
        rules.poverty_year(year)
    except ValidationError as error:
        raise ValidationError({"year": error}) from error
    record = HouseholdPoverty.objects.filter(household=household, year=year).first()
    if record is None:
        record = HouseholdPoverty(household=household, year=year, status=status)
        _save(record, by=by)
    elif record.status != status:
        record.status = status
        _save(record, by=by, update_fields=["status"])
    return record


@transaction.atomic
def child_register(
    *,
    household: Household,
    full_name: str,
    sex: str,
    date_of_birth: date,
    ethnicity: str = "Kinh",
    personal_id: str | None = None,
    moved_in_on: date | None = None,
    notes: str = "",
    by=None,
) -> Child:
    """A new record: every rule of a child (children.rules), and not a child the registry already has."""
    checks = rules.Checks()
    full_name = checks.run("full_name", rules.full_name, full_name)
    checks.run("date_of_birth", rules.birth_date, date_of_birth)
    if not checks.failed("date_of_birth"):
        checks.run("date_of_birth", rules.registrable_age, date_of_birth)
    ethnicity = checks.run("ethnicity", rules.ethnicity, ethnicity)
    if personal_id:
        checks.run("personal_id", rules.personal_id, personal_id, sex=sex, date_of_birth=date_of_birth)
    checks.raise_errors()
    identity = Identity.of(
        household=household.pk, full_name=full_name, date_of_birth=date_of_birth, personal_id=personal_id
    )
    _not_registered_yet(identity, commune_id=household.commune_id, exclude_pk=None)
    child = Child(
        household=household,
        sex=sex,
        date_of_birth=date_of_birth,
        ethnicity=ethnicity,
        personal_id=personal_id or None,
        moved_in_on=moved_in_on,
        notes=notes,
        **child_name_fields(full_name),
    )
    _save(child, by=by)
    return child


def _not_registered_yet(identity: Identity, *, commune_id: int, exclude_pk: int | None) -> None:
    candidates = same_child_candidates(commune_id=commune_id, identity=identity, exclude_pk=exclude_pk)
    rules.not_registered_yet(identity, candidates, commune_id=commune_id)


@transaction.atomic
def child_update(*, child: Child, by, **fields) -> Child:
    """Correct a child's identity, held to the same rules as a new record (children.rules) but for the age: a
    child who has grown up stays. A new birth date must still precede every dated fact; growth z-scores depend on
    the birth date and sex, so they are computed again when either changes."""
    child = Child.objects.select_for_update().select_related("household").get(pk=child.pk)
    checks = rules.Checks()
    if "full_name" in fields:
        fields["full_name"] = checks.run("full_name", rules.full_name, fields["full_name"])
    if fields.get("date_of_birth"):
        checks.run("date_of_birth", rules.birth_date, fields["date_of_birth"])
    if "ethnicity" in fields:
        fields["ethnicity"] = checks.run("ethnicity", rules.ethnicity, fields["ethnicity"])
    if "personal_id" in fields:
        fields["personal_id"] = fields["personal_id"] or None
    checks.raise_errors()
    if "full_name" in fields:
        fields.update(child_name_fields(fields.pop("full_name")))
    born = fields.get("date_of_birth", child.date_of_birth)
    identity = Identity.of(
        household=child.household_id,
        full_name=fields.get("name_search", child.name_search),
        date_of_birth=born,
        personal_id=fields.get("personal_id", child.personal_id),
    )
    if identity != Identity.of_child(child):
        _not_registered_yet(identity, commune_id=child.household.commune_id, exclude_pk=child.pk)
    if born != child.date_of_birth:
        earliest = _earliest_fact_date(child)
        if earliest and earliest < born:
            raise ValidationError(
                {
                    "date_of_birth": _("Trẻ đã có thông tin ghi ngày %(d)s, trước ngày sinh mới.")
                    % {"d": earliest.strftime("%d/%m/%Y")}
                }
            )
    redo_growth = born != child.date_of_birth or fields.get("sex", child.sex) != child.sex
    _update(child, fields, editable=CHILD_EDITABLE_FIELDS, by=by)
    if redo_growth:
        for measurement in child.growthmeasurement_set.all():
            try:
                _assess(measurement)
            except ValueError as error:
                raise ValidationError({"date_of_birth": str(error)}) from error
            _save(measurement, by=by, update_fields=["waz", "haz", "whz", "baz", "classes", "flags", "updated_at"])
    return child


def _earliest_fact_date(child: Child) -> date | None:
    dates = []
    for model in ChildFact.__subclasses__():
        for name in model.dated_fields:
            first = model.objects.filter(child=child, **{f"{name}__isnull": False}).order_by(name).first()
            if first:
                dates.append(getattr(first, name))
    return min(dates, default=None)


def _locked_living(child: Child) -> Child:
    """The child's row, locked for this transaction and read afresh: its status may have just changed."""
    child = Child.objects.select_for_update().select_related("household").get(pk=child.pk)
    _require_living(child)
    return child


def _require_living(child: Child) -> None:
    if child.status != Child.Status.LIVING:
        raise ValidationError(
            _("Trẻ đang ở tình trạng “%(s)s”: không thể thay đổi.") % {"s": child.get_status_display()}
        )


@transaction.atomic
def child_move(*, child: Child, household: Household, by) -> Child:
    """Move a child to another household of the same commune (adoption, living with relatives, ...)."""
    child = _locked_living(child)
    if household.commune_id != child.household.commune_id:
        raise ValidationError(
            _("Chỉ chuyển được sang hộ trong cùng xã; trẻ chuyển đi xã khác thì đánh dấu “Đã chuyển đi”.")
        )
    if household.pk != child.household_id:
        child.household = household
        _save(child, by=by, update_fields=["household", "updated_at"])
    return child


@transaction.atomic
def child_mark_moved_away(*, child: Child, on: date, by) -> Child:
    child = _locked_living(child)
    child.status, child.status_date = Child.Status.MOVED_AWAY, on
    _save(child, by=by, update_fields=["status", "status_date", "updated_at"])
    return child


@transaction.atomic
def child_record_death(*, child: Child, died_on: date, cause: str, notes: str = "", by) -> Death:
    """Record the death and mark the child deceased, together or not at all."""
    child = _locked_living(child)
    death = Death(child=child, died_on=died_on, cause=cause, notes=notes, recorded_by=by)
    _save(death, by=by)
    child.status, child.status_date = Child.Status.DECEASED, died_on
    _save(child, by=by, update_fields=["status", "status_date", "updated_at"])
    return death


def _assess(measurement: GrowthMeasurement) -> None:
    child = measurement.child
    result = assess_growth(
        sex=child.sex,
        date_of_birth=child.date_of_birth,
        measured_on=measurement.measured_on,
        weight_kg=measurement.weight_kg,
        height_cm=measurement.height_cm,
        lying=measurement.lying,
    )
    measurement.waz, measurement.haz, measurement.whz, measurement.baz = result.waz, result.haz, result.whz, result.baz
    measurement.classes = ",".join(sorted(result.classes))
    measurement.flags = ",".join(sorted(result.flags))


@transaction.atomic
def fact_save(*, fact: ChildFact, by, confirm_implausible: bool = False) -> ChildFact:
    """Create or update any dated fact of a child. Growth measurements get their z-scores here."""
    if fact.child.status == Child.Status.MERGED:
        raise ValidationError(_("Hồ sơ này đã được gộp vào hồ sơ khác."))
    if fact.pk is None:
        fact.recorded_by = by
    if isinstance(fact, GrowthMeasurement):
        fact.full_clean()
        _assess(fact)
        if fact.flags and not confirm_implausible:
            problems = rules.implausible_growth(
                flags=fact.flags.split(","),
                age_days=(fact.measured_on - fact.child.date_of_birth).days,
                weight_kg=fact.weight_kg,
                height_cm=fact.height_cm,
            )
            raise ImplausibleMeasurement(fact.flags.split(","), problems)
        fact.confirmed_implausible = bool(fact.flags)
    _save(fact, by=by)
    return fact


class Implausible(ValidationError):
    """What was typed looks wrong (children.rules: a measurement, a birth date, a dose's date): probably an entry
    error, saved once the user confirms it."""

    def __init__(self, problems: list[str], doubt: rules.Doubt):
        self.problems, self.doubt = problems, doubt
        super().__init__(
            _("%(heading)s: %(problems)s. Kiểm tra lại, hoặc xác nhận nếu đúng.")
            % {"heading": doubt.heading, "problems": "; ".join(problems)}
        )


class ImplausibleMeasurement(Implausible):
    """A z-score beyond WHO's plausibility limits."""

    def __init__(self, flags: list[str], problems: list[str]):
        self.flags = flags
        super().__init__(problems, rules.Doubt.GROWTH)


# Facts that follow a child when two records of the same child are merged.
_MERGED_FACTS = (
    "caregivers",
    "circumstancemembership_set",
    "supportrecord_set",
    "disability_set",
    "growthmeasurement_set",
    "vaccinationdose_set",
    "schoolenrolment_set",
    "injury_set",
    "childlabour_set",
    "childmarriage_set",
)


def merge_conflicts(keep: Child, duplicate: Child) -> list[str]:
    """What the two records say differently: the officer settles these before merging, nothing is dropped."""
    conflicts = []
    if keep.status != duplicate.status:
        conflicts.append(
            _("Tình trạng khác nhau (%(a)s / %(b)s).")
            % {"a": keep.get_status_display(), "b": duplicate.get_status_display()}
        )
    for model, label in ((BirthRegistration, _("đăng ký khai sinh")), (Death, _("tử vong"))):
        ours, theirs = model.objects.filter(child=keep).first(), model.objects.filter(child=duplicate).first()
        if ours and theirs and str(ours) != str(theirs):
            conflicts.append(
                _("Hai hồ sơ ghi %(what)s khác nhau: %(a)s / %(b)s.") % {"what": label, "a": ours, "b": theirs}
            )
    kept_doses = {(d.vaccine_id, d.dose_number): d for d in keep.vaccinationdose_set.select_related("vaccine")}
    for dose in duplicate.vaccinationdose_set.all():
        ours = kept_doses.get((dose.vaccine_id, dose.dose_number))
        if ours and ours.given_on != dose.given_on:
            conflicts.append(
                _("%(dose)s: ngày tiêm khác nhau (%(a)s / %(b)s).")
                % {"dose": ours, "a": f"{ours.given_on:%d/%m/%Y}", "b": f"{dose.given_on:%d/%m/%Y}"}
            )
    kept_years = {e.school_year: e for e in keep.schoolenrolment_set.all()}
    for enrolment in duplicate.schoolenrolment_set.all():
        ours = kept_years.get(enrolment.school_year)
        if ours and (ours.level, ours.status, ours.status_date) != (
            enrolment.level,
            enrolment.status,
            enrolment.status_date,
        ):
            conflicts.append(_("Năm học %(y)s: hai hồ sơ ghi khác nhau.") % {"y": str(ours).split(":")[0]})
    return conflicts


@transaction.atomic
def child_merge(*, keep: Child, duplicate: Child, by) -> Child:
    """Merge a duplicate record into the one kept: its facts move over, it stays as an alias, never deleted.

    Refused, with the list of differences, when the two records disagree on anything (status, birth
    registration, death, a vaccine dose's date, a school year): the officer corrects one of them first.
    """
    keep = Child.objects.select_for_update().select_related("household").get(pk=keep.pk)
    duplicate = Child.objects.select_for_update().select_related("household").get(pk=duplicate.pk)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Không thể gộp một hồ sơ vào chính nó."))
    if Child.Status.MERGED in (keep.status, duplicate.status):
        raise ValidationError(_("Một trong hai hồ sơ đã được gộp trước đó."))
    if keep.household.commune_id != duplicate.household.commune_id:
        raise ValidationError(_("Chỉ gộp được hai hồ sơ trong cùng xã."))
    conflicts = merge_conflicts(keep, duplicate)
    if conflicts:
        raise ValidationError([_("Chưa gộp được: sửa một trong hai hồ sơ cho khớp trước."), *conflicts])
    # What both records hold identically stays once, on the record kept; everything else moves over.
    kept_doses = set(keep.vaccinationdose_set.values_list("vaccine_id", "dose_number"))
    kept_years = set(keep.schoolenrolment_set.values_list("school_year", flat=True))
    for relation in _MERGED_FACTS:
        for fact in getattr(duplicate, relation).all():
            if relation == "vaccinationdose_set" and (fact.vaccine_id, fact.dose_number) in kept_doses:
                continue
            if relation == "schoolenrolment_set" and fact.school_year in kept_years:
                continue
            fact.child = keep
            _save(fact, by=by, update_fields=["child"])
    for one in (BirthRegistration, Death):
        theirs = one.objects.filter(child=duplicate).first()
        if theirs and not one.objects.filter(child=keep).exists():
            theirs.child = keep
            _save(theirs, by=by, update_fields=["child"])
    if not keep.personal_id and duplicate.personal_id:
        keep.personal_id, duplicate.personal_id = duplicate.personal_id, None
        _save(duplicate, by=by, update_fields=["personal_id"])
        _save(keep, by=by, update_fields=["personal_id", "updated_at"])
    duplicate.status, duplicate.merged_into = Child.Status.MERGED, keep
    _save(duplicate, by=by, update_fields=["status", "merged_into", "updated_at"])
    return keep
