"""The audit trail."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .hierarchy import City, Community, Compound, District


class AuditAction(models.TextChoices):
    COMPLAINT_TRANSITION = "complaint_transition", _("Complaint transition")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")
    PAYMENT_VOIDED = "payment_voided", _("Payment voided")
    CONTRACT_STARTED = "contract_started", _("Service contract started")
    CONTRACT_ENDED = "contract_ended", _("Service contract ended")
    REVIEW_DECISION = "review_decision", _("Demonstration point review")
    ASSIGNMENT_CREATED = "assignment_created", _("Staff assignment created")
    ASSIGNMENT_ENDED = "assignment_ended", _("Staff assignment ended")
    PII_VIEWED = "pii_viewed", _("Personal data viewed")
    PII_EXPORTED = "pii_exported", _("Personal data exported")
    ACCOUNT_CREATED = "account_created", _("Account created")
    ACCOUNT_UPDATED = "account_updated", _("Account changed")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("Account switched off")
    ACCOUNT_REACTIVATED = "account_reactivated", _("Account switched on again")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    RETENTION_APPLIED = "retention_applied", _("Personal data anonymised (retention)")
    RESIDENT_LEFT = "resident_left", _("Owner or resident left")
    CALENDAR_CHANGED = "calendar_changed", _("Official calendar changed")
    DEADLINES_RECOMPUTED = "deadlines_recomputed", _("Resolve deadlines recomputed")
    API_TOKEN_ISSUED = "api_token_issued", _("API token issued")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    OTP_ENROLMENT_ISSUED = "otp_enrolment_issued", _("Second-factor enrolment code issued")
    OWNER_VOTE_CREATED = "owner_vote_created", _("Owners' vote created")
    BALLOT_CAST = "ballot_cast", _("Ballot cast")
    BALLOT_CHANGED = "ballot_changed", _("Ballot changed")
    OWNER_VOTE_CONTRACT_LINKED = "owner_vote_contract_linked", _("Vote linked to its contract")


class AuditEvent(models.Model):
    """Who did what to which record and when, or who saw residents' personal data
    (written by ``communities.audit.record``; never changed or deleted)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("city"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("district"))
    community = models.ForeignKey(Community, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("community"))
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("compound"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    # Only officials read the trail: the city's and the district's events.
    scope_lookups = {"city": "city", "district": "district"}

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Audit events cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit events cannot be deleted."))
