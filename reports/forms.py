from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import TEXT_FIELDS, ProgressReport


class ReportStartForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"))
    half = forms.TypedChoiceField(
        label=_("Kỳ báo cáo"), coerce=int, choices=ProgressReport._meta.get_field("half").choices
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = list(years)
        self.fields["year"] = forms.TypedChoiceField(label=_("Năm"), coerce=int, choices=[(y, y) for y in self.years])


class ReportTextForm(forms.Form):
    """The officer's sections, and a box per objective beside its figures."""

    def __init__(self, *args, report: ProgressReport, objectives: list[tuple[int, str]], **kwargs):
        initial = {f: getattr(report, f) for f in TEXT_FIELDS}
        initial.update({f"objective_{n}": report.objective_texts.get(str(n), "") for n, _title in objectives})
        super().__init__(*args, initial=initial, **kwargs)
        model = ProgressReport._meta
        for name in TEXT_FIELDS:
            self.fields[name] = forms.CharField(
                label=model.get_field(name).verbose_name, required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        for number, title in objectives:
            self.fields[f"objective_{number}"] = forms.CharField(
                label=_("Mục tiêu %(n)s: %(title)s") % {"n": number, "title": title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.order_fields(["grounds", "situation", "results", *[f"objective_{n}" for n, _t in objectives]])
        self.objectives = objectives

    def texts(self) -> dict:
        return {f: self.cleaned_data[f] for f in TEXT_FIELDS}

    def objective_texts(self) -> dict:
        return {str(n): self.cleaned_data[f"objective_{n}"] for n, _title in self.objectives}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}))
