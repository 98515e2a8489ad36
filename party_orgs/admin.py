"""Scoped admin for the Party organisation ledgers. Writes that have rules go through the
services: the tree path, meetings, the 三审 review (read-only here), spending."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin, masked
from core.admin import ReadOnlyAdmin
from core.errors import ApplicationError

from . import services
from .models import (
    ActionItem,
    DemonstrationAssessment,
    DemonstrationPoint,
    DemonstrationReview,
    FundAllocation,
    FundSpending,
    JointMeeting,
    ListItem,
    MeetingKind,
    PartyMember,
    PartyOrganization,
)
from .ownership import check_party_org_writer, may_write_party_org


class ServiceErrorsAsMessages:
    """A refusal by a service (ApplicationError) is shown as a message on the same form,
    nothing saved (the admin's transaction is rolled back), never a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["indented_name", "kind", "unit_type", "community", "firm", "secretary_name"]
    list_filter = ["kind", "unit_type", "community__street__district"]
    search_fields = ["name", "secretary_name", "unit_name"]
    list_select_related = ["community", "firm"]
    readonly_fields = ["path", "depth"]
    fields = ["name", "kind", "unit_type", "parent", "community", "compound", "grid",
              "building", "firm", "unit_name", "secretary_name", "founded_on", "path", "depth"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "\u3000" * obj.depth + obj.name

    # A firm's organisations are written by their keepers only (party_orgs.ownership).
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_write_party_org(
            request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_write_party_org(
            request.user, obj)

    def save_model(self, request, obj, form, change):
        if change:
            if "parent" in form.changed_data:
                moved = services.party_org_move(user=request.user, org=obj, parent=obj.parent)
                obj.path, obj.depth = moved.path, moved.depth
            obj.full_clean()
            obj.save()
            return
        saved = services.party_org_create(
            user=request.user, name=obj.name, kind=obj.kind, unit_type=obj.unit_type,
            parent=obj.parent, community=obj.community, compound=obj.compound, grid=obj.grid,
            building=obj.building, firm=obj.firm, unit_name=obj.unit_name,
            secretary_name=obj.secretary_name, founded_on=obj.founded_on,
        )
        obj.pk, obj.path, obj.depth = saved.pk, saved.path, saved.depth


class PartyMemberForm(forms.ModelForm):
    class Meta:
        model = PartyMember
        fields = ["organization", "name", "phone", "role", "joined_on", "is_central_household",
                  "households", "model_post", "shows_identity", "public_commitment"]

    def clean(self):
        data = super().clean()
        households = data.get("households")
        org = data.get("organization")
        if households and households.exists():
            if not data.get("is_central_household"):
                raise ValidationError(
                    _("Only a Party-member central household looks after households.")
                )
            if org and households.exclude(compound__community=org.community_id).exists():
                raise ValidationError(
                    _("A central household looks after households of its own community only.")
                )
        return data


class JointMeetingForm(forms.ModelForm):
    class Meta:
        model = JointMeeting
        fields = ["community", "kind", "held_at", "title", "organizations", "attendees",
                  "owners_committee_present", "compounds", "topics", "minutes"]

    def clean(self):
        data = super().clean()
        community, compounds = data.get("community"), data.get("compounds")
        if community and compounds is not None:
            if compounds.exclude(community=community).exists():
                raise ValidationError(_("A compound of another community cannot be linked."))
            if data.get("kind") == MeetingKind.THREE_PARTY and not compounds.exists():
                raise ValidationError(
                    _("A three-party meeting concerns at least one compound: choose it.")
                )
        return data


@admin.register(PartyMember)
class PartyMemberAdmin(ServiceErrorsAsMessages, ScopedAdmin):
    form = PartyMemberForm
    list_display = ["name", "organization", "role", "phone", "is_central_household",
                    "model_post", "shows_identity"]
    list_filter = ["role", "is_central_household", "shows_identity"]
    search_fields = ["name", "phone", "organization__name", "model_post"]
    list_select_related = ["organization"]
    pii_fields = ("phone",)
    phone_masked = masked("phone", _("phone"))
    autocomplete_fields = ["organization", "households"]

    # The members of a firm's organisation are written by its keepers only.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_write_party_org(
            request.user, obj.organization if obj is not None else None)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_write_party_org(
            request.user, obj.organization if obj is not None else None)

    def save_model(self, request, obj, form, change):
        check_party_org_writer(user=request.user, org=obj.organization)
        super().save_model(request, obj, form, change)


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = ["description", "owner", "due_date", "status", "done_on"]
    extra = 0


@admin.register(JointMeeting)
class JointMeetingAdmin(ScopedAdmin):
    """Meetings are recorded on the staff page (with their decisions, through the service);
    here they are read and corrected."""

    form = JointMeetingForm
    list_display = ["title", "community", "kind", "held_at", "owners_committee_present"]
    list_filter = ["kind", "community__street__district", "community__street"]
    search_fields = ["title", "topics", "community__name"]
    list_select_related = ["community"]
    date_hierarchy = "held_at"
    filter_horizontal = ["organizations", "compounds"]
    inlines = [ActionItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(ActionItem)
class ActionItemAdmin(ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["description", "meeting", "owner", "due_date", "status", "done_on"]
    list_filter = ["status", "meeting__community__street__district"]
    search_fields = ["description", "owner", "meeting__title"]
    list_select_related = ["meeting"]

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            services.action_item_set_status(
                user=request.user, item=obj, status=obj.status, done_on=obj.done_on
            )
            form.changed_data.remove("status")
        super().save_model(request, obj, form, change)


class ReviewInline(admin.TabularInline):
    model = DemonstrationReview
    fields = ["round", "step", "decision", "reviewer", "reviewer_role", "comment", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DemonstrationPoint)
class DemonstrationPointAdmin(ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["name", "community", "year", "status", "round", "approved_on", "cadre"]
    list_filter = ["status", "year", "community__street__district", "community__street"]
    search_fields = ["name", "community__name", "organization__name"]
    list_select_related = ["community", "cadre"]
    # The review status only moves through the 三审 services (the staff pages and API).
    readonly_fields = ["status", "round", "approved_on"]
    inlines = [ReviewInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.demonstration_point_apply(
            user=request.user, organization=obj.organization, name=obj.name, year=obj.year,
            goals=obj.goals, cadre=obj.cadre,
        )
        obj.pk = saved.pk


@admin.register(DemonstrationReview)
class DemonstrationReviewAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_display = ["point", "round", "step", "decision", "reviewer", "decided_at"]
    list_filter = ["step", "decision"]
    list_select_related = ["point", "reviewer"]



@admin.register(DemonstrationAssessment)
class DemonstrationAssessmentAdmin(ScopedAdmin):
    list_display = ["point", "year", "organisation_score", "governance_score", "service_score",
                    "neighbourliness_score", "safety_score", "total_score"]
    list_filter = ["year"]
    list_select_related = ["point"]

    @admin.display(description=_("total"))
    def total_score(self, obj):
        return obj.total


@admin.register(ListItem)
class ListItemAdmin(ScopedAdmin):
    list_display = ["title", "community", "year", "list_kind", "infrastructure", "status",
                    "due_date"]
    list_filter = ["list_kind", "status", "infrastructure", "year"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]


class FundSpendingInline(admin.TabularInline):
    model = FundSpending
    fields = ["spent_on", "amount", "purpose", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundAllocation)
class FundAllocationAdmin(ScopedAdmin):
    list_display = ["community", "year", "kind", "amount"]
    list_filter = ["year", "kind", "community__street__district"]
    search_fields = ["community__name"]
    list_select_related = ["community"]
    inlines = [FundSpendingInline]


@admin.register(FundSpending)
class FundSpendingAdmin(ServiceErrorsAsMessages, ScopedAdmin):
    list_display = ["allocation", "spent_on", "amount", "purpose", "recorded_by"]
    list_filter = ["allocation__year", "allocation__kind"]
    search_fields = ["purpose", "allocation__community__name"]
    list_select_related = ["allocation__community", "recorded_by"]
    fields = ["allocation", "spent_on", "amount", "purpose"]

    def has_change_permission(self, request, obj=None):
        # Spending is a ledger: a wrong entry is corrected by a new one, never edited.
        return False

    def save_model(self, request, obj, form, change):
        saved = services.fund_spend(
            user=request.user, allocation=obj.allocation, amount=obj.amount,
            spent_on=obj.spent_on, purpose=obj.purpose,
        )
        obj.pk = saved.pk
