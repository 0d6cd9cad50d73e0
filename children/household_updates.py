"""Collaborators' household updates: submit (idempotent), then the officer approves or rejects.

Approving applies the change through the registry services in the same transaction as the state change,
with the update recorded as the reason of every history row it writes. The state change is a conditional
UPDATE (waiting -> approved), so two officers approving at once apply the change once.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from children import services, update_forms
from children.ethnicities import DEFAULT as DEFAULT_ETHNICITY
from children.models import (
    BirthRegistration,
    Child,
    CircumstanceMembership,
    Disability,
    GrowthMeasurement,
    Household,
    HouseholdUpdate,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
)
from children.rules import Doubt, Identity, Sameness, sameness
from children.selectors.profile import UPDATE_REASON
from children.selectors.registry import current_school_year, same_child_candidates
from tanloi_portal.models import Role
from tanloi_portal.numbers import format_number

Kind = HouseholdUpdate.Kind


class AlreadyReviewed(ValidationError):
    pass


class ReceivedElsewhere(ValidationError):
    """A kind of report the registry never applies (a concern about a child's safety): it is received where it is
    handled (see RECEIVERS), never just approved."""

    def __init__(self):
        super().__init__(_("Báo cáo này không được duyệt vào sổ: tiếp nhận ở trang xử lý."))


def _new_child(household, data, by, **extra) -> Child:
    # The service refuses a child the household already has (children.rules.sameness), with the rule's message.
    return services.child_register(
        household=household,
        full_name=data["full_name"],
        sex=data["sex"],
        date_of_birth=data["date_of_birth"],
        ethnicity=data.get("ethnicity") or DEFAULT_ETHNICITY,
        by=by,
        **extra,
    )


def _apply_new_birth(household, child, data, by) -> Child:
    born = _new_child(household, data, by)
    if data["birth_registered"]:
        # The collaborator knows it was registered, not when: the officer completes the date later.
        services.fact_save(fact=BirthRegistration(child=born, registered_on=None), by=by)
    return born


def _apply_moved_in(household, child, data, by) -> Child:
    return _new_child(household, data, by, moved_in_on=data["moved_in_on"])


def _apply_moved_away(household, child, data, by) -> Child:
    return services.child_mark_moved_away(child=child, on=data["moved_on"], by=by)


def _apply_death(household, child, data, by) -> Child:
    services.child_record_death(child=child, died_on=data["died_on"], cause=data["cause"], by=by)
    return child


def _enrolment(child: Child, on) -> SchoolEnrolment | None:
    return SchoolEnrolment.objects.filter(child=child, school_year=current_school_year(on)).first()


def _apply_dropout(household, child, data, by) -> Child:
    enrolment = _enrolment(child, data["dropped_on"])
    if enrolment is None:
        raise ValidationError(
            _("Chưa ghi việc học của trẻ trong năm học này: ghi việc học trên trang của trẻ trước, rồi duyệt lại.")
        )
    enrolment.status = SchoolEnrolment.Status.DROPPED_OUT
    enrolment.status_date, enrolment.dropout_reason = data["dropped_on"], data["reason"]
    services.fact_save(fact=enrolment, by=by)
    return child


def _apply_school_return(household, child, data, by) -> Child:
    year = current_school_year(data["returned_on"])
    enrolment = _enrolment(child, data["returned_on"]) or SchoolEnrolment(child=child, school_year=year)
    enrolment.level, enrolment.school = data["level"], data["school"]
    enrolment.status, enrolment.status_date, enrolment.dropout_reason = SchoolEnrolment.Status.ENROLLED, None, ""
    services.fact_save(fact=enrolment, by=by)
    return child


def _apply_growth(household, child, data, by) -> Child:
    measurement = GrowthMeasurement(
        child=child, measured_on=data["measured_on"], weight_kg=data["weight_kg"], height_cm=data["height_cm"]
    )
    services.fact_save(fact=measurement, by=by, confirm_implausible=data.get("confirm_implausible", False))
    return child


def _apply_circumstance(household, child, data, by) -> Child:
    group = SpecialCircumstanceGroup.objects.get(number=data["group"])
    membership = CircumstanceMembership(child=child, group=group, started_on=data["started_on"], notes=data["notes"])
    services.fact_save(fact=membership, by=by)
    return child


def _apply_disability(household, child, data, by) -> Child:
    if not data["severity"]:
        raise ValidationError(_("Chọn mức độ khuyết tật (sửa rồi duyệt)."))
    disability = Disability(
        child=child,
        kind=data["kind"],
        severity=data["severity"],
        identified_on=data["noticed_on"],
        notes=data["notes"],
    )
    services.fact_save(fact=disability, by=by)
    return child


def _acknowledge(household, child, data, by) -> Child | None:
    # A safety concern is received by the app that handles it (update_mark_received); a note is read. Neither
    # changes the registry.
    return child


@dataclass(frozen=True)
class UpdateKind:
    form: type[update_forms.UpdateForm]
    apply: Callable
    # Fields of the child's current record shown beside the proposal (attribute, label).
    current: tuple[tuple[str, str], ...] = ()


_STATUS = (("get_status_display", gettext_lazy("tình trạng")),)
_SCHOOL = (("school_now", gettext_lazy("học tập năm nay")),)
_GROWTH = (("last_growth", gettext_lazy("lần cân đo trước")),)
_GROUPS = (("groups_now", gettext_lazy("nhóm hiện tại")),)
_DISABILITIES = (("disabilities_now", gettext_lazy("khuyết tật đã ghi")),)

KINDS: dict[str, UpdateKind] = {
    Kind.NEW_BIRTH: UpdateKind(update_forms.NewBirthForm, _apply_new_birth),
    Kind.MOVED_IN: UpdateKind(update_forms.MovedInForm, _apply_moved_in),
    Kind.MOVED_AWAY: UpdateKind(update_forms.MovedAwayForm, _apply_moved_away, _STATUS),
    Kind.DEATH: UpdateKind(update_forms.DeathUpdateForm, _apply_death, _STATUS),
    Kind.SCHOOL_DROPOUT: UpdateKind(update_forms.DropoutForm, _apply_dropout, _SCHOOL),
    Kind.SCHOOL_RETURN: UpdateKind(update_forms.SchoolReturnForm, _apply_school_return, _SCHOOL),
    Kind.GROWTH: UpdateKind(update_forms.GrowthUpdateForm, _apply_growth, _GROWTH),
    Kind.SPECIAL_CIRCUMSTANCE: UpdateKind(update_forms.CircumstanceUpdateForm, _apply_circumstance, _GROUPS),
    Kind.DISABILITY: UpdateKind(update_forms.DisabilityUpdateForm, _apply_disability, _DISABILITIES),
    Kind.SAFETY_CONCERN: UpdateKind(update_forms.SafetyConcernForm, _acknowledge),
    Kind.NOTE: UpdateKind(update_forms.NoteForm, _acknowledge),
}

# Kinds whose approval changes nothing in the registry (they are read, or received where they are handled).
ACKNOWLEDGED_ONLY = {Kind.SAFETY_CONCERN, Kind.NOTE}

# The review page's words for each kind: what the registry column says when it holds nothing to compare, and
# what the approving button does.
NOTHING_IN_REGISTRY = {
    Kind.NEW_BIRTH: gettext_lazy("Trẻ chưa có trong sổ: duyệt sẽ thêm trẻ vào hộ này."),
    Kind.MOVED_IN: gettext_lazy("Trẻ chưa có trong sổ: duyệt sẽ thêm trẻ vào hộ này."),
    Kind.NOTE: gettext_lazy("Ghi chú không thay đổi sổ: cán bộ đọc, lưu lại, rồi xử lý nếu cần."),
    Kind.SAFETY_CONCERN: gettext_lazy("Lo ngại được tiếp nhận thành hồ sơ trường hợp, không thay đổi sổ."),
}
NOTHING_IN_REGISTRY_OTHERWISE = gettext_lazy("Sổ chưa có thông tin này của trẻ.")
APPROVE_LABELS = {
    Kind.NEW_BIRTH: gettext_lazy("Duyệt: thêm trẻ vào sổ"),
    Kind.MOVED_IN: gettext_lazy("Duyệt: thêm trẻ vào sổ"),
    Kind.MOVED_AWAY: gettext_lazy("Duyệt: ghi trẻ đã chuyển đi"),
    Kind.DEATH: gettext_lazy("Duyệt: ghi trẻ đã tử vong"),
    Kind.NOTE: gettext_lazy("Đã đọc, lưu ghi chú"),
}
APPROVE_LABEL_OTHERWISE = gettext_lazy("Duyệt và cập nhật sổ")
# Kinds the officer never approves here: the app that handles them receives them (update_mark_received).
RECEIVED_ELSEWHERE = {Kind.SAFETY_CONCERN}


@dataclass(frozen=True)
class Receiver:
    """The page that receives a kind of report: its URL name, the query parameter carrying the report's id, and
    what the review page's button says."""

    url_name: str
    param: str
    label: object


# Registered by the app that receives each kind (receive_at, from its AppConfig.ready), so that the registry
# names no app above it.
RECEIVERS: dict[str, Receiver] = {}


def receive_at(kind: str, receiver: Receiver) -> None:
    """Declare the page that receives reports of `kind`: the review page links there, and an attempt to approve
    one is sent there."""
    if kind not in RECEIVED_ELSEWHERE:
        raise ValueError(f"{kind} is approved in the registry, not received elsewhere")
    RECEIVERS[kind] = receiver


def form_for(kind: str, household: Household, data=None, *, reviewing: bool = False):
    """The kind's form: the collaborator's, or the officer's copy (`reviewing`: a measurement that looks wrong is
    confirmed by the officer on the review page, not refused by the form)."""
    return KINDS[kind].form(data, household=household, reviewing=reviewing)


def _payload(cleaned: dict) -> dict:
    """What is stored: the form's cleaned values as JSON (dates ISO, decimals as text), without objects, and
    without the collaborator's "vẫn gửi" unless it was ticked."""
    plain = {k: v for k, v in cleaned.items() if k != "child_obj" and not (k == "confirm_implausible" and not v)}
    return json.loads(json.dumps(plain, cls=DjangoJSONEncoder))


def as_form_data(payload: dict) -> dict:
    return {k: ("" if v is None else v) for k, v in payload.items()}


def edit_form_for(update: HouseholdUpdate):
    """The form the officer may edit the proposal in, holding it as a person types it (13,2 kg, not 13.2)."""
    decimals = {n for n, f in KINDS[update.kind].form.base_fields.items() if isinstance(f, forms.DecimalField)}
    data = {
        k: format_number(Decimal(v)) if k in decimals and v not in (None, "") else v
        for k, v in as_form_data(update.payload).items()
    }
    return form_for(update.kind, update.household, data, reviewing=True)


def doubt_of(kind: str) -> Doubt | None:
    """What the kind's form questions (a measurement, a birth date), or None for a kind it never questions."""
    return getattr(KINDS[kind].form, "doubt", None)


def entry_warnings(update: HouseholdUpdate) -> list[str]:
    """What looks wrong in a report (a measurement, a birth date), in the words the collaborator was shown."""
    if doubt_of(update.kind) is None:
        return []
    form = form_for(update.kind, update.household, as_form_data(update.payload), reviewing=True)
    form.is_valid()
    return form.problems


@transaction.atomic
def update_submit(*, user, household: Household, kind: str, data, client_id: uuid.UUID) -> HouseholdUpdate:
    """Validate and store a collaborator's proposed change. The same client_id twice gives the first one back.

    Raises PermissionDenied for a household outside the collaborator's hamlet, ValidationError (with the
    form) for invalid fields.
    """
    if user.role != Role.COLLABORATOR or household.hamlet_id != user.hamlet_id:
        raise PermissionDenied
    existing = HouseholdUpdate.objects.filter(client_id=client_id).first()
    if existing is not None and existing.submitted_by_id != user.pk:
        raise PermissionDenied
    form = form_for(kind, household, data)
    if not form.is_valid():
        raise InvalidUpdate(form)
    if existing is not None:
        same = (existing.household_id, existing.kind, existing.payload) == (
            household.pk,
            kind,
            _payload(form.cleaned_data),
        )
        if not same:
            # The draft was sent once (the answer got lost), then edited: say so rather than drop the edit.
            raise ResentChanged(form, existing)
        return existing
    update = HouseholdUpdate(
        client_id=client_id,
        household=household,
        child=form.cleaned_data.get("child_obj"),
        kind=kind,
        payload=_payload(form.cleaned_data),
        submitted_by=user,
    )
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request stored it.
        return HouseholdUpdate.objects.get(client_id=client_id)
    return update


class InvalidUpdate(ValidationError):
    def __init__(self, form):
        self.form = form
        super().__init__(_("Thông tin chưa hợp lệ: xem các ô được đánh dấu."))


class ResentChanged(InvalidUpdate):
    """The same form was sent before with other content: the first version is stored already."""

    def __init__(self, form, existing: HouseholdUpdate):
        super().__init__(form)
        self.existing = existing
        self.message = _(
            "Bản trước của báo cáo này đã được gửi lúc %(when)s. Bấm Gửi để gửi bản đã sửa thành một báo cáo mới."
        ) % {"when": timezone.localtime(existing.submitted_at).strftime("%H:%M %d/%m/%Y")}


@transaction.atomic
def update_approve(
    *, update: HouseholdUpdate, by, edited: dict | None = None, confirm_implausible: bool = False
) -> HouseholdUpdate:
    """Apply the proposed (or the officer's edited) change to the registry and mark the update approved.

    A report whose form questions it (a measurement beyond WHO's plausibility limits, a birth date that looks
    wrong) is refused (services.Implausible) unless the officer confirms it (`confirm_implausible`), as on the
    child page. A safety concern is
    never approved here (ReceivedElsewhere): it is received by update_mark_received.

    All or nothing: if the change no longer fits the registry (the child was already marked deceased, say),
    a ValidationError explains why and neither the registry nor the update changes.
    """
    if update.kind in RECEIVED_ELSEWHERE:
        raise ReceivedElsewhere
    return _approve(update=update, by=by, edited=edited, confirm_implausible=confirm_implausible)


@transaction.atomic
def update_mark_received(*, update: HouseholdUpdate, by) -> HouseholdUpdate:
    """Mark a report the registry never applies (a safety concern) as received by whoever handles it, in their
    transaction: it leaves the collaborator's "waiting" list as approved. Checked and claimed as an approval is
    (once only: a second receipt is AlreadyReviewed; refused while the child is no longer living); the registry
    does not change."""
    if update.kind not in RECEIVED_ELSEWHERE:
        raise ValueError(f"a {update.kind} report is approved with update_approve")
    return _approve(update=update, by=by, edited=None, confirm_implausible=False)


def _approve(*, update: HouseholdUpdate, by, edited: dict | None, confirm_implausible: bool) -> HouseholdUpdate:
    claimed = HouseholdUpdate.objects.filter(pk=update.pk, state=HouseholdUpdate.State.WAITING).update(
        state=HouseholdUpdate.State.APPROVED, reviewed_by=by, reviewed_at=timezone.now()
    )
    if not claimed:
        raise AlreadyReviewed(reviewed_message(HouseholdUpdate.objects.select_related("reviewed_by").get(pk=update.pk)))
    update = HouseholdUpdate.objects.select_related("household", "child").get(pk=update.pk)
    payload = edited if edited is not None else update.payload
    form = form_for(update.kind, update.household, as_form_data(payload), reviewing=True)
    if update.child_id and update.child.status != Child.Status.LIVING:
        raise ValidationError(
            _("Không thể duyệt: trẻ %(name)s hiện ở tình trạng “%(status)s”.")
            % {"name": update.child.full_name, "status": update.child.get_status_display()}
        )
    if not form.is_valid():
        raise InvalidUpdate(form)
    data = form.cleaned_data
    if getattr(form, "problems", None) and not confirm_implausible:
        raise services.Implausible(form.problems, form.doubt)
    with services.change_reason(f"{UPDATE_REASON}{update.pk}"):
        applying = {**data, "confirm_implausible": confirm_implausible}
        result = KINDS[update.kind].apply(update.household, data.get("child_obj"), applying, by)
    update.state = HouseholdUpdate.State.APPROVED
    update.result_child = result
    proposed = {k: v for k, v in update.payload.items() if k != "confirm_implausible"}
    update.edited_by_officer = edited is not None and _payload(data) != proposed
    if update.edited_by_officer:
        update.applied_payload = _payload(data)  # the collaborator's proposal stays as it was sent
    update.save(update_fields=["result_child", "edited_by_officer", "applied_payload"])
    return update


def reviewed_message(update: HouseholdUpdate) -> str:
    """ "Already handled by X at T": what a second reviewer is told instead of applying the change twice."""
    who = update.reviewed_by
    return _("Cập nhật này đã được %(who)s xử lý lúc %(when)s (%(state)s).") % {
        "who": (who.full_name or who.username) if who else "?",
        "when": timezone.localtime(update.reviewed_at).strftime("%H:%M %d/%m/%Y") if update.reviewed_at else "?",
        "state": update.get_state_display(),
    }


@transaction.atomic
def update_reject(*, update: HouseholdUpdate, by, reason: str) -> HouseholdUpdate:
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do để cộng tác viên biết cần sửa gì.")})
    rejected = HouseholdUpdate.objects.filter(pk=update.pk, state=HouseholdUpdate.State.WAITING).update(
        state=HouseholdUpdate.State.REJECTED, reviewed_by=by, reviewed_at=timezone.now(), review_reason=reason.strip()
    )
    if not rejected:
        raise AlreadyReviewed(reviewed_message(HouseholdUpdate.objects.select_related("reviewed_by").get(pk=update.pk)))
    update.refresh_from_db()
    # The claim above is a queryset update, which tells no listener: saved once more through the model, so that
    # those who count the waiting updates (the dashboards' cache) hear of it, as they do of an approval.
    update.save(update_fields=["review_reason"])
    return update


def describe_current(update: HouseholdUpdate) -> list[tuple[str, str]]:
    """The child's current record beside the proposal, for the officer's review page."""
    child = update.child
    if child is None:
        return []
    rows = [(str(gettext_lazy("trẻ")), f"{child.full_name}, {child.date_of_birth:%d/%m/%Y}")]
    for attribute, label in KINDS[update.kind].current:
        rows.append((str(label), _current_value(child, attribute)))
    return rows


def _current_value(child: Child, attribute: str) -> str:
    if attribute == "get_status_display":
        return child.get_status_display()
    if attribute == "school_now":
        enrolment = _enrolment(child, timezone.localdate())
        return f"{enrolment} · {enrolment.get_status_display()}" if enrolment else "—"
    if attribute == "last_growth":
        last = child.growthmeasurement_set.order_by("-measured_on").first()
        if last is None:
            return "—"
        weight = format_number(last.weight_kg) if last.weight_kg is not None else "—"
        height = format_number(last.height_cm) if last.height_cm is not None else "—"
        return f"{last.measured_on:%d/%m/%Y}: {weight} kg, {height} cm"
    if attribute == "groups_now":
        return ", ".join(str(m.group) for m in child.circumstancemembership_set.filter(ended_on=None)) or "—"
    if attribute == "disabilities_now":
        return ", ".join(str(d) for d in child.disability_set.all()) or "—"
    raise KeyError(attribute)


def possible_duplicates(update: HouseholdUpdate) -> list[Child]:
    """For a new birth or a child moving in: children of other households of the commune who may be the same
    child (children.rules.sameness), shown to the officer before approving, as the child form warns."""
    if update.kind not in (Kind.NEW_BIRTH, Kind.MOVED_IN):
        return []
    form = form_for(update.kind, update.household, as_form_data(update.payload), reviewing=True)
    if not form.is_valid():
        return []
    data, household = form.cleaned_data, update.household
    identity = Identity.of(household=household.pk, full_name=data["full_name"], date_of_birth=data["date_of_birth"])
    candidates = same_child_candidates(commune_id=household.commune_id, identity=identity)
    return [c for c in candidates if sameness(identity, Identity.of_child(c)) == Sameness.POSSIBLE]


def describe_proposal(update: HouseholdUpdate, payload: dict | None = None) -> list[tuple[str, str]]:
    """The proposal's fields (or another payload of the same kind, e.g. what the officer applied) with their
    labels and values as a person reads them."""
    form = form_for(update.kind, update.household)
    rows = []
    for name, value in (update.payload if payload is None else payload).items():
        if name == "child" or name not in form.fields or (name == "confirm_implausible" and not value):
            continue
        field = form.fields[name]
        shown = value
        if isinstance(value, bool):
            shown = _("Có") if value else _("Không")
        if hasattr(field, "choices"):
            shown = dict((str(k), v) for k, v in field.choices).get(str(value), value)
        elif isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            shown = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
        elif value is None or value == "":
            shown = "—"
        elif isinstance(value, str) and name.endswith(("_kg", "_cm")):
            shown = format_number(Decimal(value))
        rows.append((str(field.label), str(shown)))
    return rows
