"""Log-out, the idle-session ping and the second factor's pages."""

import re
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tanloi_portal import second_factor as sf
from tanloi_portal.access import allow_any_user, public
from tanloi_portal.idle import keepalive_endpoint, seconds_left


@public
class PortalLogoutView(LogoutView):
    """Log-out also empties this browser's storage for the portal: the collaborators' unsent drafts (a safety
    concern typed on a shared phone) and cached pages. static/js/session.js clears the drafts too, for a browser
    that ignores the header (Clear-Site-Data is honoured over HTTPS and on localhost only)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@allow_any_user
@sf.before_second_factor
@keepalive_endpoint
@require_POST
def keepalive(request):
    """The idle warning's "stay signed in": the middleware has recorded the activity; say how long it holds."""
    return JsonResponse({"left": seconds_left(request), "timeout": settings.IDLE_TIMEOUT_SECONDS})


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã 6 số trong ứng dụng xác thực"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of ours only: redirect() takes any other word for a URL name (?next=abc was a NoReverseMatch, a 500).
    hosts = {request.get_host()}
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, hosts, require_https=request.is_secure()):
        return target
    return reverse("home")


WRONG_CODE = _("Mã không đúng hoặc đã hết hạn. Sau mỗi lần nhập sai phải chờ lâu gấp đôi mới thử lại được.")


@allow_any_user
@sf.before_second_factor
def second_factor_verify(request):
    """The code after the password, for a user with a device."""
    if sf.state(request) != sf.VERIFY:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sf.second_factor_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": _next(request)})


def _qr_svg(text: str):
    svg = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string(encoding="unicode")
    # Sized by attributes, not a style (the Content-Security-Policy allows no inline styles). The SVG is made here
    # from our own otpauth:// address, so it is safe to put in the page as it is.
    return mark_safe(
        re.sub(r'width="[^"]*" height="[^"]*"', 'width="220" height="220" aria-hidden="true"', svg, count=1)
    )


@allow_any_user
@sf.before_second_factor
def second_factor_setup(request):
    """Turn the second factor on (or move it to another phone), or off when the role does not require it."""
    owes = sf.state(request)
    if owes == sf.VERIFY:
        return redirect(f"{reverse('second-factor-verify')}?{urlencode({'next': _next(request)})}")
    required = sf.is_required_for(request.user)
    has_device = sf.confirmed_device(request.user) is not None
    if request.method == "POST" and request.POST.get("action") == "remove":
        if has_device and not required:
            sf.second_factor_remove(user=request.user)
            messages.success(request, _("Đã tắt xác thực hai bước."))
        return redirect("second-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if sf.second_factor_confirm(request=request, token=form.cleaned_data["code"]):
            messages.success(request, _("Đã bật xác thực hai bước. Từ nay, sau mật khẩu sẽ hỏi mã trong ứng dụng."))
            return redirect(_next(request))
        form.add_error("code", _("Mã không đúng. Kiểm tra giờ trên điện thoại rồi nhập mã đang hiện."))
    device = sf.pending_device(request)
    context = {
        "form": form,
        "next": _next(request),
        "owes_setup": owes == sf.SETUP,
        "required": required,
        "has_device": has_device,
        "qr": _qr_svg(device.config_url),
        "secret": sf.secret_text(device),
        "otpauth": device.config_url,
    }
    return render(request, "registration/second_factor_setup.html", context)
