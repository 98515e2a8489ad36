"""TOTP second factor (django-otp): set up a device, then verify a code after login."""

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.access.enrolment import otp_enrolment_code_redeem


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in the app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/staff/"


@never_cache
@login_required
def otp_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"/accounts/otp/setup/?next={_safe_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired."))
    return render(request, "registration/otp_verify.html", {"form": form,
                                                             "next": _safe_next(request)})


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Enrolment code from your administrator"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


ENROLMENT_SESSION_KEY = "_otp_enrolment_code_ok"


def _enrolment(request):
    """The first device needs an administrator's one-time enrolment code."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_enrolment_code_redeem(user=request.user, code=form.cleaned_data["code"]):
            request.session[ENROLMENT_SESSION_KEY] = request.user.pk
            return redirect(f"/accounts/otp/setup/?next={_safe_next(request)}")
        form.add_error("code", _("This enrolment code is wrong, used or expired."))
    return render(request, "registration/otp_enrol.html",
                  {"form": form, "next": _safe_next(request)},
                  status=400 if form.errors else 200)


@never_cache
@login_required
def otp_setup(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"/accounts/otp/?next={_safe_next(request)}")
    if request.session.get(ENROLMENT_SESSION_KEY) != request.user.pk:
        return _enrolment(request)
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr_data_uri": qr_data_uri, "secret": secret,
         "next": _safe_next(request)},
    )
