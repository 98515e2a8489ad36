from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from communities.admin_scoping import ScopedAdmin, masked
from communities.errors import ApplicationError

from . import services
from .models import (
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Open311ApiKey,
    Open311Jurisdiction,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "hours_to_respond", "days_to_resolve", "default_handler",
                    "is_active", "order"]
    list_filter = ["parent", "default_handler", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


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
class ComplaintAdmin(ScopedAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
class ComplaintPhotoAdmin(ScopedAdmin):
    list_display = ["id", "complaint", "width", "height", "created_at"]
    list_select_related = ["complaint__category__parent", "complaint__compound"]
    readonly_fields = ["complaint", "event", "image", "width", "height", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Open311ApiKey)
class Open311ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "key", "is_active", "created_at"]
    readonly_fields = ["key", "created_at"]


@admin.register(Open311Jurisdiction)
class Open311JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction_id", "city"]
