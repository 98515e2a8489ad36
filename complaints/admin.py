from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin, masked
from communities.audit import mask_text
from core.admin import ReadOnlyAdmin, ServiceAdmin, changed_values
from core.errors import ApplicationError

from . import configuration, services
from .models import (
    AlertKind,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    EventKind,
    Open311ApiKey,
    Open311Jurisdiction,
    OutboxMessage,
    OutboxStatus,
)


@admin.register(Category)
class CategoryAdmin(ServiceAdmin, admin.ModelAdmin):
    """A category no longer used is switched off (``active``), never deleted."""

    list_display = ["__str__", "code", "hours_to_respond", "days_to_resolve", "default_handler",
                    "is_active", "order"]
    list_filter = ["parent", "default_handler", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    fields = ["parent", "code", "name", "description", "hours_to_respond", "days_to_resolve",
              "default_handler", "is_active", "order"]

    def check_input(self, request, data, obj):
        configuration.check_category(parent=data.get("parent"), category=obj)

    def write(self, request, form, obj):
        if obj is None:
            return configuration.category_create(actor=request.user, **form.cleaned_data)
        return configuration.category_update(actor=request.user, category=obj,
                                             **changed_values(form))


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "actor_role", "note",
              "is_public"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Read-only: complaints change only through the workbench's services."""

    list_display = ["tracking_code", "received_at", "compound", "category", "channel",
                    "status", "handler_kind", "reporter_name", "reporter_phone"]
    list_filter = ["status", "channel", "category", "handler_kind", "urgency"]
    search_fields = ["tracking_code", "description", "compound__name", "reporter_phone"]
    list_select_related = ["compound", "category__parent"]
    date_hierarchy = "received_at"
    pii_fields = ("reporter_phone",)
    inlines = [ComplaintEventInline]
    actions = ["accept_selected"]
    fields = [
        "tracking_code", "compound", "building", "category", "channel", "external_ref",
        "description", "reporter_name", "reporter_phone", "status", "urgency", "handler_kind",
        "handler_firm", "handler_grid", "received_at", "response_deadline",
        "resolve_deadline", "accepted_at", "dispatched_at", "started_at", "resolved_at",
        "closed_at", "rejected_at", "reopen_count", "escalation_level", "resident_resolved",
        "satisfaction", "satisfaction_comment", "feedback_at", "feedback_source",
        "feedback_by", "duplicate_of", "rejection_kind", "rejection_reason", "created_by",
        "open311_client", "version",
    ]
    readonly_fields = fields

    reporter_phone_masked = masked("reporter_phone", _("reporter phone"))

    def has_manage_permission(self, request):
        return request.user.has_perm(services.MANAGE)

    @admin.action(description=_("Accept selected complaints"), permissions=["manage"])
    def accept_selected(self, request, queryset):
        done, refused = 0, []
        for complaint in queryset:
            try:
                services.complaint_accept(complaint_id=complaint.pk, actor=request.user)
                done += 1
            except ApplicationError as exc:
                refused.append(f"{complaint.tracking_code}: {exc.message}")
        if done:
            self.message_user(request, _("%(n)d complaints accepted.") % {"n": done})
        for line in refused:
            self.message_user(request, line, level=messages.WARNING)


@admin.register(ComplaintPhoto)
class ComplaintPhotoAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_display = ["id", "complaint", "width", "height", "created_at"]
    list_select_related = ["complaint__category__parent", "complaint__compound"]
    # The image through the scoped staff view: /media/ is not served in production.
    fields = ["complaint", "event", "image_link", "width", "height", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def image_link(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>',
                           reverse("complaint-photo", args=[obj.pk]), _("View photo"))



@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(ServiceAdmin, admin.ModelAdmin):
    """A client's key is drawn by the service; a client is switched off, never deleted."""

    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "key", "is_active", "created_at"]
    readonly_fields = ["key", "created_at"]

    def write(self, request, form, obj):
        if obj is None:
            return configuration.open311_key_create(actor=request.user, **form.cleaned_data)
        return configuration.open311_key_update(actor=request.user, api_key=obj,
                                                **changed_values(form))


@admin.register(Open311Jurisdiction)
class Open311JurisdictionAdmin(ServiceAdmin, admin.ModelAdmin):
    list_display = ["jurisdiction_id", "city"]
    fields = ["city", "jurisdiction_id"]

    def write(self, request, form, obj):
        if obj is None:
            return configuration.open311_jurisdiction_create(actor=request.user,
                                                             **form.cleaned_data)
        return configuration.open311_jurisdiction_update(
            actor=request.user, jurisdiction=obj, **changed_values(form))


class OutboxStateFilter(admin.SimpleListFilter):
    title = _("delivery")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("sent", _("Sent")), ("pending", _("Pending")), ("failing", _("Failing")),
                ("undeliverable", OutboxStatus.UNDELIVERABLE.label)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "sent":
            return queryset.filter(sent_at__isnull=False)
        if value == "undeliverable":
            return queryset.filter(undeliverable_at__isnull=False)
        unsent = queryset.filter(sent_at__isnull=True, undeliverable_at__isnull=True)
        if value == "pending":
            return unsent.filter(attempts=0)
        if value == "failing":
            return unsent.filter(attempts__gt=0)
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only, superusers only: the delivery log of text messages (operations, not a
    staff ledger). The row holds no phone number nor message text; the last error is
    shown with any mobile number in it masked. Sent rows are deleted after
    OUTBOX_RETENTION_DAYS (complaints.outbox.purge_sent)."""

    list_display = ["kind", "tracking_code", "event_label", "created_at", "status_label",
                    "sent_at", "attempts", "last_error_masked"]
    list_filter = [OutboxStateFilter, "kind"]
    search_fields = ["complaint__tracking_code"]
    list_select_related = ["complaint"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    fields = ["kind", "tracking_code", "event_label", "created_at", "status_label", "sent_at",
              "undeliverable_at", "attempts", "last_error_masked"]
    readonly_fields = fields

    @admin.display(description=_("delivery"))
    def status_label(self, obj):
        return OutboxStatus(obj.status).label

    @admin.display(description=_("tracking code"), ordering="complaint__tracking_code")
    def tracking_code(self, obj):
        return obj.complaint.tracking_code

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj):
        for choices in (EventKind, AlertKind):
            if obj.event in choices.values:
                return choices(obj.event).label
        return obj.event

    @admin.display(description=_("last error"))
    def last_error_masked(self, obj):
        return mask_text(obj.last_error)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
