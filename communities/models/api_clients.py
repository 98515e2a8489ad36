"""Third-party access to the API: one client system, one token, one unit, a few endpoints."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A system (not a person) allowed to call the API with ``Authorization: Token …``.

    Issued and revoked by administrators through ``communities.access.api_tokens``; only
    the SHA-256 of the token is kept. The client acts through its own service account
    (no password, never an official's login), whose staff assignment is the unit the
    client is scoped to. ``allowed_endpoints`` lists the API paths below ``/api/v1/`` it
    may call (``complaints/``); ``can_write`` allows more than reading.
    """

    name = models.CharField(_("client system"), max_length=100, unique=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
        verbose_name=_("service account"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token begins with"), max_length=8, editable=False)
    allowed_endpoints = models.JSONField(_("allowed endpoints"), default=list)
    can_write = models.BooleanField(_("may write"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OtpEnrolmentCode(models.Model):
    """A one-time code an administrator gives a member of staff to enrol their first
    second-factor device (the password alone is not enough). Only the hash is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="otp_enrolment_codes", verbose_name=_("user"))
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor enrolment code")
        verbose_name_plural = _("second-factor enrolment codes")
        ordering = ["-issued_at"]

    def __str__(self):
        return str(self.user)
