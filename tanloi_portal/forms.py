from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tanloi_portal.numbers import read_number


class TypedDecimalField(forms.DecimalField):
    """A decimal field that reads a number as people type it in either language (12,5 and 12.5; an ambiguous
    1.234 refused with a message, tanloi_portal.numbers.read_number) and shows it in the active language."""

    def to_python(self, value):
        return super().to_python(read_number(value) if isinstance(value, str) else value)

    @classmethod
    def instead_of(cls, field: forms.DecimalField) -> "TypedDecimalField":
        """The form's own DecimalField (a model form's) read this way: same attributes, validators, widget."""
        field.__class__ = cls
        field.localize = field.widget.is_localized = True
        return field


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."),
        "inactive": _("Tài khoản này đã bị khóa. Liên hệ quản trị hệ thống."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})
