"""The registry's rules for a household and a child, each written once.

Every path that writes the registry applies them: the services (children.services), hence the officer's forms
and the approval of a collaborator's update, and the Excel import, whose bulk path calls them on each row. A rule
is a plain function that raises ValidationError with a code and a Vietnamese message, so the same bad value gets
the same words on a form, in a collaborator's report and on an import row. Forms call them too, to answer before
anything is saved.

What makes two records the same child is `sameness`, for all of them alike: the officer's form (which warns of
a possible duplicate), the approval of a collaborator's new birth or arrival, and the import (which updates the
child a row is).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from children import ethnicities
from children.ages import age_on
from children.growth import HEIGHT_CM_RANGE, WEIGHT_KG_RANGE
from children.identity import PERSONAL_ID_UNUSABLE, personal_id_problems
from tanloi_portal.numbers import format_number
from tanloi_portal.text import fold

ADULT_AGE = 18
FIRST_POVERTY_YEAR = 2000

# --- a child's own fields -------------------------------------------------------------------------------


def full_name(value: str | None) -> str:
    """The name as stored, spaces collapsed; a family and a given name at least ("Lan" alone is refused)."""
    name = " ".join((value or "").split())
    if len(name.split()) < 2:
        raise ValidationError(_("Nhập đủ họ và tên (ít nhất hai chữ)."), code="full_name_short")
    return name


def birth_date(born: date, *, today: date | None = None) -> None:
    """A birth date is never in the future."""
    if born > (today or timezone.localdate()):
        raise ValidationError(_("Ngày sinh không được ở tương lai."), code="born_in_future")


def registrable_age(born: date, *, today: date | None = None) -> None:
    """A new record is of a child: under 18. A child already in the registry who grows up stays in it (and the
    export of such a child imports back)."""
    if age_on(born, today or timezone.localdate()) >= ADULT_AGE:
        raise ValidationError(_("Sổ theo dõi chỉ ghi người dưới 18 tuổi."), code="not_a_child")


def personal_id(value: str, *, sex: str | None, date_of_birth: date | None) -> None:
    """The 12-digit personal ID fits the child's sex and birth year (children.identity)."""
    problems = personal_id_problems(value, sex=sex, date_of_birth=date_of_birth)
    if problems:
        raise ValidationError([ValidationError(p, code="personal_id_invalid") for p in problems])


def ethnicity(value: str | None) -> str:
    """The official name of the ethnicity written (children.ethnicities: official names, spellings and other names
    of the 54 groups, without case, accents or punctuation). An other name shared by several groups is refused
    with the candidates rather than guessed."""
    found = ethnicities.lookup(value)
    if len(found) == 1:
        return found[0]
    shown = " ".join((value or "").split())
    if found:
        raise ValidationError(
            _("“%(v)s” là tên gọi khác của nhiều dân tộc (%(names)s): ghi tên dân tộc chính thức.")
            % {"v": shown, "names": ", ".join(found)},
            code="ethnicity_ambiguous",
        )
    raise ValidationError(
        _("Không có dân tộc “%(v)s” trong danh mục 54 dân tộc.") % {"v": shown}, code="ethnicity_unknown"
    )


# --- a child's measurements -----------------------------------------------------------------------------

MEASUREMENT_RANGES = {"weight_kg": (WEIGHT_KG_RANGE, "kg"), "height_cm": (HEIGHT_CM_RANGE, "cm")}


def measurement_in_range(name: str, value) -> None:
    """A weight or a height within physiological limits (children.growth): beyond them it is an entry error."""
    (low, high), unit = MEASUREMENT_RANGES[name]
    if value is not None and not low <= value <= high:
        bounds = {"low": format_number(low), "high": format_number(high), "unit": unit}
        raise ValidationError(_("Ngoài giới hạn sinh lý (%(low)s-%(high)s %(unit)s).") % bounds, code="out_of_range")


# A height lower than an earlier one by more than this is an entry error (children do not shrink; lying and
# standing differ by 0.7 cm, two people measuring by a centimetre or two).
HEIGHT_DROP_CM = 3


def age_words(age_days: int) -> str:
    """A child's age as people say it: "17 tháng tuổi" under five, "7 tuổi" from five, "5 ngày tuổi" newborn."""
    months = int(age_days / 30.4375)
    if months < 1:
        return ngettext("%(n)s ngày tuổi", "%(n)s ngày tuổi", age_days) % {"n": age_days}
    if months < 60:
        return ngettext("%(n)s tháng tuổi", "%(n)s tháng tuổi", months) % {"n": months}
    return ngettext("%(n)s tuổi", "%(n)s tuổi", months // 12) % {"n": months // 12}


def implausible_growth(
    *, flags: Iterable[str], age_days: int, weight_kg, height_cm, earlier: tuple[date, object] | None = None
) -> list[str]:
    """What is wrong with a measurement, in plain Vietnamese (WHO's plausibility flags, and a height lower than an
    earlier one): "cân nặng 45 kg không hợp với trẻ 17 tháng tuổi". Empty: nothing looks wrong. The collaborator's
    form, the officer's forms and the review say the same words."""
    flags = set(flags)
    age = age_words(age_days)
    weight = f"{format_number(weight_kg)} kg" if weight_kg is not None else ""
    height = f"{format_number(height_cm)} cm" if height_cm is not None else ""
    problems = []
    if "waz" in flags:
        problems.append(_("cân nặng %(weight)s không hợp với trẻ %(age)s") % {"weight": weight, "age": age})
    if "haz" in flags:
        problems.append(_("chiều cao %(height)s không hợp với trẻ %(age)s") % {"height": height, "age": age})
    if "whz" in flags:
        problems.append(
            _("cân nặng %(weight)s không hợp với chiều cao %(height)s") % {"weight": weight, "height": height}
        )
    elif "baz" in flags and "waz" not in flags and "haz" not in flags:
        problems.append(
            _("cân nặng %(weight)s và chiều cao %(height)s không hợp nhau ở trẻ %(age)s")
            % {"weight": weight, "height": height, "age": age}
        )
    if earlier is not None and height_cm is not None and earlier[1] - height_cm > HEIGHT_DROP_CM:
        problems.append(
            _("chiều cao %(height)s thấp hơn lần đo ngày %(day)s (%(before)s cm)")
            % {"height": height, "day": earlier[0].strftime("%d/%m/%Y"), "before": format_number(earlier[1])}
        )
    return problems


# --- typed dates that look wrong ---------------------------------------------------------------------------

# A "new birth" reported more than a year after it is probably a mistyped year (or a child who moved in).
NEWBORN_DAYS = 365
# Two children of a household born further apart than twins (2 days) and closer than this are probably a
# mistyped date; in a household of two families it happens, and the user confirms it.
SIBLING_GAP_DAYS = (3, 240)
# A dose given up to 4 days before its age or interval still counts (WHO's grace period); earlier is a typing
# error or a dose to give again.
DOSE_GRACE_DAYS = 4


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def gap_words(days: int) -> str:
    """A time between two dates as people say it: "20 ngày" under 45 days, then in months, rounded ("2 tháng"
    for 60 days)."""
    if days < 45:
        return ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days}
    months = round(days / 30.4375)
    return ngettext("%(n)s tháng", "%(n)s tháng", months) % {"n": months}


def implausible_birth(
    born: date, *, today: date, newborn: bool, siblings: Iterable[tuple[str, date]] = ()
) -> list[str]:
    """What looks wrong with a birth date, in plain Vietnamese: a "new birth" more than a year old, a child born
    a few months from another child of the household. Empty: nothing looks wrong."""
    problems = []
    age_days = (today - born).days
    if newborn and age_days > NEWBORN_DAYS:
        problems.append(
            _("ngày sinh %(day)s: trẻ đã %(age)s, không còn là trẻ mới sinh")
            % {"day": _day(born), "age": age_words(age_days)}
        )
    low, high = SIBLING_GAP_DAYS
    for name, other in siblings:
        gap = abs((born - other).days)
        if low <= gap < high:
            problems.append(
                _("ngày sinh %(day)s chỉ cách ngày sinh của %(name)s (%(other)s) %(gap)s")
                % {"day": _day(born), "name": name, "other": _day(other), "gap": gap_words(gap)}
            )
    return problems


@dataclass(frozen=True)
class OtherDose:
    """Another recorded dose of the same vaccine, and how many days after it this one is due by the schedule."""

    number: int
    given_on: date
    scheduled_gap_days: int


def implausible_dose(
    *,
    number: int,
    given_on: date,
    born: date,
    due_age_days: int | None,
    earlier: OtherDose | None = None,
    later: OtherDose | None = None,
) -> list[str]:
    """What looks wrong with a dose's date, in plain Vietnamese: given before the age of the schedule, before
    or too soon after the dose before it, after the dose after it. `earlier` is the recorded dose of the vaccine
    with the highest number below this one, `later` the one with the lowest number above."""
    problems = []
    day = _day(given_on)
    if due_age_days is not None and (given_on - born).days < due_age_days - DOSE_GRACE_DAYS:
        due_on = born + timedelta(days=due_age_days)
        months = round(due_age_days / 30.4375)  # the schedule's ages: 61 days is "2 tháng", 91 days "3 tháng"
        due = ngettext("%(n)s tháng tuổi", "%(n)s tháng tuổi", months) % {"n": months}
        problems.append(
            _("mũi %(n)s ngày %(day)s sớm hơn lịch: mũi này tiêm từ ngày %(due_on)s (trẻ %(due)s)")
            % {"n": number, "day": day, "due_on": _day(due_on), "due": due}
        )
    if earlier is not None:
        gap = (given_on - earlier.given_on).days
        words = {"n": number, "day": day, "m": earlier.number, "other": _day(earlier.given_on)}
        if gap < 0:
            problems.append(_("mũi %(n)s ngày %(day)s lại trước mũi %(m)s (ngày %(other)s)") % words)
        elif gap < earlier.scheduled_gap_days - DOSE_GRACE_DAYS:
            words |= {"gap": gap_words(gap), "scheduled": gap_words(earlier.scheduled_gap_days)}
            problems.append(
                _("mũi %(n)s chỉ cách mũi %(m)s (ngày %(other)s) %(gap)s; theo lịch hai mũi cách nhau %(scheduled)s")
                % words
            )
    if later is not None and later.given_on < given_on:
        problems.append(
            _("mũi %(n)s ngày %(day)s lại sau mũi %(m)s (ngày %(other)s)")
            % {"n": number, "day": day, "m": later.number, "other": _day(later.given_on)}
        )
    return problems


class Doubt(StrEnum):
    """What a form questions before it saves: the words of its warning and of its confirmation (lazy: a form's
    label is built at import)."""

    GROWTH = "growth"
    BIRTH = "birth"
    DOSE = "dose"

    @property
    def heading(self):
        return {
            Doubt.GROWTH: gettext_lazy("Số đo có vẻ chưa đúng"),
            Doubt.BIRTH: gettext_lazy("Ngày sinh có vẻ chưa đúng"),
            Doubt.DOSE: gettext_lazy("Ngày tiêm có vẻ chưa đúng"),
        }[self]

    @property
    def checked(self):
        """What the user says is right once checked: "số đo này đúng"."""
        return {
            Doubt.GROWTH: gettext_lazy("số đo này đúng"),
            Doubt.BIRTH: gettext_lazy("ngày sinh này đúng"),
            Doubt.DOSE: gettext_lazy("ngày tiêm này đúng"),
        }[self]

    @property
    def send_anyway(self):
        """The label of the collaborator's "vẫn gửi"."""
        return format_lazy(gettext_lazy("Vẫn gửi: tôi đã kiểm tra lại, {checked}"), checked=self.checked)

    @property
    def save_anyway(self):
        """The label of the officer's confirmation."""
        return format_lazy(gettext_lazy("Đã kiểm tra lại: {checked}"), checked=self.checked)


def implausible_message(problems: list[str], doubt: Doubt = Doubt.GROWTH, *, sending: bool = True) -> str:
    """The sentence a form shows above its fields: the collaborator's (`sending`: "vẫn gửi" and send again) or
    the officer's (confirm and save)."""
    words = {"heading": doubt.heading, "problems": "; ".join(problems)}
    if sending:
        return _("%(heading)s: %(problems)s. Kiểm tra lại; nếu đúng, đánh dấu “vẫn gửi” rồi gửi lại.") % words
    return _("%(heading)s: %(problems)s. Kiểm tra lại; nếu đúng, đánh dấu xác nhận rồi lưu.") % words


# --- a household ----------------------------------------------------------------------------------------


def household_code_free(code: str, *, taken: bool) -> str:
    """A household's code is unique in its commune (the caller says whether this one is already used there)."""
    code = code.strip()
    if taken:
        raise ValidationError(_("Mã hộ %(code)s đã có trong xã.") % {"code": code}, code="household_code_taken")
    return code


def poverty_year(year: int, *, today: date | None = None) -> int:
    """A poverty classification is for a year from 2000 to next year (the review for next year happens now)."""
    if not FIRST_POVERTY_YEAR <= year <= (today or timezone.localdate()).year + 1:
        raise ValidationError(_("Năm không hợp lệ."), code="poverty_year")
    return year


# --- the same child -------------------------------------------------------------------------------------


class Sameness(StrEnum):
    SAME = "same"
    POSSIBLE = "possible"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Identity:
    """What tells one child from another. `household` is the household's id (or, for one not saved yet, its
    code); `name` is the full name without case, accents or extra spaces."""

    household: object
    name: str
    date_of_birth: date | None
    personal_id: str | None = None

    @classmethod
    def of(cls, *, household, full_name: str, date_of_birth: date | None, personal_id: str | None = None):
        return cls(household, fold(full_name), date_of_birth, personal_id or None)

    @classmethod
    def of_child(cls, child) -> "Identity":
        return cls(child.household_id, child.name_search, child.date_of_birth, child.personal_id or None)


def sameness(a: Identity, b: Identity) -> Sameness:
    """Two records are the same child when they carry the same personal ID, or the same name and birth date in
    the same household (no household has two children of one name born the same day: a different ID there is a
    correction). The same name and birth date in two households is possibly the same child (a move recorded
    twice), unless both carry a personal ID and the IDs differ: then they are two children."""
    if a.personal_id and a.personal_id == b.personal_id:
        return Sameness.SAME
    if a.date_of_birth is None or (a.name, a.date_of_birth) != (b.name, b.date_of_birth):
        return Sameness.DIFFERENT
    if a.household == b.household:
        return Sameness.SAME
    if a.personal_id and b.personal_id:
        return Sameness.DIFFERENT
    return Sameness.POSSIBLE


def same_child_keys(identity: Identity) -> list[tuple]:
    """Keys two identities share exactly when `sameness` says SAME (for matching thousands of import rows)."""
    keys: list[tuple] = [("id", identity.personal_id)] if identity.personal_id else []
    if identity.date_of_birth is not None:
        keys.append(("who", identity.household, identity.name, identity.date_of_birth))
    return keys


def possible_child_key(identity: Identity) -> tuple | None:
    """The key two identities share when `sameness` may say POSSIBLE (then it decides)."""
    return ("name", identity.name, identity.date_of_birth) if identity.date_of_birth is not None else None


def personal_id_taken(holder, *, commune_id: int) -> str:
    """A personal ID already held: the holder is named within the commune (the officer may open that record and
    merge); held in another commune, nothing is said of that child (identity.PERSONAL_ID_UNUSABLE)."""
    if holder.household.commune_id == commune_id:
        return _("Mã định danh này đã thuộc về %(name)s.") % {"name": holder.full_name}
    return str(PERSONAL_ID_UNUSABLE)


def already_in_household(child) -> str:
    return _("Hộ đã có trẻ %(name)s sinh ngày %(dob)s trong sổ: không tạo thêm.") % {
        "name": child.full_name,
        "dob": child.date_of_birth.strftime("%d/%m/%Y"),
    }


def not_registered_yet(identity: Identity, candidates: Iterable, *, commune_id: int) -> None:
    """One child, one record: refuse a new (or corrected) record that is the same child as one already kept."""
    for child in candidates:
        if sameness(identity, Identity.of_child(child)) != Sameness.SAME:
            continue
        if identity.personal_id and child.personal_id == identity.personal_id:
            raise ValidationError(
                {"personal_id": ValidationError(personal_id_taken(child, commune_id=commune_id), code="id_taken")}
            )
        raise ValidationError({"full_name": ValidationError(already_in_household(child), code="same_child")})


def possible_duplicate_message(children: Iterable) -> str:
    """The warning shown before a record that may be a child already kept is written (form, review, import)."""
    who = "; ".join(f"#{c.pk} {c.full_name} ({_('hộ')} {c.household.code})" for c in children)
    return _("Có thể trùng với trẻ đã có trong sổ (cùng họ tên và ngày sinh): %(who)s.") % {"who": who}


# --- running several rules ------------------------------------------------------------------------------


class Checks:
    """Runs rules and keeps every problem by field, so that all of them are shown at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def run(self, field: str, rule: Callable, *args, **kwargs):
        try:
            return rule(*args, **kwargs)
        except ValidationError as error:
            self.errors.setdefault(field, []).extend(error.error_list)
            return None

    def failed(self, field: str) -> bool:
        return field in self.errors

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
