"""Joint meetings (联席会议) and their decisions."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.access.lookups import lookups_via

from .organisations import PartyOrganization

# ---------------------------------------------------------------------------
# Joint meetings (联席会议) and their decisions
# ---------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    THREE_PARTY = "three_party", _("Three-party monthly meeting")
    PARTY_BUILDING = "party_building", _("Party-building joint meeting with resident units")


class JointMeeting(models.Model):
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="joint_meetings",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("held at"), db_index=True)
    title = models.CharField(_("title"), max_length=120)
    organizations = models.ManyToManyField(
        PartyOrganization, blank=True, related_name="meetings",
        verbose_name=_("attending organisations"),
    )
    attendees = models.TextField(_("attendees"), blank=True,
                                 help_text=_("People present, one per line."))
    owners_committee_present = models.BooleanField(
        _("owners' committee present"), default=False,
        help_text=_("业委会 or 物管会 representatives took part."),
    )
    compounds = models.ManyToManyField(
        "communities.Compound", blank=True, related_name="joint_meetings",
        verbose_name=_("compounds concerned"),
    )
    topics = models.TextField(_("topics"))
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_lookups = lookups_via(community="community")

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_at"]

    def __str__(self):
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """A decision of a joint meeting: who does what by when."""

    meeting = models.ForeignKey(
        JointMeeting, on_delete=models.CASCADE, related_name="action_items",
        verbose_name=_("joint meeting"),
    )
    description = models.CharField(_("decision"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.OPEN, db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    compounds = models.ManyToManyField(
        "communities.Compound", blank=True, related_name="action_items",
        verbose_name=_("compounds concerned"),
    )

    scope_lookups = lookups_via(community="meeting__community")

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="action_item_done_has_date",
                violation_error_message=_("A done item has the day it was done, and only then."),
            )
        ]

    def __str__(self):
        return self.description
