from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from children.forms import vietnamese_inputs


class IntakeForm(forms.Form):
    child = forms.TypedChoiceField(label=_("Trẻ (mã hồ sơ trẻ trong sổ)"), coerce=int)
    concern = forms.ChoiceField(label=_("Vấn đề được báo"), choices=Case.Concern.choices)
    channel = forms.ChoiceField(label=_("Nguồn tin"), choices=Case.Channel.choices)
    received_at = forms.DateTimeField(
        label=_("Thời điểm tiếp nhận"), widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"})
    )
    reporter_name = forms.CharField(label=_("Người báo tin (bảo mật)"), required=False, max_length=120)
    reporter_contact = forms.CharField(label=_("Liên hệ người báo tin (bảo mật)"), required=False, max_length=120)
    description = forms.CharField(label=_("Mô tả ban đầu"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "---")] + [
            (c.pk, f"{c.full_name} ({c.date_of_birth:%d/%m/%Y}, {c.household.code})") for c in children
        ]
        vietnamese_inputs(self)


class StepForm(forms.Form):
    """One step of the process: when it happened, the structured fields of its form, and free text."""

    when = forms.DateTimeField(label=_("Thời điểm"), required=False, help_text=_("Để trống là bây giờ."))
    risk = forms.ChoiceField(label=_("Mức độ nguy cơ"), choices=Case.Risk.choices, required=False)
    immediate_danger = forms.TypedChoiceField(
        label=_("Trẻ đang gặp nguy hiểm tức thời?"),
        choices=[("", "---"), ("1", _("Có")), ("0", _("Không"))],
        coerce=lambda v: v == "1",
        required=False,
        empty_value=None,
    )
    confirmed = forms.BooleanField(label=_("Đã xác minh trẻ bị xâm hại"), required=False)
    text = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        if action != "assess":
            for name in ("risk", "immediate_danger", "confirmed"):
                del self.fields[name]


class TaskResultForm(forms.Form):
    result = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("Đã hoàn thành"), required=False, initial=True)
