from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin, masked
from communities.models import (
    AuditEvent,
    Building,
    City,
    Community,
    Compound,
    District,
    FunctionRoom,
    Grid,
    GridDutyType,
    GridWorker,
    Household,
    PatrolVisit,
    ServiceRecord,
    ServiceSite,
    StaffAssignment,
    Street,
    VulnerableResident,
)
from communities.selectors import mask_address, mask_name
from communities.services import (
    patrol_visit_record,
    service_record_create,
    staff_assignment_create,
    staff_assignment_end,
)
from core.admin import ReadOnlyAdmin

admin.site.site_header = _("Red Property governance portal")
admin.site.site_title = _("Red Property governance portal")
admin.site.index_title = _("Administration")


@admin.register(City)
class CityAdmin(ScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "city"]
    list_filter = ["city"]
    search_fields = ["name"]
    list_select_related = ["city"]


@admin.register(Street)
class StreetAdmin(ScopedAdmin):
    list_display = ["name", "district"]
    list_filter = ["district__city", "district"]
    search_fields = ["name", "district__name"]
    list_select_related = ["district"]


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "street", "district_name", "phone"]
    list_filter = ["street__district", "street"]
    search_fields = ["name", "street__name"]
    list_select_related = ["street__district"]

    @admin.display(description=_("district"), ordering="street__district__name")
    def district_name(self, obj):
        return obj.street.district.name


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    list_display = [
        "name", "community", "street_name", "management_mode", "declared_households",
        "floor_area", "year_built", "is_old_compound", "three_no",
    ]
    list_filter = [
        "management_mode", "is_old_compound",
        "community__street__district", "community__street",
    ]
    search_fields = ["name", "name_initials", "address", "community__name"]
    list_select_related = ["community__street"]
    # The mode follows the compound's active service contract (properties services).
    readonly_fields = ["name_initials", "management_mode", "has_owners_organisation", "three_no"]

    @admin.display(description=_("street"), ordering="community__street__name")
    def street_name(self, obj):
        return obj.community.street.name

    @admin.display(description=_("three-no compound"), boolean=True)
    def three_no(self, obj):
        return obj.is_three_no


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["name", "compound", "floors", "units"]
    list_filter = ["compound__community__street__district", "compound__community__street"]
    search_fields = ["name", "compound__name"]
    list_select_related = ["compound"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "compound", "owner_name", "phone", "floor_area"]
    list_filter = ["compound__community__street__district", "compound__community__street"]
    search_fields = ["owner_name", "room", "phone", "compound__name", "building__name"]
    list_select_related = ["building__compound", "compound"]
    pii_fields = ("phone",)
    phone_masked = masked("phone", _("phone"))
    autocomplete_fields = ["building"]


class GridForm(forms.ModelForm):
    duty_types = forms.MultipleChoiceField(
        label=_("duty types"), choices=GridDutyType.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = Grid
        fields = ["community", "name", "duty_types", "buildings"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    form = GridForm
    list_display = ["name", "community", "duties"]
    list_filter = ["community__street__district", "community__street"]
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]
    filter_horizontal = ["buildings"]

    @admin.display(description=_("duty types"))
    def duties(self, obj):
        return obj.get_duty_types_display()


@admin.register(GridWorker)
class GridWorkerAdmin(ScopedAdmin):
    list_display = ["name", "grid", "role", "phone", "is_party_member"]
    list_filter = ["role", "is_party_member", "grid__community__street__district"]
    search_fields = ["name", "grid__name"]
    list_select_related = ["grid__community"]
    pii_fields = ("phone",)
    phone_masked = masked("phone", _("phone"))


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "node_display", "title", "started_at", "ended_at"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "title"]
    list_select_related = ["user", "city", "district", "street", "community", "grid", "firm"]
    autocomplete_fields = ["user"]
    fields = ["user", "role", "city", "district", "street", "community", "grid", "firm", "title"]

    @admin.display(description=_("unit"))
    def node_display(self, obj):
        return obj.node

    def has_change_permission(self, request, obj=None):
        # An assignment is never edited in place: it is ended and a new one is made,
        # so the history of who held which role stays intact.
        return False

    def save_model(self, request, obj, form, change):
        saved = staff_assignment_create(
            user=obj.user, role=obj.role, node=obj.node, title=obj.title, actor=request.user
        )
        obj.pk = saved.pk

    @admin.action(description=_("End the selected assignments"), permissions=["add"])
    def end_assignments(self, request, queryset):
        for assignment in queryset:
            staff_assignment_end(assignment=assignment, actor=request.user)

    actions = ["end_assignments"]


# ---------------------------------------------------------------------------
# Vulnerable residents and patrols (PII: visible only to their grid and community),
# service sites and service records.
# ---------------------------------------------------------------------------


class _ServiceErrorsAsMessages:
    """A refusal by a service is shown as a message on the same form, nothing saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        from django.contrib import messages
        from django.http import HttpResponseRedirect

        from core.errors import ApplicationError

        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())


def _masked_with(function, field_name, label):
    def display(_model_admin, obj):
        return function(getattr(obj, field_name))

    display.short_description = label
    display.__name__ = f"{field_name}_masked"
    return display


@admin.register(VulnerableResident)
class VulnerableResidentAdmin(ScopedAdmin):
    list_display = ["name", "grid", "group", "phone", "address", "registered_on", "left_on"]
    list_filter = ["group", "grid__community"]
    search_fields = ["name", "phone", "address", "grid__name"]
    list_select_related = ["grid__community"]
    pii_fields = ("name", "phone", "address")
    name_masked = _masked_with(mask_name, "name", _("name"))
    phone_masked = masked("phone", _("phone"))
    address_masked = _masked_with(mask_address, "address", _("address"))


@admin.register(PatrolVisit)
class PatrolVisitAdmin(_ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["resident", "visited_at", "visit_date", "half_day", "visitor_name",
                    "needs_follow_up"]
    list_filter = ["half_day", "needs_follow_up", "resident__grid__community"]
    search_fields = ["visitor_name", "condition"]
    list_select_related = ["resident__grid__community"]
    date_hierarchy = "visited_at"
    fields = ["resident", "visited_at", "visitor_name", "condition", "needs_follow_up"]

    def has_change_permission(self, request, obj=None):
        # A patrol record is a ledger entry: it is added, never rewritten.
        return False

    def save_model(self, request, obj, form, change):
        saved = patrol_visit_record(
            user=request.user, resident=obj.resident, visited_at=obj.visited_at,
            visitor_name=obj.visitor_name, condition=obj.condition,
            needs_follow_up=obj.needs_follow_up,
        )
        obj.pk = saved.pk


class FunctionRoomInline(admin.TabularInline):
    model = FunctionRoom
    fields = ["kind", "name"]
    extra = 1


@admin.register(ServiceSite)
class ServiceSiteAdmin(ScopedAdmin):
    list_display = ["name", "kind", "community", "compound", "grid", "opening_hours"]
    list_filter = ["kind", "community__street__district", "community__street"]
    search_fields = ["name", "community__name", "address"]
    list_select_related = ["community", "compound", "grid"]
    inlines = [FunctionRoomInline]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(_ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["site", "kind", "served_at", "service_date", "visitors", "room"]
    list_filter = ["kind", "site__kind", "site__community__street__district"]
    search_fields = ["site__name", "note"]
    list_select_related = ["site", "room"]
    date_hierarchy = "served_at"
    fields = ["site", "room", "kind", "served_at", "visitors", "note"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = service_record_create(
            user=request.user, site=obj.site, kind=obj.kind, served_at=obj.served_at,
            visitors=obj.visitors, room=obj.room, note=obj.note,
        )
        obj.pk = saved.pk


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, ScopedAdmin):
    """The audit trail: read-only for everyone; district officials see their district."""

    list_display = ["at", "action", "actor_label", "object_type", "object_id", "district",
                    "community", "compound", "ip_address"]
    list_filter = ["action", "object_type", "district"]
    search_fields = ["actor_label", "object_type", "object_id"]
    list_select_related = ["district", "community", "compound"]
    date_hierarchy = "at"
    readonly_fields = ["at", "action", "actor", "actor_label", "object_type", "object_id",
                       "city", "district", "community", "compound", "changes", "ip_address"]
    fields = readonly_fields
from communities.access import api_client_admin  # noqa: E402, F401  (API clients)
