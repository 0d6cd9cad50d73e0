from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from children.forms import vietnamese_inputs
from indicators.calculators import CALCULATORS, Result, value_of
from indicators.models import Measurement, PlanText
from indicators.services import PLAN_TEXT_FIELDS


class MeasurementForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"))
    half = forms.TypedChoiceField(label=_("Kỳ"), coerce=int, choices=Measurement._meta.get_field("half").choices)
    hamlet = forms.TypedChoiceField(label=_("Phạm vi"), coerce=int, required=False, empty_value=None)
    value = forms.DecimalField(label=_("Giá trị"), max_digits=12, decimal_places=3, required=False)
    numerator = forms.DecimalField(label=_("Tử số"), max_digits=14, decimal_places=3, required=False)
    denominator = forms.DecimalField(label=_("Mẫu số"), max_digits=14, decimal_places=3, required=False, min_value=0)
    note = forms.CharField(label=_("Ghi chú, nguồn số liệu"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, metric, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.metric = metric
        self.fields["hamlet"].choices = [("", _("Toàn xã"))] + [(h.pk, h.name) for h in hamlets]
        self.fields["year"].initial = timezone.localdate().year
        vietnamese_inputs(self)
        if metric.code in CALCULATORS:
            self.fields["note"].label = _("Lý do nhập thay số liệu tính từ sổ (bắt buộc)")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2015 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Năm từ 2015 đến năm nay."))
        return year

    def clean(self):
        cleaned = super().clean()
        value, numerator, denominator = (cleaned.get(k) for k in ("value", "numerator", "denominator"))
        if value is None and (numerator is None or not denominator):
            raise forms.ValidationError(_("Nhập giá trị, hoặc tử số và mẫu số (mẫu số khác 0)."))
        if numerator is not None and numerator < 0:
            self.add_error("numerator", _("Tử số không được âm."))
        if value is None and numerator is not None and denominator:
            # The same rule as the calculators: a reduction for metric 13, the unit's factor otherwise.
            value = cleaned["value"] = value_of(Result(numerator, denominator), self.metric.unit)
        if self.metric.code in CALCULATORS and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Chỉ số này tính từ sổ theo dõi: ghi lý do nhập thay."))
        if self.metric.unit == "percent" and value is not None and not 0 <= value <= 100:
            self.add_error("value", _("Tỷ lệ phần trăm từ 0 đến 100."))
        return cleaned


class BaselineForm(forms.Form):
    """The officer's choice of a metric's base year, with the reason (going back to the first complete year
    is a button of its own: a form sent without a year changes nothing)."""

    year = forms.TypedChoiceField(label=_("Năm gốc"), coerce=int)
    reason = forms.CharField(label=_("Lý do chọn năm gốc"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        years = range(min(plan.start_year, plan.base_year), timezone.localdate().year)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["reason"].error_messages["required"] = _("Ghi lý do chọn năm gốc này.")
        vietnamese_inputs(self)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Ghi lý do chọn năm gốc này."))
        return reason


class PlanTextForm(forms.ModelForm):
    """The plan's words, as the officer edits them before the clerk prints or exports the plan."""

    class Meta:
        model = PlanText
        fields = list(PLAN_TEXT_FIELDS)
        widgets = {
            "grounds": forms.Textarea(attrs={"rows": 4}),
            "purposes": forms.Textarea(attrs={"rows": 8}),
            "general_objective": forms.Textarea(attrs={"rows": 5}),
            "activities": forms.Textarea(attrs={"rows": 20}),
            "solutions": forms.Textarea(attrs={"rows": 14}),
            "closing": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vietnamese_inputs(self)

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day and not 2015 <= day.year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Ngày ban hành từ năm 2015 đến năm sau."))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("number") and not cleaned.get("issued_on"):
            self.add_error("issued_on", _("Kế hoạch đã có số thì ghi cả ngày ban hành."))
        return cleaned
