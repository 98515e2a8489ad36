"""Resident complaints (诉求): categories with time limits, complaints and their
timeline, photos, deadline alerts, and the keys of Open311 clients (DESIGN §5–§6)."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.access.scoping import lookups_via
from core.validators import validate_phone

# Tracking codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class HandlerKind(models.TextChoices):
    FIRM = "firm", _("Property firm")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone call")
    WINDOW = "window", _("Service window")
    HOTLINE = "hotline_12345", _("12345 hotline transfer")
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    OPEN311 = "open311", _("Open311 client")


# Channels a member of staff may choose when logging a request by hand.
STAFF_CHANNELS = (Channel.PHONE, Channel.WINDOW, Channel.HOTLINE, Channel.GRID_PATROL)


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    REOPENED = "reopened", _("Reopened")


# Not yet resolved: the resolve deadline still runs.
OPEN_STATUSES = (
    Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.REOPENED,
)
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED, Status.REJECTED)


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class RejectionKind(models.TextChoices):
    INVALID = "invalid", _("Invalid")
    DUPLICATE = "duplicate", _("Duplicate")


class FeedbackSource(models.TextChoices):
    RESIDENT = "resident", _("Resident on the tracking page")
    CALL = "call", _("Staff follow-up call")


class Category(models.Model):
    """A kind of problem, two levels deep, with its time limits and default handler."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent category"),
    )
    code = models.SlugField(
        _("code"), max_length=30, unique=True,
        help_text=_("Short code, also the Open311 service code."),
    )
    name = models.CharField(_("name"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    hours_to_respond = models.PositiveSmallIntegerField(
        _("hours to respond"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    days_to_resolve = models.PositiveSmallIntegerField(
        _("working days to resolve"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    default_handler = models.CharField(
        _("default handler"), max_length=12, choices=HandlerKind.choices,
        default=HandlerKind.COMMUNITY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_in_parent",
                violation_error_message=_("A category with this name already exists here."),
            ),
            models.CheckConstraint(
                condition=Q(hours_to_respond__gte=1) & Q(days_to_resolve__gte=1),
                name="category_time_limits_positive",
                violation_error_message=_("Time limits must be at least one hour / one day."),
            ),
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} · {self.name}"
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("Categories have two levels only: choose a top category.")}
                )
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own parent.")})


class Complaint(models.Model):
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, default=new_tracking_code, editable=False
    )
    compound = models.ForeignKey(
        "communities.Compound", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("compound"),
    )
    building = models.ForeignKey(
        "communities.Building", on_delete=models.PROTECT, null=True, blank=True,
        related_name="complaints", verbose_name=_("building"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("category")
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.WEB)
    external_ref = models.CharField(
        _("external reference"), max_length=40, blank=True,
        help_text=_("e.g. the 12345 hotline work-order number."),
    )
    description = models.TextField(_("description"), max_length=1000)
    reporter_name = models.CharField(_("reporter name"), max_length=30, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20,
                                      validators=[validate_phone])
    address_string = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6,
                                   null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6,
                                    null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices,
                               default=Urgency.NORMAL)

    handler_kind = models.CharField(_("handler"), max_length=12, choices=HandlerKind.choices,
                                    blank=True)
    handler_firm = models.ForeignKey(
        "properties.PropertyFirm", on_delete=models.PROTECT, null=True, blank=True,
        related_name="complaints", verbose_name=_("handling firm"),
    )
    handler_grid = models.ForeignKey(
        "communities.Grid", on_delete=models.PROTECT, null=True, blank=True,
        related_name="complaints", verbose_name=_("handling grid"),
    )

    received_at = models.DateTimeField(_("received at"), db_index=True)
    response_deadline = models.DateTimeField(_("respond by"))
    resolve_deadline = models.DateTimeField(_("resolve by"))
    deadline_provisional = models.BooleanField(
        _("resolve deadline provisional"), default=False,
        help_text=_("Counted Monday to Friday because the official calendar of a year it "
                    "crosses has not been imported yet; recomputed when it is."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation"), default=0,
        help_text=_("0 none, 1 escalated to the community, 2 escalated to the street."),
    )

    # The resident's two follow-up answers, kept apart (DESIGN §5).
    resident_resolved = models.BooleanField(_("resident says resolved"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20,
                                    choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.CharField(_("satisfaction comment"), max_length=500,
                                            blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    feedback_source = models.CharField(_("feedback source"), max_length=10,
                                       choices=FeedbackSource.choices, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("follow-up call by"),
    )

    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    rejection_kind = models.CharField(_("rejected as"), max_length=10,
                                      choices=RejectionKind.choices, blank=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=500, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("logged by"),
    )
    open311_client = models.ForeignKey(
        "complaints.Open311ApiKey", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="complaints", verbose_name=_("Open311 client"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_lookups = {
        **lookups_via(compound="compound"),
        "grid": "handler_grid",
        "firm": "handler_firm",
    }

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["compound", "status"], name="complaint_compound_status"),
            models.Index(fields=["status", "resolve_deadline"], name="complaint_status_deadline"),
        ]
        permissions = [
            ("manage_complaint", _("Can accept, dispatch, reject and close complaints")),
            ("work_complaint", _("Can work complaints dispatched to them")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(handler_kind="firm") & Q(handler_firm__isnull=False)
                     & Q(handler_grid__isnull=True))
                    | (Q(handler_kind="grid") & Q(handler_grid__isnull=False)
                       & Q(handler_firm__isnull=True))
                    | (Q(handler_kind__in=["community", ""]) & Q(handler_firm__isnull=True)
                       & Q(handler_grid__isnull=True))
                ),
                name="complaint_handler_consistent",
                violation_error_message=_("The handler does not match the handler kind."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_kind=""),
                name="complaint_rejection_has_kind",
                violation_error_message=_("A rejected complaint needs the kind of rejection."),
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("id")),
                name="complaint_not_duplicate_of_itself",
                violation_error_message=_("A complaint cannot duplicate itself."),
            ),
            models.CheckConstraint(
                condition=Q(response_deadline__gte=F("received_at"))
                & Q(resolve_deadline__gte=F("received_at")),
                name="complaint_deadlines_after_receipt",
                violation_error_message=_("Deadlines cannot be before the time of receipt."),
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} · {self.category} · {self.compound}"

    def clean(self):
        super().clean()
        errors = {}
        if self.building_id and self.compound_id and self.building.compound_id != self.compound_id:
            errors["building"] = _("The building does not belong to the compound.")
        if self.category_id and self.category.parent_id is None and self.category.children.exists():
            errors["category"] = _("Choose a specific category.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now) -> bool:
        if self.status == Status.SUBMITTED and now > self.response_deadline:
            return True
        return self.status in OPEN_STATUSES and now > self.resolve_deadline

    def handler_label(self) -> str:
        if self.handler_kind == HandlerKind.FIRM and self.handler_firm_id:
            return self.handler_firm.name
        if self.handler_kind == HandlerKind.GRID and self.handler_grid_id:
            return str(self.handler_grid)
        if self.handler_kind == HandlerKind.COMMUNITY:
            return self.compound.community.name
        return ""


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    STARTED = "started", _("Work started")
    PROGRESS = "progress", _("Progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    REOPENED = "reopened", _("Reopened")
    FEEDBACK = "feedback", _("Follow-up answers")
    REMINDER = "reminder", _("Deadline reminder")
    ESCALATED = "escalated", _("Escalated")


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline: who, what, when, note, photos."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("complaint"))
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=12, choices=Status.choices,
                                   blank=True)
    to_status = models.CharField(_("to status"), max_length=12, choices=Status.choices,
                                 blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    # The actor's role when they acted ("resident", "system" or a staff role code): the
    # public timeline shows only this, never a member of staff's name.
    actor_role = models.CharField(_("role"), max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    is_public = models.BooleanField(_("shown to the resident"), default=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    scope_lookups = {
        **lookups_via(compound="complaint__compound"),
        "grid": "complaint__handler_grid",
        "firm": "complaint__handler_firm",
    }

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.complaint.tracking_code} · {self.get_kind_display()}"


def photo_upload_to(instance, filename):
    return f"complaints/{instance.complaint.received_at:%Y/%m}/{filename}"


class ComplaintPhoto(models.Model):
    """A photo re-encoded without EXIF: with the report, or with the resolution."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos",
                                  verbose_name=_("complaint"))
    event = models.ForeignKey(ComplaintEvent, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="photos", verbose_name=_("timeline event"))
    image = models.ImageField(_("photo"), upload_to=photo_upload_to,
                              width_field="width", height_field="height")
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_lookups = ComplaintEvent.scope_lookups

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["id"]

    def __str__(self):
        return self.image.name


class AlertKind(models.TextChoices):
    RESPONSE_REMINDER = "response_reminder", _("Response deadline near")
    RESOLVE_REMINDER = "resolve_reminder", _("Resolve deadline near")
    RESPONSE_OVERDUE = "response_overdue", _("Response overdue: escalated to the community")
    RESOLVE_OVERDUE = "resolve_overdue", _("Resolution overdue: escalated to the community")
    RESOLVE_BADLY_OVERDUE = "resolve_badly_overdue", _(
        "Resolution badly overdue: escalated to the street"
    )


class ComplaintAlert(models.Model):
    """A reminder or escalation already sent: at most one of each kind per deadline."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="alerts",
                                  verbose_name=_("complaint"))
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    deadline = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_lookups = ComplaintEvent.scope_lookups

    class Meta:
        verbose_name = _("deadline alert")
        verbose_name_plural = _("deadline alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "deadline"], name="one_alert_per_deadline",
                violation_error_message=_("This alert was already sent."),
            )
        ]

    def __str__(self):
        return f"{self.complaint_id} · {self.get_kind_display()}"


def new_api_key() -> str:
    return secrets.token_urlsafe(30)


class Open311Jurisdiction(models.Model):
    """The optional Open311 ``jurisdiction_id`` of a city."""

    city = models.OneToOneField("communities.City", on_delete=models.CASCADE,
                                related_name="open311_jurisdiction", verbose_name=_("city"))
    jurisdiction_id = models.CharField(_("jurisdiction id"), max_length=60, unique=True,
                                       help_text=_("e.g. tongchuan.gov.cn"))

    class Meta:
        verbose_name = _("Open311 jurisdiction")
        verbose_name_plural = _("Open311 jurisdictions")
        ordering = ["jurisdiction_id"]

    def __str__(self):
        return self.jurisdiction_id


class Open311ApiKey(models.Model):
    """A key an Open311 client sends as ``api_key`` to create service requests."""

    name = models.CharField(_("client name"), max_length=80)
    key = models.CharField(_("API key"), max_length=60, unique=True, default=new_api_key,
                           editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OutboxKind(models.TextChoices):
    RESIDENT_NOTICE = "resident_notice", _("Text message to the resident")
    HANDLER_ALERT = "handler_alert", _("Deadline alert to the handler")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    FAILING = "failing", _("Failing")
    SENT = "sent", _("Sent")
    UNDELIVERABLE = "undeliverable", _("Undeliverable: nobody with a phone")


class OutboxMessage(models.Model):
    """A text message owed, written in the same transaction as the change that owes it
    (a transactional outbox): if the broker is down when the change commits, the row
    stays unsent and ``complaints.tasks.flush_outbox`` queues it again later. A row is
    delivered at most once (``sent_at`` is set under a row lock)."""

    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="outbox_messages", verbose_name=_("complaint"))
    event = models.CharField(_("event"), max_length=40)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # Set (never sent_at) when no phone was found for anyone the message is for.
    undeliverable_at = models.DateTimeField(_("undeliverable since"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True),
                         name="complaints_outbox_unsent"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.event} #{self.complaint_id}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return OutboxStatus.SENT
        if self.undeliverable_at:
            return OutboxStatus.UNDELIVERABLE
        return OutboxStatus.FAILING if self.attempts else OutboxStatus.PENDING
