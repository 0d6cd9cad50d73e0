"""Registry forms. They validate and keep what was typed; services do the writing."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from children import rules
from children.ethnicities import DEFAULT, ETHNICITIES, OTHER
from children.models import (
    BirthRegistration,
    Caregiver,
    Child,
    ChildLabour,
    ChildMarriage,
    CircumstanceMembership,
    Death,
    Disability,
    GrowthMeasurement,
    Household,
    HouseholdPoverty,
    Injury,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
    SupportRecord,
    VaccinationDose,
)
from children.permissions import FILTER_SECTIONS, child_filters_for
from children.rules import Identity, Sameness, sameness
from children.selectors import (
    AGE_BANDS,
    ChildFilters,
    birth_problems,
    dose_problems,
    hamlets_visible_to,
    permitted_filters,
    same_child_candidates,
)
from children.selectors.registry import NOT_IN_SCHOOL
from tanloi_portal.forms import TypedDecimalField
from tanloi_portal.validators import guard_dates

ALL = [("", _("Tất cả"))]


def vietnamese_inputs(form: forms.BaseForm) -> None:
    """Dates typed dd/mm/yyyy (from 1900 on) and numbers with a decimal comma or point (12,5 kg or 12.5 kg, in
    either language: TypedDecimalField)."""
    guard_dates(form)
    for f in form.fields.values():
        if isinstance(f, forms.DateField):
            f.widget = VnDateInput()
        if isinstance(f, forms.DecimalField):
            TypedDecimalField.instead_of(f)
            f.widget.input_type = "text"
            f.widget.attrs["inputmode"] = "decimal"


class VnDateInput(forms.DateInput):
    """A text box that shows and takes dd/mm/yyyy (browsers' date pickers follow the device's locale)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})},
            format="%d/%m/%Y",
        )


class EthnicityInput(forms.TextInput):
    """A text box suggesting the official names; any name people write is taken (children.rules.ethnicity)."""

    LIST_ID = "ethnicity-names"

    def __init__(self, attrs=None):
        super().__init__(attrs={"list": self.LIST_ID, "autocomplete": "off", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        options = format_html_join("", '<option value="{}"></option>', ((n,) for n in (*ETHNICITIES, OTHER)))
        box = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}">{}</datalist>', box, self.LIST_ID, options)


def ethnicity_field(**kwargs) -> forms.CharField:
    return forms.CharField(label=_("Dân tộc"), max_length=60, widget=EthnicityInput(), **kwargs)


def confirm(form: forms.Form, problems: list[str], doubt: rules.Doubt, *, sending: bool = False) -> None:
    """What looks wrong (children.rules) stops the form until the user ticks its confirmation ("confirm_implausible",
    shown from then on): the officer's "đã kiểm tra lại", or the collaborator's "vẫn gửi" (`sending`). A form
    that saves what was typed only once it is checked again."""
    form.problems = problems
    if problems and not form.cleaned_data.get("confirm_implausible"):
        form.fields["confirm_implausible"].widget = forms.CheckboxInput()
        raise ValidationError(rules.implausible_message(problems, doubt, sending=sending), code="implausible")


class ChildFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm tên trẻ hoặc mã hộ"), required=False, max_length=120)
    hamlet = forms.TypedChoiceField(label=_("Ấp/sóc"), required=False, coerce=int, empty_value=None)
    age_band = forms.ChoiceField(
        label=_("Độ tuổi"), required=False, choices=ALL + [(k, v[0]) for k, v in AGE_BANDS.items()]
    )
    sex = forms.ChoiceField(label=_("Giới tính"), required=False, choices=ALL + list(Child.Sex.choices))
    status = forms.ChoiceField(label=_("Tình trạng"), required=False)
    group = forms.TypedChoiceField(label=_("Hoàn cảnh đặc biệt"), required=False, coerce=int, empty_value=None)
    school_status = forms.ChoiceField(
        label=_("Học tập năm học này"),
        required=False,
        choices=ALL + list(SchoolEnrolment.Status.choices) + [(NOT_IN_SCHOOL, _("Không đi học"))],
    )
    no_birth_registration = forms.BooleanField(label=_("Chưa đăng ký khai sinh"), required=False)

    def __init__(self, *args, hamlets, groups, allowed: frozenset[str], **kwargs):
        """`allowed`: the section-bound filters the user may use (children.permissions.child_filters_for);
        the others are not offered, and what the query string says of them is dropped."""
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = ALL + [(h.pk, h.name) for h in hamlets]
        self.fields["status"].choices = ALL + [c for c in Child.Status.choices if c[0] != Child.Status.MERGED]
        self.fields["group"].choices = ALL + [(0, _("Thuộc bất kỳ nhóm nào"))] + [(g.number, str(g)) for g in groups]
        for name in FILTER_SECTIONS.keys() - allowed:
            del self.fields[name]

    def narrowed(self) -> int:
        """How many filters besides the search narrow the list (the folded filters open when one does)."""
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for name, value in self.cleaned_data.items() if name != "q" and value not in (None, "", False))


def child_filters_of(*, user, data) -> tuple[ChildFilters, ChildFilterForm, list]:
    """The child list's filters from a query (the list page's, or the one an export job stored), as this user
    may ask them now: what the form refuses is dropped, and so is a filter on a section the user may not read.
    Also the filter form and the hamlets the user may choose from."""
    hamlets = list(hamlets_visible_to(user=user))
    groups = list(SpecialCircumstanceGroup.objects.order_by("number"))
    form = ChildFilterForm(data or None, hamlets=hamlets, groups=groups, allowed=child_filters_for(user))
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = ChildFilters(
        q=cleaned.get("q") or "",
        hamlet=cleaned.get("hamlet"),
        sex=cleaned.get("sex") or "",
        status=cleaned.get("status") or "",
        age_band=cleaned.get("age_band") or "",
        group=cleaned.get("group"),
        school_status=cleaned.get("school_status") or "",
        no_birth_registration=bool(cleaned.get("no_birth_registration")),
    )
    return permitted_filters(user=user, filters=filters), form, hamlets


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm mã hộ hoặc tên chủ hộ"), required=False, max_length=120)
    hamlet = forms.TypedChoiceField(label=_("Ấp/sóc"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = ALL + [(h.pk, h.name) for h in hamlets]


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["hamlet", "code", "head_name", "address", "phone"]

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = hamlets
        if self.instance.pk:
            # The code and hamlet identify the household in the commune's books; they are set once.
            del self.fields["hamlet"]
            del self.fields["code"]

    # The code's uniqueness in the commune is a rule of the service (children.rules.household_code_free): the
    # view shows its message on the code.


class PovertyForm(forms.ModelForm):
    class Meta:
        model = HouseholdPoverty
        fields = ["year", "status"]

    def clean_year(self):
        return rules.poverty_year(self.cleaned_data["year"])

    def validate_unique(self):
        # A second classification for the same year replaces the first (service), it is not an error.
        pass


class ChildForm(forms.ModelForm):
    """A child's identity, held to children.rules; a record that may be a child already kept (rules.sameness:
    same name and birth date in another household) is saved only once the officer confirms it is another child."""

    ethnicity = ethnicity_field(initial=DEFAULT)
    confirm_not_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây không phải trẻ đã có trong sổ"), required=False, widget=forms.HiddenInput
    )
    confirm_implausible = forms.BooleanField(
        label=rules.Doubt.BIRTH.save_anyway, required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Child
        fields = ["full_name", "sex", "date_of_birth", "ethnicity", "personal_id", "moved_in_on", "notes"]
        widgets = {
            "date_of_birth": VnDateInput(),
            "moved_in_on": VnDateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.commune_id = household.commune_id
        self.duplicates: list[Child] = []
        guard_dates(self)

    def clean_full_name(self):
        return rules.full_name(self.cleaned_data["full_name"])

    def clean_ethnicity(self):
        return rules.ethnicity(self.cleaned_data["ethnicity"])

    def clean_personal_id(self):
        return self.cleaned_data.get("personal_id") or None

    def clean(self):
        cleaned = super().clean()
        dob = cleaned.get("date_of_birth")
        if dob and not self.instance.pk:
            try:
                rules.registrable_age(dob)
            except ValidationError as error:
                self.add_error("date_of_birth", error)
        if not cleaned.get("full_name") or not dob:
            return cleaned
        identity = Identity.of(
            household=self.household.pk,
            full_name=cleaned["full_name"],
            date_of_birth=dob,
            personal_id=cleaned.get("personal_id"),
        )
        candidates = same_child_candidates(commune_id=self.commune_id, identity=identity, exclude_pk=self.instance.pk)
        shown = {Sameness.POSSIBLE, Sameness.SAME}  # a record left unchanged: any twin it already has is shown
        if not self.instance.pk or identity != Identity.of_child(self.instance):
            shown = {Sameness.POSSIBLE}
            try:
                rules.not_registered_yet(identity, candidates, commune_id=self.commune_id)
            except ValidationError as error:
                for field, errors in error.error_dict.items():
                    self.add_error(field, errors)
                return cleaned
        self.duplicates = [
            c
            for c in candidates
            if c.household.commune_id == self.commune_id and sameness(identity, Identity.of_child(c)) in shown
        ]
        if self.duplicates and not cleaned.get("confirm_not_duplicate"):
            self.fields["confirm_not_duplicate"].widget = forms.CheckboxInput()
            raise ValidationError(rules.possible_duplicate_message(self.duplicates), code="possible_duplicate")
        if dob != self.instance.date_of_birth:
            problems = birth_problems(household=self.household, born=dob, newborn=False, exclude_pk=self.instance.pk)
            confirm(self, problems, rules.Doubt.BIRTH)
        return cleaned

    def validate_unique(self):
        # personal_id uniqueness is explained in clean() with the name of the child who holds it.
        pass

    def registry_fields(self) -> dict:
        """What the registry stores: the cleaned fields without the officer's confirmations."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_not_duplicate", "confirm_implausible")}


class MoveChildForm(forms.Form):
    household_code = forms.CharField(label=_("Mã hộ chuyển đến"), max_length=30)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.households = households
        self.household = None

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip()
        self.household = self.households.filter(code=code).first()
        if self.household is None:
            raise forms.ValidationError(_("Không có hộ mã %(code)s trong xã.") % {"code": code})
        return code


class MovedAwayForm(forms.Form):
    moved_on = forms.DateField(label=_("Ngày chuyển đi"), widget=VnDateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_dates(self)


class DeathForm(forms.ModelForm):
    class Meta:
        model = Death
        fields = ["died_on", "cause", "notes"]
        widgets = {"died_on": VnDateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_dates(self)


class MergeForm(forms.Form):
    duplicate = forms.TypedChoiceField(label=_("Hồ sơ trùng (sẽ gộp vào hồ sơ này)"), coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].choices = [
            (c.pk, f"#{c.pk} {c.full_name} - {c.date_of_birth:%d/%m/%Y} - {c.household.code}") for c in candidates
        ]


# --- dated facts -----------------------------------------------------------------------------------


class FactForm(forms.ModelForm):
    """Base of the fact forms: the child is set by the view, dates are typed dd/mm/yyyy."""

    def __init__(self, *args, child: Child, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
        vietnamese_inputs(self)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Textarea):
                f.widget.attrs["rows"] = 2


class CaregiverForm(FactForm):
    class Meta:
        model = Caregiver
        fields = ["full_name", "relation", "phone", "is_primary"]


class BirthRegistrationForm(FactForm):
    class Meta:
        model = BirthRegistration
        fields = ["registered_on", "place", "certificate_number"]

    def validate_unique(self):
        pass  # the view edits the existing registration instead of adding a second one


class MembershipForm(FactForm):
    class Meta:
        model = CircumstanceMembership
        fields = ["group", "started_on", "ended_on", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = SpecialCircumstanceGroup.objects.order_by("number")


class SupportForm(FactForm):
    class Meta:
        model = SupportRecord
        fields = ["membership", "description", "unit", "given_on"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = self.instance.child.circumstancemembership_set.select_related("group")
        self.fields["unit"].queryset = units


class DisabilityForm(FactForm):
    class Meta:
        model = Disability
        fields = ["kind", "severity", "identified_on", "needs_education", "receives_education_support", "notes"]


class GrowthForm(FactForm):
    confirm_implausible = forms.BooleanField(
        label=_("Tôi đã kiểm tra lại, số đo này đúng"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = GrowthMeasurement
        fields = ["measured_on", "weight_kg", "height_cm", "lying"]
        widgets = {
            "lying": forms.Select(
                choices=[("", _("Theo tuổi (nằm dưới 2 tuổi)")), (True, _("Nằm")), (False, _("Đứng"))]
            )
        }

    def _post_clean(self):
        super()._post_clean()
        # A weight or height that could not be read is already explained on its field; the model's
        # "enter a weight or a height" would then be wrong.
        if self.has_error("weight_kg") or self.has_error("height_cm"):
            errors = self._errors.get(NON_FIELD_ERRORS)
            if errors:
                errors[:] = [e for e in errors if e != str(GrowthMeasurement.MISSING_BOTH)]

    def show_confirmation(self) -> None:
        self.fields["confirm_implausible"].widget = forms.CheckboxInput()


class VaccinationForm(FactForm):
    confirm_implausible = forms.BooleanField(
        label=rules.Doubt.DOSE.save_anyway, required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = VaccinationDose
        fields = ["vaccine", "dose_number", "given_on", "place"]

    def clean(self):
        cleaned = super().clean()
        vaccine, number, given_on = cleaned.get("vaccine"), cleaned.get("dose_number"), cleaned.get("given_on")
        if vaccine and number and given_on and not self.errors:
            child = self.instance.child
            confirm(
                self,
                dose_problems(
                    child=child, vaccine=vaccine, number=number, given_on=given_on, exclude_pk=self.instance.pk
                ),
                rules.Doubt.DOSE,
            )
        return cleaned

    def validate_unique(self):
        super().validate_unique()
        vaccine, number = self.cleaned_data.get("vaccine"), self.cleaned_data.get("dose_number")
        if vaccine and number:
            same = VaccinationDose.objects.filter(child=self.instance.child, vaccine=vaccine, dose_number=number)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("dose_number", _("Mũi này đã được ghi."))


class SchoolingForm(FactForm):
    class Meta:
        model = SchoolEnrolment
        fields = ["school_year", "level", "grade", "school", "status", "status_date", "dropout_reason"]

    def validate_unique(self):
        super().validate_unique()
        year = self.cleaned_data.get("school_year")
        if (
            year
            and SchoolEnrolment.objects.filter(child=self.instance.child, school_year=year)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("school_year", _("Năm học này đã có; hãy sửa bản ghi đã có."))


class InjuryForm(FactForm):
    class Meta:
        model = Injury
        fields = ["occurred_on", "kind", "treated_at", "notes"]


class LabourForm(FactForm):
    class Meta:
        model = ChildLabour
        fields = [
            "started_on",
            "ended_on",
            "kind",
            "hours_per_day",
            "hours_per_week",
            "hazardous",
            "harms_school_or_health",
            "notes",
        ]


class MarriageForm(FactForm):
    class Meta:
        model = ChildMarriage
        fields = ["married_on", "notes"]
