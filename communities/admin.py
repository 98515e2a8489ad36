from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities import services
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
from core.admin import ReadOnlyAdmin, ServiceAdmin, changed_values

from . import admin_calendar  # noqa: F401  (the official calendar)

admin.site.site_header = _("Red Property governance portal")
admin.site.site_title = _("Red Property governance portal")
admin.site.index_title = _("Administration")


@admin.register(City)
class CityAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
    fields = ["name", "code"]

    def write(self, request, form, obj):
        if obj is None:
            return services.city_create(actor=request.user, **form.cleaned_data)
        return services.city_update(actor=request.user, city=obj, **changed_values(form))


class NoContactPhoneFilter(admin.SimpleListFilter):
    """"Without a contact phone": the units (and staff) an alert could not reach by text
    (issue 14: no alert without a recipient). ``phone_lookup`` names the phone field."""

    title = _("contact phone")
    parameter_name = "phone"
    phone_lookup = "contact_phone"

    def lookups(self, request, model_admin):
        return [("missing", _("Without a contact phone")), ("present", _("With a phone"))]

    def queryset(self, request, queryset):
        missing = Q(**{self.phone_lookup: ""}) | Q(**{f"{self.phone_lookup}__isnull": True})
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "present":
            return queryset.exclude(missing)
        return queryset


class CommunityNoPhoneFilter(NoContactPhoneFilter):
    phone_lookup = "phone"


class StaffNoPhoneFilter(NoContactPhoneFilter):
    phone_lookup = "user__staff_profile__phone"


@admin.register(District)
class DistrictAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "city", "contact_phone"]
    list_filter = ["city", NoContactPhoneFilter]
    search_fields = ["name"]
    list_select_related = ["city"]
    fields = ["city", "name", "contact_phone"]

    def get_readonly_fields(self, request, obj=None):
        return ["city"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.district_create(actor=request.user, **form.cleaned_data)
        return services.district_update(actor=request.user, district=obj,
                                        **changed_values(form))


@admin.register(Street)
class StreetAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "district", "contact_phone"]
    list_filter = ["district__city", "district", NoContactPhoneFilter]
    search_fields = ["name", "district__name"]
    list_select_related = ["district"]
    fields = ["district", "name", "contact_phone"]

    def get_readonly_fields(self, request, obj=None):
        return ["district"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.street_create(actor=request.user, **form.cleaned_data)
        return services.street_update(actor=request.user, street=obj, **changed_values(form))


@admin.register(Community)
class CommunityAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "street", "district_name", "phone"]
    list_filter = ["street__district", "street", CommunityNoPhoneFilter]
    search_fields = ["name", "street__name"]
    list_select_related = ["street__district"]
    fields = ["street", "name", "address", "phone"]

    @admin.display(description=_("district"), ordering="street__district__name")
    def district_name(self, obj):
        return obj.street.district.name

    def get_readonly_fields(self, request, obj=None):
        return ["street"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.community_create(actor=request.user, **form.cleaned_data)
        return services.community_update(actor=request.user, community=obj,
                                         **changed_values(form))


@admin.register(Compound)
class CompoundAdmin(ServiceAdmin, ScopedAdmin):
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
    fields = ["community", "name", "address", "declared_households", "floor_area",
              "year_built", "is_old_compound", "competent_unit", "latitude", "longitude",
              "name_initials", "management_mode", "has_owners_organisation", "three_no"]

    def get_readonly_fields(self, request, obj=None):
        # The mode follows the compound's active service contract (properties services),
        # the owners' organisation its committees.
        readonly = ["name_initials", "management_mode", "has_owners_organisation", "three_no"]
        return ["community", *readonly] if obj else readonly

    @admin.display(description=_("street"), ordering="community__street__name")
    def street_name(self, obj):
        return obj.community.street.name

    @admin.display(description=_("three-no compound"), boolean=True)
    def three_no(self, obj):
        return obj.is_three_no

    def write(self, request, form, obj):
        if obj is None:
            data = form.cleaned_data
            return services.compound_create(
                community=data["community"], name=data["name"],
                declared_households=data["declared_households"],
                floor_area=data["floor_area"], year_built=data.get("year_built"),
                is_old_compound=data.get("is_old_compound", False),
                address=data.get("address", ""), competent_unit=data.get("competent_unit", ""),
            )
        return services.compound_update(actor=request.user, compound=obj,
                                        **changed_values(form))


@admin.register(Building)
class BuildingAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "compound", "floors", "units"]
    list_filter = ["compound__community__street__district", "compound__community__street"]
    search_fields = ["name", "compound__name"]
    list_select_related = ["compound"]
    fields = ["compound", "name", "floors", "units"]

    def get_readonly_fields(self, request, obj=None):
        return ["compound"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.building_create(**form.cleaned_data)
        return services.building_update(actor=request.user, building=obj,
                                        **changed_values(form))


@admin.register(Household)
class HouseholdAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["__str__", "compound", "owner_name", "phone", "floor_area"]
    list_filter = ["compound__community__street__district", "compound__community__street"]
    search_fields = ["owner_name", "room", "phone", "compound__name", "building__name"]
    list_select_related = ["building__compound", "compound"]
    pii_fields = ("phone",)
    phone_masked = masked("phone", _("phone"))
    autocomplete_fields = ["building"]
    fields = ["compound", "building", "unit", "room", "floor_area", "owner_name", "phone",
              "owner_key", "developer_held"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return ["compound", *readonly] if obj else readonly

    def check_input(self, request, data, obj):
        services.check_household(building=data["building"],
                                 compound=obj.compound if obj else data["compound"])

    def write(self, request, form, obj):
        if obj is None:
            return services.household_create(**form.cleaned_data)
        return services.household_update(actor=request.user, household=obj,
                                         **changed_values(form))


class GridForm(forms.ModelForm):
    duty_types = forms.MultipleChoiceField(
        label=_("duty types"), choices=GridDutyType.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = Grid
        fields = ["community", "name", "duty_types", "buildings"]


@admin.register(Grid)
class GridAdmin(ServiceAdmin, ScopedAdmin):
    form = GridForm
    list_display = ["name", "community", "duties"]
    list_filter = ["community__street__district", "community__street"]
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]
    filter_horizontal = ["buildings"]

    @admin.display(description=_("duty types"))
    def duties(self, obj):
        return obj.get_duty_types_display()

    def get_readonly_fields(self, request, obj=None):
        return ["community"] if obj else []

    def check_input(self, request, data, obj):
        services.check_grid_buildings(community=obj.community if obj else data["community"],
                                      buildings=list(data.get("buildings") or []))

    def write(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.grid_create(
                community=data["community"], name=data["name"],
                duty_types=list(data.get("duty_types") or []),
                buildings=list(data.get("buildings") or []),
            )
        changes = changed_values(form)
        buildings = changes.pop("buildings", None)
        return services.grid_update(
            actor=request.user, grid=obj,
            buildings=list(buildings) if buildings is not None else None, **changes,
        )


@admin.register(GridWorker)
class GridWorkerAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "grid", "role", "phone", "is_party_member"]
    list_filter = ["role", "is_party_member", "grid__community__street__district"]
    search_fields = ["name", "grid__name"]
    list_select_related = ["grid__community"]
    pii_fields = ("phone",)
    phone_masked = masked("phone", _("phone"))
    fields = ["grid", "user", "name", "phone", "role", "is_party_member"]

    def write(self, request, form, obj):
        if obj is None:
            return services.grid_worker_create(actor=request.user, **form.cleaned_data)
        return services.grid_worker_update(actor=request.user, worker=obj,
                                           **changed_values(form))


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["user", "role", "node_display", "title", "started_at", "ended_at"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter), StaffNoPhoneFilter]
    search_fields = ["user__username", "user__first_name", "title"]
    list_select_related = ["user", "city", "district", "street", "community", "grid", "firm"]
    autocomplete_fields = ["user"]
    fields = ["user", "role", "city", "district", "street", "community", "grid", "firm", "title"]
    actions = ["end_assignments"]

    @admin.display(description=_("unit"))
    def node_display(self, obj):
        return obj.node

    def has_change_permission(self, request, obj=None):
        # An assignment is never edited in place: it is ended and a new one is made,
        # so the history of who held which role stays intact.
        return False

    @staticmethod
    def _node(data):
        field = services.ROLE_NODE_FIELD[services.StaffRole(data["role"])]
        return data.get(field)

    def check_input(self, request, data, obj):
        services.check_staff_assignment(role=data["role"], node=self._node(data))

    def write(self, request, form, obj):
        data = form.cleaned_data
        return services.staff_assignment_create(
            user=data["user"], role=data["role"], node=self._node(data),
            title=data.get("title", ""), actor=request.user,
        )

    @admin.action(description=_("End the selected assignments"), permissions=["add"])
    def end_assignments(self, request, queryset):
        for assignment in queryset:
            services.staff_assignment_end(assignment=assignment, actor=request.user)


# ---------------------------------------------------------------------------
# Vulnerable residents and patrols (PII: visible only to their grid and community),
# service sites and service records.
# ---------------------------------------------------------------------------


def _masked_with(function, field_name, label):
    def display(_model_admin, obj):
        return function(getattr(obj, field_name))

    display.short_description = label
    display.__name__ = f"{field_name}_masked"
    return display


@admin.register(VulnerableResident)
class VulnerableResidentAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "grid", "group", "phone", "address", "registered_on", "left_on"]
    list_filter = ["group", "grid__community"]
    search_fields = ["name", "phone", "address", "grid__name"]
    list_select_related = ["grid__community"]
    pii_fields = ("name", "phone", "address")
    name_masked = _masked_with(mask_name, "name", _("name"))
    phone_masked = masked("phone", _("phone"))
    address_masked = _masked_with(mask_address, "address", _("address"))
    fields = ["grid", "name", "phone", "address", "group", "note", "registered_on", "left_on"]

    def check_input(self, request, data, obj):
        services.check_vulnerable_resident(registered_on=data.get("registered_on"),
                                           left_on=data.get("left_on"))

    def write(self, request, form, obj):
        if obj is None:
            data = dict(form.cleaned_data)
            left_on = data.pop("left_on", None)
            resident = services.vulnerable_resident_create(actor=request.user, **data)
            if left_on is not None:
                resident = services.vulnerable_resident_update(
                    actor=request.user, resident=resident, left_on=left_on)
            return resident
        return services.vulnerable_resident_update(actor=request.user, resident=obj,
                                                   **changed_values(form))


@admin.register(PatrolVisit)
class PatrolVisitAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        services.check_patrol_visit(actor=request.user, resident=data["resident"],
                                    visited_at=data["visited_at"])

    def write(self, request, form, obj):
        return services.patrol_visit_record(actor=request.user, **form.cleaned_data)


class FunctionRoomInline(admin.TabularInline):
    """Rooms are added with the site (or later), never rewritten here."""

    model = FunctionRoom
    fields = ["kind", "name"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ServiceSite)
class ServiceSiteAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "kind", "community", "compound", "grid", "opening_hours"]
    list_filter = ["kind", "community__street__district", "community__street"]
    search_fields = ["name", "community__name", "address"]
    list_select_related = ["community", "compound", "grid"]
    inlines = [FunctionRoomInline]
    fields = ["community", "name", "kind", "compound", "grid", "address", "opening_hours"]

    def get_readonly_fields(self, request, obj=None):
        return ["community"] if obj else []

    def check_input(self, request, data, obj):
        services.check_service_site(community=obj.community if obj else data["community"],
                                    compound=data.get("compound"), grid=data.get("grid"))

    def write(self, request, form, obj):
        rooms = [(row["kind"], row.get("name", "")) for row in self.new_inline_rows(request)]
        if obj is None:
            return services.service_site_create(actor=request.user, rooms=rooms,
                                                **form.cleaned_data)
        site = services.service_site_update(actor=request.user, site=obj,
                                            **changed_values(form))
        for kind, name in rooms:
            services.function_room_add(actor=request.user, site=site, kind=kind, name=name)
        return site


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["site", "kind", "served_at", "service_date", "visitors", "room"]
    list_filter = ["kind", "site__kind", "site__community__street__district"]
    search_fields = ["site__name", "note"]
    list_select_related = ["site", "room"]
    date_hierarchy = "served_at"
    fields = ["site", "room", "kind", "served_at", "visitors", "note"]

    def has_change_permission(self, request, obj=None):
        return False

    def check_input(self, request, data, obj):
        services.check_service_record(actor=request.user, site=data["site"],
                                      served_at=data["served_at"])

    def write(self, request, form, obj):
        return services.service_record_create(actor=request.user, **form.cleaned_data)


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


from communities import admin_accounts  # noqa: E402, F401  (accounts run by the district)
from communities.access import api_client_admin  # noqa: E402, F401  (API clients)
