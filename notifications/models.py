"""A notification in the portal: one row per recipient user, written in the same
transaction as the event that causes it (the services of complaints, party_orgs)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_COMPLAINT = "new_complaint", _("New complaint in your area")
    DISPATCHED = "dispatched", _("Complaint dispatched to you")
    REOPENED = "reopened", _("Complaint reopened")
    URGED = "urged", _("Resident urged")
    INFO_ADDED = "info_added", _("Resident added information")
    DEADLINE_NEAR = "deadline_near", _("Deadline approaching")
    DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
    ESCALATED = "escalated", _("Complaint escalated")
    POINT_REVIEW = "point_review", _("Demonstration-point application to review")
    MEETING_DECISION = "meeting_decision", _("Joint-meeting decision due")


# The kinds that also go out by text message to the person's own phone.
URGENT_KINDS = frozenset({NotificationKind.DEADLINE_PASSED, NotificationKind.ESCALATED})


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    # A complaint (most notifications), or any other ledger item through the generic key.
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="notifications",
                                  verbose_name=_("complaint"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True,
                                     blank=True, verbose_name=_("item type"))
    object_id = models.PositiveBigIntegerField(_("item id"), null=True, blank=True)
    item = GenericForeignKey("content_type", "object_id")
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_created"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True),
                         name="notif_user_unread"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()}"
