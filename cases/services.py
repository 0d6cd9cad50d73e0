"""The case process as a state machine: each step is a function that checks the order of the steps, the
dates, who acts and that nobody changed the case meanwhile, then appends the step to the timeline.
Nobody writes case.status directly."""

import copy
import uuid
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases import legal_forms
from cases.deadlines import end_of, own_due_at
from cases.models import Assignment, Attachment, Case, Task, TimelineEntry
from cases.rules import STEPS, may_assign, may_contribute, may_record_result
from children.household_updates import update_mark_received
from children.signals import registry_changed
from tanloi_portal.models import Role
from tanloi_portal.text import fold

S = Case.Status


class ConcurrentEdit(ValidationError):
    pass


def _check_when(case: Case, when: datetime) -> None:
    if when < case.received_at:
        raise ValidationError({"when": _("Thời điểm không được trước lúc tiếp nhận.")})
    if when > timezone.now():
        raise ValidationError({"when": _("Thời điểm không được ở tương lai.")})


def _after(case: Case, fields: dict) -> Case:
    """The case as a step's fields will leave it (unsaved), to compute the deadline it stores with them."""
    after = copy.copy(case)
    for name, value in fields.items():
        setattr(after, name, value)
    return after


def _bump(case: Case, *, expected_version: int, by, **fields) -> Case:
    """Apply fields if nobody changed the case since `expected_version`; else say who did and when."""
    changed = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_by=by, updated_at=timezone.now(), **fields
    )
    if not changed:
        _raise_concurrent(case)
    case.refresh_from_db()
    # An update bypasses the model's signals: say what changed, so that figures (9: abuse) follow.
    _figures_follow(case)
    return case


def _figures_follow(case: Case) -> None:
    """Say a case changed, so that the figures that count it (9: abuse) are computed again: its child's, or its
    commune's for a child not in the registry."""
    first_year = timezone.localtime(case.received_at).year
    if case.child_id:
        registry_changed.send(sender=Case, child_id=case.child_id, first_year=first_year)
    else:
        registry_changed.send(sender=Case, commune=case.commune, first_year=first_year)


def _raise_concurrent(case: Case):
    case = Case.objects.select_related("updated_by").get(pk=case.pk)
    who = (case.updated_by.full_name or case.updated_by.username) if case.updated_by else "?"
    at = timezone.localtime(case.updated_at).strftime("%H:%M %d/%m/%Y")
    raise ConcurrentEdit(
        _("Hồ sơ vừa được %(who)s thay đổi lúc %(at)s: tải lại trang rồi làm lại.") % {"who": who, "at": at}
    )


@transaction.atomic
def case_open(
    *,
    child=None,
    concern: str,
    channel: str,
    received_at: datetime,
    description: str,
    by,
    reporter_name: str = "",
    reporter_contact: str = "",
    lead_unit=None,
    from_update=None,
    reported_name: str = "",
    reported_age: int | None = None,
    reported_hamlet=None,
) -> Case:
    """Step 1 (Mẫu 01): receive the report, about a child of the registry or, when the child is not in it, about
    the child it names (name, approximate age, hamlet), linked later (case_link_child)."""
    if by.role != Role.OFFICER:
        raise PermissionDenied
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("Thời điểm tiếp nhận không được ở tương lai.")})
    if child is not None:
        commune_id, reported_name, reported_age, reported_hamlet = child.household.commune_id, "", None, None
    else:
        reported_name = " ".join((reported_name or "").split())
        errors = {}
        if not reported_name:
            errors["reported_name"] = _("Chọn trẻ trong sổ, hoặc ghi tên trẻ được báo (tên gọi cũng được).")
        if reported_hamlet is None or reported_hamlet.commune_id != by.commune_id:
            errors["reported_hamlet"] = _("Chọn ấp/sóc nơi trẻ ở.")
        if errors:
            raise ValidationError(errors)
        commune_id = reported_hamlet.commune_id
    case = Case(
        commune_id=commune_id, child=child, concern=concern, channel=channel, received_at=received_at,
        description=description, reporter_name=reporter_name, reporter_contact=reporter_contact, lead_unit=lead_unit,
        from_update=from_update, opened_by=by, updated_by=by, reported_name=reported_name, reported_age=reported_age,
        reported_hamlet=reported_hamlet,
    )  # fmt: skip
    case.due_at = own_due_at(case)
    case.full_clean()
    case.save()
    TimelineEntry.objects.create(case=case, kind="step", form="Mẫu 01", status=S.INTAKE, text=description, by=by)
    if from_update is not None:
        # The collaborator's concern is now a case (which holds the link, Case.from_update): the registry marks it
        # received, and it leaves their "waiting" list.
        update_mark_received(update=from_update, by=by)
    return case


@transaction.atomic
def case_link_child(*, case: Case, child, by, expected_version: int) -> Case:
    """A case received about a child not in the registry, linked to the child's record once it is there: the
    timeline says so, what the report said of the child stays as it was written, and the figures follow."""
    if by.role != Role.OFFICER or by.commune_id != case.commune_id:
        raise PermissionDenied
    if child.household.commune_id != case.commune_id:
        raise PermissionDenied
    if case.child_id is not None:
        raise ValidationError(_("Hồ sơ này đã gắn với trẻ %(name)s.") % {"name": case.child.full_name})
    case = _bump(case, expected_version=expected_version, by=by, child=child)
    TimelineEntry.objects.create(
        case=case,
        kind=TimelineEntry.Kind.NOTE,
        text=_("Đã gắn với trẻ trong sổ: %(name)s (%(dob)s), hộ %(code)s. Khi tiếp nhận, báo là: %(reported)s.")
        % {
            "name": child.full_name,
            "dob": child.date_of_birth.strftime("%d/%m/%Y"),
            "code": child.household.code,
            "reported": case.reported_name,
        },
        by=by,
    )
    return case


@transaction.atomic
def case_step(
    *,
    case: Case,
    action: str,
    by,
    expected_version: int,
    when: datetime | None = None,
    data: dict | None = None,
    text: str = "",
) -> Case:
    """Take one step of the process: refused if out of order, by the wrong role, dated wrongly or stale (the
    step's record in cases.rules says from where, by whom and what refuses it)."""
    step = STEPS[action]
    if not step.taken_by(by):
        raise PermissionDenied
    case = Case.objects.select_for_update().get(pk=case.pk)
    if by.commune_id != case.commune_id:
        raise PermissionDenied
    if case.version != expected_version:  # someone saved since this page was opened: say who, change nothing
        _raise_concurrent(case)
    if refusal := step.refusal_for(case):
        raise ValidationError(refusal)
    when = when or timezone.now()
    _check_when(case, when)
    data = legal_forms.clean(
        action, data or {}, earliest=timezone.localtime(case.received_at).date(), today=timezone.localdate()
    )
    # The review's proposal holds until the next step.
    fields = {"status": step.to, "recommendation": data.get("recommendation", "")}
    if action == "assess":
        fields.update(risk=data["risk"], immediate_danger=data["immediate_danger"])
    if action in ("assess", "detail") and "confirmed" in data:
        fields["confirmed"] = data["confirmed"]
    if action == "detail":
        fields["protection_level"] = data["protection_level"]
    if action == "draft_plan":
        fields["review_on"] = data["review_on"]
    if action == "return_to_planning" and not text.strip():
        raise ValidationError({"text": _("Ghi lý do không đóng hồ sơ.")})
    if action == "return_plan" and not text.strip():
        raise ValidationError({"text": _("Ghi lý do trả lại kế hoạch.")})
    sent_back = action in ("return_to_planning", "return_plan")
    if sent_back or (action == "review" and data["recommendation"] == "plan_again"):
        fields["replan_from"] = when
    if action == "close":
        if not text.strip():
            raise ValidationError({"text": _("Ghi tình trạng của trẻ khi đóng hồ sơ.")})
        fields.update(outcome_kind=data["outcome"], outcome=text, closed_at=when)
    case = _bump(case, expected_version=expected_version, by=by, **fields, due_at=own_due_at(_after(case, fields)))
    entry = {**data, "action": action, "when": when.isoformat()}
    TimelineEntry.objects.create(
        case=case, kind="step", form=step.legal_form, status=step.to, data=entry, text=text, by=by
    )
    return case


@transaction.atomic
def case_assign(*, case: Case, unit, by, tasks: list[tuple[str, date]]) -> Assignment:
    """Assign a unit to the case (once) with tasks, each with its due date."""
    if by.role != Role.OFFICER or by.commune_id != case.commune_id:
        raise PermissionDenied
    if not may_assign(by, case):
        raise ValidationError(_("Hồ sơ đã đóng."))
    if unit.commune_id != case.commune_id:
        raise ValidationError(_("Đơn vị không thuộc xã của hồ sơ."))
    received_day = timezone.localtime(case.received_at).date()
    for what, due in tasks:
        if not what.strip():
            raise ValidationError({"what": _("Ghi nhiệm vụ.")})
        if due < received_day:
            raise ValidationError({"due_on": _("Hạn không được trước ngày tiếp nhận.")})
    assignment, _created = Assignment.objects.get_or_create(case=case, unit=unit)
    for what, due in tasks:
        Task.objects.create(assignment=assignment, what=what, due_on=due, due_at=end_of(due))
    listed = {"unit": unit.name, "tasks": [[what, due.isoformat()] for what, due in tasks]}
    TimelineEntry.objects.create(case=case, kind="assignment", data=listed, by=by)
    return assignment


@transaction.atomic
def task_result(*, task: Task, by, result: str, done: bool = True) -> Task:
    """A unit records what it did; only staff of the assigned unit (or the officer) may."""
    case = task.assignment.case
    if not may_record_result(by, task.assignment):
        raise PermissionDenied
    if not result.strip():
        raise ValidationError({"result": _("Ghi kết quả thực hiện.")})
    task.result, task.status = result, Task.Status.DONE if done else Task.Status.OPEN
    task.save(update_fields=["result", "status"])
    entry = {"task": task.pk, "what": task.what, "done": done}
    TimelineEntry.objects.create(case=case, kind="task", data=entry, text=result, by=by)
    return task


def case_note(*, case: Case, by, text: str, corrects: TimelineEntry | None = None) -> TimelineEntry:
    """A note, or a correction of an earlier entry (which stays as it was)."""
    if not may_contribute(by, case):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Ghi nội dung.")})
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError(_("Dòng được đính chính không thuộc hồ sơ này."))
    kind = "correction" if corrects else "note"
    return TimelineEntry.objects.create(case=case, kind=kind, text=text, by=by, corrects=corrects)


# --- attachments ------------------------------------------------------------------------------------------

# The first bytes of the kinds of file a case may hold; the name's extension is not trusted.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def attachment_too_large_message() -> str:
    return _("Tệp lớn hơn mức %(size)s cho phép.") % {"size": filesizeformat(settings.CASE_ATTACHMENT_MAX_BYTES)}


def attachment_path(attachment: Attachment) -> Path:
    return Path(settings.PRIVATE_ROOT) / attachment.stored_as


def attachment_download(attachment: Attachment) -> tuple[str, str]:
    """(file name, content type) of the download, both from the type recognised in the file's first bytes:
    the uploader's name and extension ("poly.html" holding a PNG) are never used. The name is the title typed
    (without accents) or the kind of file, then the attachment's number: "bien-ban-ghi-loi-khai-12.pdf"."""
    extensions = {ctype: ext for _magic, ctype, ext in SIGNATURES}
    content_type = attachment.content_type if attachment.content_type in extensions else "application/octet-stream"
    ext = extensions.get(content_type, "bin")
    # A title left blank was filled with the uploaded file's name: that one is not used either.
    typed = attachment.title if attachment.title != attachment.filename else ""
    base = slugify(fold(typed))[:60].strip("-") or ("anh" if content_type.startswith("image/") else "tai-lieu")
    return f"{base}-{attachment.pk}.{ext}", content_type


def attachment_add(*, case: Case, by, upload, title: str = "") -> Attachment:
    """Keep a PDF or image with the case, outside the web root, and note it on the timeline."""
    if not may_contribute(by, case):
        raise PermissionDenied
    if upload.size > settings.CASE_ATTACHMENT_MAX_BYTES:
        raise ValidationError({"upload": attachment_too_large_message()})
    if upload.size == 0:
        raise ValidationError({"upload": _("Tệp rỗng.")})
    head = upload.read(16)
    upload.seek(0)
    kind = next(((ctype, ext) for magic, ctype, ext in SIGNATURES if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError({"upload": _("Chỉ nhận tệp PDF, JPEG hoặc PNG.")})
    content_type, ext = kind
    stored_as = f"cases/{case.pk}/{uuid.uuid4().hex}.{ext}"
    path = Path(settings.PRIVATE_ROOT) / stored_as
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    filename = Path(upload.name or f"tep.{ext}").name[:200]
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                case=case, title=(title.strip() or filename)[:200], filename=filename, stored_as=stored_as,
                content_type=content_type, size=upload.size, uploaded_by=by,
            )  # fmt: skip
            entry = {"attachment": attachment.pk, "title": attachment.title, "size": attachment.size}
            TimelineEntry.objects.create(case=case, kind="attachment", data=entry, by=by)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment
