from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import legal_forms
from cases.models import Case
from children.forms import vietnamese_inputs
from children.models import Child
from tanloi_portal.models import Hamlet


class IntakeForm(forms.Form):
    """Mẫu 01. The child is found by a search (the registry is too long for one list): the select offers the
    matches, and validation accepts any child the officer may see."""

    q = forms.CharField(
        label=_("Tìm trẻ trong sổ"),
        required=False,
        help_text=_("Tên (gõ có dấu hoặc không) hoặc mã hộ, rồi bấm “Tìm”. Những gì đã nhập được giữ nguyên."),
    )
    child = forms.ModelChoiceField(label=_("Trẻ"), queryset=Child.objects.none(), required=False)
    # A child not in the registry: who the report names, linked to the registry later.
    reported_name = forms.CharField(label=_("Tên trẻ được báo"), required=False, max_length=120)
    reported_age = forms.IntegerField(
        label=_("Tuổi ước chừng"), required=False, min_value=0, max_value=17, help_text=_("Để trống nếu không biết.")
    )
    reported_hamlet = forms.ModelChoiceField(
        label=_("Ấp/sóc nơi trẻ ở"), queryset=Hamlet.objects.none(), required=False
    )
    concern = forms.ChoiceField(label=_("Vấn đề được báo"), choices=Case.Concern.choices)
    channel = forms.ChoiceField(label=_("Nguồn tin"), choices=Case.Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"), widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"})
    )
    reporter_name = forms.CharField(label=_("Người báo tin (bảo mật)"), required=False, max_length=120)
    reporter_contact = forms.CharField(label=_("Liên hệ người báo tin (bảo mật)"), required=False, max_length=120)
    description = forms.CharField(label=_("Mô tả ban đầu"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, children, shown, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["reported_hamlet"].queryset = hamlets
        self.fields["child"].widget.choices = [("", "---")] + [
            (c.pk, f"{c.full_name} ({c.date_of_birth:%d/%m/%Y}, {c.household.code}, {c.household.hamlet.name})")
            for c in shown
        ]
        vietnamese_inputs(self)

    def case_data(self) -> dict:
        """What case_open takes: the child of the registry, or who the report names (case_open says what is
        missing, on these fields)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "q"}
        if data["child"] is not None:
            for name in ("reported_name", "reported_age", "reported_hamlet"):
                data.pop(name)
        return data


class LinkChildForm(forms.Form):
    """The child of the registry a case received about a child not in it is about: found by a search, as at the
    intake."""

    q = forms.CharField(
        label=_("Tìm trẻ trong sổ"), required=False, help_text=_("Tên (gõ có dấu hoặc không) hoặc mã hộ.")
    )
    child = forms.ModelChoiceField(label=_("Trẻ"), queryset=Child.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, children, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].widget.choices = [("", "---")] + [
            (c.pk, f"{c.full_name} ({c.date_of_birth:%d/%m/%Y}, {c.household.code}, {c.household.hamlet.name})")
            for c in shown
        ]
        vietnamese_inputs(self)


def _field_for(spec: legal_forms.Field) -> forms.Field:
    """A form field for one field of a legal form (the service checks the value again)."""
    common = {"label": spec.label, "required": spec.required}
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "---"), *spec.choices], **common)
    if spec.kind == "choices":
        return forms.MultipleChoiceField(choices=spec.choices, widget=forms.CheckboxSelectMultiple, **common)
    if spec.kind == "yesno":
        choices = [("", "---"), ("1", _("Có")), ("0", _("Không"))]
        return forms.TypedChoiceField(choices=choices, coerce=lambda v: v == "1", empty_value=None, **common)
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}), **common)
    if spec.kind == "days":
        return forms.IntegerField(min_value=1, **common)
    if spec.kind == "longtext":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=200, **common)


class StepForm(forms.Form):
    """One step of the process: when it happened, the structured fields of its legal form, and free text."""

    when = forms.DateTimeField(
        label=_("Thời điểm"),
        required=False,
        help_text=_("Để trống là bây giờ."),
        widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in legal_forms.FIELDS[action]:
            self.fields[spec.name] = _field_for(spec)
        labels = {
            "close": _("Tình trạng của trẻ khi đóng hồ sơ"),
            "return_to_planning": _("Lý do không đóng hồ sơ"),
            "return_plan": _("Lý do trả lại kế hoạch"),
        }
        self.fields["text"] = forms.CharField(
            label=labels.get(action, _("Nội dung, ghi chú")),
            required=action in labels,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        vietnamese_inputs(self)

    def form_data(self) -> dict:
        """The legal form's fields, as the service takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("when", "text", "version")}


class TaskResultForm(forms.Form):
    result = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    # Unticked unless the unit ticks it: saving a progress note must not close the task.
    done = forms.BooleanField(label=_("Đã hoàn thành"), required=False)


class AssignForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    what = forms.CharField(label=_("Nhiệm vụ"), max_length=255)
    due_on = forms.DateField(label=_("Hạn"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "---")] + [(u.pk, u.name) for u in units]
        vietnamese_inputs(self)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    corrects = forms.TypedChoiceField(
        label=_("Đính chính dòng"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Để trống nếu đây là ghi chú mới. Dòng được đính chính vẫn giữ nguyên."),
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].choices = [("", "---")] + [
            (row.entry.pk, f"{timezone.localtime(row.entry.at):%H:%M %d/%m/%Y} · {row.title}") for row in entries
        ]


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Tên tài liệu"), max_length=200, required=False)
    upload = forms.FileField(
        label=_("Tệp (PDF, JPEG, PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
