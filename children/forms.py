from django import forms
from django.utils.translation import gettext_lazy as _

from children.models import Child


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm tên trẻ hoặc mã hộ"), required=False, max_length=120)
    hamlet = forms.TypedChoiceField(label=_("Ấp/sóc"), required=False, coerce=int, empty_value=None)
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=[("", _("Tất cả")), *Child.Sex.choices])
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *Child.Status.choices]
    )

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = [("", _("Tất cả")), *((h.pk, h.name) for h in hamlets)]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm mã hộ hoặc tên chủ hộ"), required=False, max_length=120)
    hamlet = forms.TypedChoiceField(label=_("Ấp/sóc"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = [("", _("Tất cả")), *((h.pk, h.name) for h in hamlets)]
