"""The collaborator's "report a change" forms, one per kind. Few fields, big targets, dd/mm/yyyy dates.

The same form validates the collaborator's submission and, at approval, the payload again (possibly edited
by the officer), so what is applied is always what a form accepted.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from children import rules
from children.ethnicities import DEFAULT
from children.forms import confirm, ethnicity_field, vietnamese_inputs
from children.models import Child, Death, Disability, SchoolEnrolment, SpecialCircumstanceGroup
from children.selectors import birth_problems, growth_problems

YES_NO = [(True, _("Có")), (False, _("Chưa"))]


class UpdateForm(forms.Form):
    """Base: dates typed dd/mm/yyyy, never in the future; the household's children to choose from."""

    needs_child = True

    child = forms.TypedChoiceField(label=_("Trẻ"), coerce=int)

    def __init__(self, *args, household, reviewing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        # The officer's copy of the form (the review, "Sửa rồi duyệt"): the officer confirms on the review page.
        self.reviewing = reviewing
        if self.needs_child:
            children = household.children.filter(status=Child.Status.LIVING).order_by("date_of_birth")
            self.children = {c.pk: c for c in children}
            self.fields["child"].choices = [("", "---")] + [
                (c.pk, f"{c.full_name} ({c.date_of_birth:%d/%m/%Y})") for c in self.children.values()
            ]
        else:
            del self.fields["child"]
        vietnamese_inputs(self)

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        child = self.children.get(cleaned.get("child")) if self.needs_child else None
        if self.needs_child and cleaned.get("child") is not None and child is None:
            self.add_error("child", _("Trẻ này không thuộc hộ hoặc không còn sống tại hộ."))
        for name, f in self.fields.items():
            value = cleaned.get(name)
            if isinstance(f, forms.DateField) and value:
                if value > today:
                    self.add_error(name, _("Ngày không được ở tương lai."))
                elif child and value < child.date_of_birth:
                    self.add_error(name, _("Ngày không được trước ngày sinh của trẻ."))
        cleaned["child_obj"] = child
        return cleaned


class Questioned(forms.Form):
    """A form that questions what looks wrong (`find_problems`, in plain words from children.rules) before it is
    sent: the collaborator who has checked it again ticks "vẫn gửi" (hidden until then) and sends it as it is; the
    officer's copy (`reviewing`) keeps the problems for the review page, which asks the officer to confirm."""

    doubt: rules.Doubt
    confirm_implausible = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []
        confirm = self.fields.pop("confirm_implausible")
        if not self.reviewing:
            confirm.label = self.doubt.send_anyway
            self.fields["confirm_implausible"] = confirm  # after the form's own fields

    def find_problems(self, cleaned) -> list[str]:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.problems = self.find_problems(cleaned)
        if not self.reviewing:
            confirm(self, self.problems, self.doubt, sending=True)
        return cleaned


class NewBirthForm(Questioned, UpdateForm):
    doubt = rules.Doubt.BIRTH
    newborn = True
    needs_child = False
    full_name = forms.CharField(label=_("Họ và tên trẻ"), max_length=120)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Child.Sex.choices, widget=forms.RadioSelect)
    date_of_birth = forms.DateField(label=_("Ngày sinh"))
    # Blank is Kinh, as in the import; any name people write for the group is taken (children.rules.ethnicity).
    ethnicity = ethnicity_field(required=False, help_text=_("Để trống là Kinh."))
    birth_registered = forms.TypedChoiceField(
        label=_("Đã đăng ký khai sinh?"), choices=YES_NO, coerce=lambda v: v in (True, "True"), widget=forms.RadioSelect
    )

    def clean_full_name(self):
        return rules.full_name(self.cleaned_data["full_name"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        rules.birth_date(born)
        rules.registrable_age(born)
        return born

    def clean_ethnicity(self):
        value = self.cleaned_data.get("ethnicity")
        return rules.ethnicity(value) if value else DEFAULT

    def find_problems(self, cleaned) -> list[str]:
        if not cleaned.get("date_of_birth"):
            return []
        return birth_problems(household=self.household, born=cleaned["date_of_birth"], newborn=self.newborn)


class MovedInForm(NewBirthForm):
    newborn = False
    birth_registered = None
    moved_in_on = forms.DateField(label=_("Ngày chuyển đến"))

    def clean_moved_in_on(self):
        born, moved = self.cleaned_data.get("date_of_birth"), self.cleaned_data["moved_in_on"]
        if born and moved < born:
            raise forms.ValidationError(_("Ngày không được trước ngày sinh của trẻ."))
        return moved


class MovedAwayForm(UpdateForm):
    moved_on = forms.DateField(label=_("Ngày chuyển đi"))


class DeathUpdateForm(UpdateForm):
    died_on = forms.DateField(label=_("Ngày mất"))
    cause = forms.ChoiceField(label=_("Nguyên nhân"), choices=Death.Cause.choices, widget=forms.RadioSelect)


class DropoutForm(UpdateForm):
    dropped_on = forms.DateField(label=_("Ngày bỏ học"))
    reason = forms.CharField(label=_("Lý do bỏ học"), max_length=255)


class SchoolReturnForm(UpdateForm):
    returned_on = forms.DateField(label=_("Ngày đi học lại"))
    level = forms.ChoiceField(label=_("Cấp học"), choices=SchoolEnrolment.Level.choices)
    school = forms.CharField(label=_("Trường"), max_length=200)


class GrowthUpdateForm(Questioned, UpdateForm):
    doubt = rules.Doubt.GROWTH
    measured_on = forms.DateField(label=_("Ngày cân đo"))
    # The physiological bounds are the measurement's own (children.rules), in the same words as on the child page.
    weight_kg = forms.DecimalField(label=_("Cân nặng (kg)"), max_digits=5, decimal_places=2, required=False)
    height_cm = forms.DecimalField(label=_("Chiều cao (cm)"), max_digits=5, decimal_places=1, required=False)

    def clean_weight_kg(self):
        rules.measurement_in_range("weight_kg", self.cleaned_data["weight_kg"])
        return self.cleaned_data["weight_kg"]

    def clean_height_cm(self):
        rules.measurement_in_range("height_cm", self.cleaned_data["height_cm"])
        return self.cleaned_data["height_cm"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("weight_kg") is None and cleaned.get("height_cm") is None and not self.has_error("weight_kg"):
            raise forms.ValidationError(_("Nhập ít nhất cân nặng hoặc chiều cao."))
        return cleaned

    def find_problems(self, cleaned) -> list[str]:
        child = cleaned.get("child_obj")
        if child is None or not cleaned.get("measured_on"):
            return []
        return growth_problems(
            child=child,
            measured_on=cleaned["measured_on"],
            weight_kg=cleaned.get("weight_kg"),
            height_cm=cleaned.get("height_cm"),
        )


class CircumstanceUpdateForm(UpdateForm):
    group = forms.TypedChoiceField(label=_("Nhóm hoàn cảnh đặc biệt"), coerce=int)
    started_on = forms.DateField(label=_("Từ ngày"))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "---")] + [
            (g.number, str(g)) for g in SpecialCircumstanceGroup.objects.order_by("number")
        ]


class DisabilityUpdateForm(UpdateForm):
    kind = forms.ChoiceField(label=_("Dạng tật"), choices=Disability.Kind.choices)
    # The collaborator may not know the degree: the officer sets it before approving.
    severity = forms.ChoiceField(
        label=_("Mức độ (nếu biết)"), choices=[("", _("Chưa rõ")), *Disability.Severity.choices], required=False
    )
    noticed_on = forms.DateField(label=_("Ngày phát hiện"))
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SafetyConcernForm(UpdateForm):
    child = forms.TypedChoiceField(label=_("Trẻ (nếu biết)"), coerce=int, required=False, empty_value=None)
    urgent = forms.TypedChoiceField(
        label=_("Trẻ đang gặp nguy hiểm ngay?"),
        choices=[(False, _("Không")), (True, _("Có, cần xử lý ngay"))],
        coerce=lambda v: v in (True, "True"),
        widget=forms.RadioSelect,
    )
    description = forms.CharField(label=_("Mô tả điều đã thấy hoặc nghe"), widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(UpdateForm):
    needs_child = False
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 4}))
