"""Scoped admin for the Party organisation ledgers. Every write goes through the services
(core.admin.ServiceAdmin): the tree path, meetings and their decisions, applications,
assessments, lists and funds; the 三审 review is read-only here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communities.access.admin import ScopedAdmin, masked
from core.admin import ReadOnlyAdmin, ServiceAdmin, changed_values

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
    PartyMember,
    PartyOrganization,
)
from .ownership import may_write_party_org

SCORE_CODES = ("organisation", "governance", "service", "neighbourliness", "safety")


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ServiceAdmin, ScopedAdmin):
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

    def write(self, request, form, obj):
        if obj is None:
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("path", "depth")}
            return services.party_org_create(actor=request.user, **data)
        return services.party_org_update(actor=request.user, org=obj, **changed_values(form))


class PartyMemberForm(forms.ModelForm):
    class Meta:
        model = PartyMember
        fields = ["organization", "name", "phone", "role", "joined_on", "is_central_household",
                  "households", "model_post", "shows_identity", "public_commitment"]


@admin.register(PartyMember)
class PartyMemberAdmin(ServiceAdmin, ScopedAdmin):
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

    def check_input(self, request, data, obj):
        organization = data.get("organization") or (obj.organization if obj else None)
        if organization is not None:
            services.check_party_member(
                organization=organization,
                is_central_household=data.get("is_central_household", False),
                households=list(data.get("households") or []),
            )

    def write(self, request, form, obj):
        if obj is None:
            data = dict(form.cleaned_data)
            data["households"] = list(data.get("households") or [])
            return services.party_member_create(actor=request.user, **data)
        changes = changed_values(form)
        households = changes.pop("households", None)
        return services.party_member_update(
            actor=request.user, member=obj, **changes,
            households=list(households) if households is not None else None,
        )


class JointMeetingForm(forms.ModelForm):
    class Meta:
        model = JointMeeting
        fields = ["community", "kind", "held_at", "title", "organizations", "attendees",
                  "owners_committee_present", "compounds", "topics", "minutes"]


class ActionItemInline(admin.TabularInline):
    """The meeting's decisions: entered with the meeting, then corrected one by one in the
    action items' admin."""

    model = ActionItem
    fields = ["description", "owner", "due_date", "status", "done_on"]
    extra = 0
    can_delete = False

    def get_fields(self, request, obj=None):
        return ["description", "owner", "due_date"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def get_extra(self, request, obj=None, **kwargs):
        return 2 if obj is None else 0

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(ServiceAdmin, ScopedAdmin):
    form = JointMeetingForm
    list_display = ["title", "community", "kind", "held_at", "owners_committee_present"]
    list_filter = ["kind", "community__street__district", "community__street"]
    search_fields = ["title", "topics", "community__name"]
    list_select_related = ["community"]
    date_hierarchy = "held_at"
    filter_horizontal = ["organizations", "compounds"]
    inlines = [ActionItemInline]

    def get_readonly_fields(self, request, obj=None):
        return ["community"] if obj else []

    def check_input(self, request, data, obj):
        services.check_joint_meeting(
            actor=request.user, community=obj.community if obj else data["community"],
            kind=data["kind"], held_at=data["held_at"],
            compounds=list(data.get("compounds") or []),
            organizations=list(data.get("organizations") or []),
        )

    def write(self, request, form, obj):
        if obj is None:
            data = dict(form.cleaned_data)
            data["compounds"] = list(data.get("compounds") or [])
            data["organizations"] = list(data.get("organizations") or [])
            items = [
                {"description": row["description"], "owner": row["owner"],
                 "due_date": row["due_date"]}
                for row in self.new_inline_rows(request)
            ]
            return services.joint_meeting_record(actor=request.user, action_items=items, **data)
        changes = changed_values(form)
        for relation in ("compounds", "organizations"):
            if relation in changes:
                changes[relation] = list(changes[relation])
        return services.joint_meeting_update(actor=request.user, meeting=obj, **changes)


@admin.register(ActionItem)
class ActionItemAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["description", "meeting", "owner", "due_date", "status", "done_on"]
    list_filter = ["status", "meeting__community__street__district"]
    search_fields = ["description", "owner", "meeting__title"]
    list_select_related = ["meeting"]
    filter_horizontal = ["compounds"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "description", "owner", "due_date", "compounds"]
        return ["meeting", "description", "owner", "due_date", "compounds", "status",
                "done_on"]

    def get_readonly_fields(self, request, obj=None):
        return ["meeting"] if obj else []

    def check_input(self, request, data, obj):
        services.check_action_item(
            meeting=obj.meeting if obj else data["meeting"], due_date=data.get("due_date"),
            compounds=list(data.get("compounds") or []),
        )

    def write(self, request, form, obj):
        data = form.cleaned_data
        if obj is None:
            return services.action_item_add(
                actor=request.user, meeting=data["meeting"], description=data["description"],
                owner=data["owner"], due_date=data["due_date"],
                compounds=list(data.get("compounds") or []),
            )
        changes = changed_values(form)
        status_changed = {"status", "done_on"} & set(changes)
        changes.pop("status", None)
        changes.pop("done_on", None)
        compounds = changes.pop("compounds", None)
        item = services.action_item_update(
            actor=request.user, item=obj, **changes,
            compounds=list(compounds) if compounds is not None else None,
        )
        if status_changed:
            item = services.action_item_set_status(
                actor=request.user, item=item, status=data["status"],
                done_on=data.get("done_on"),
            )
        return item


class ReviewInline(admin.TabularInline):
    model = DemonstrationReview
    fields = ["round", "step", "decision", "reviewer", "reviewer_role", "comment", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DemonstrationPoint)
class DemonstrationPointAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["name", "community", "year", "status", "round", "approved_on", "cadre"]
    list_filter = ["status", "year", "community__street__district", "community__street"]
    search_fields = ["name", "community__name", "organization__name"]
    list_select_related = ["community", "cadre"]
    inlines = [ReviewInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "name", "year", "goals", "cadre"]
        return ["community", "organization", "name", "year", "goals", "cadre", "status",
                "round", "approved_on"]

    def get_readonly_fields(self, request, obj=None):
        # The review status only moves through the 三审 services (the staff pages and API);
        # the goals change through a resubmission.
        if obj is None:
            return []
        return ["community", "organization", "year", "goals", "status", "round",
                "approved_on"]

    def check_input(self, request, data, obj):
        if obj is None:
            services.check_demonstration_point_apply(
                actor=request.user, organization=data["organization"],
                goals=data.get("goals", ""),
            )

    def write(self, request, form, obj):
        if obj is None:
            return services.demonstration_point_apply(actor=request.user, **form.cleaned_data)
        return services.demonstration_point_update(actor=request.user, point=obj,
                                                   **changed_values(form))


@admin.register(DemonstrationReview)
class DemonstrationReviewAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_display = ["point", "round", "step", "decision", "reviewer", "decided_at"]
    list_filter = ["step", "decision"]
    list_select_related = ["point", "reviewer"]


@admin.register(DemonstrationAssessment)
class DemonstrationAssessmentAdmin(ServiceAdmin, ScopedAdmin):
    """An assessment is recorded once (a year) and kept as it was."""

    list_display = ["point", "year", "organisation_score", "governance_score", "service_score",
                    "neighbourliness_score", "safety_score", "total_score"]
    list_filter = ["year"]
    list_select_related = ["point"]
    exclude = ["assessor"]

    @admin.display(description=_("total"))
    def total_score(self, obj):
        return obj.total

    def has_change_permission(self, request, obj=None):
        return False

    def check_input(self, request, data, obj):
        services.check_demonstration_assessment(actor=request.user, point=data["point"],
                                                year=data["year"])

    def write(self, request, form, obj):
        data = form.cleaned_data
        return services.demonstration_assessment_record(
            actor=request.user, point=data["point"], year=data["year"],
            scores={code: data[f"{code}_score"] for code in SCORE_CODES},
            evidence={code: data[f"{code}_evidence"] for code in SCORE_CODES},
        )


@admin.register(ListItem)
class ListItemAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["title", "community", "year", "list_kind", "infrastructure", "status",
                    "due_date"]
    list_filter = ["list_kind", "status", "infrastructure", "year"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]

    def get_readonly_fields(self, request, obj=None):
        return ["community"] if obj else []

    def write(self, request, form, obj):
        if obj is None:
            return services.list_item_create(actor=request.user, **form.cleaned_data)
        return services.list_item_update(actor=request.user, item=obj, **changed_values(form))


class FundSpendingInline(admin.TabularInline):
    model = FundSpending
    fields = ["spent_on", "amount", "purpose", "recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundAllocation)
class FundAllocationAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["community", "year", "kind", "amount"]
    list_filter = ["year", "kind", "community__street__district"]
    search_fields = ["community__name"]
    list_select_related = ["community"]
    inlines = [FundSpendingInline]

    def get_readonly_fields(self, request, obj=None):
        return ["community", "year"] if obj else []

    def check_input(self, request, data, obj):
        if obj is not None and "amount" in data:
            services.check_fund_allocation_amount(allocation=obj, amount=data["amount"])

    def write(self, request, form, obj):
        if obj is None:
            return services.fund_allocation_create(actor=request.user, **form.cleaned_data)
        return services.fund_allocation_update(actor=request.user, allocation=obj,
                                               **changed_values(form))


@admin.register(FundSpending)
class FundSpendingAdmin(ServiceAdmin, ScopedAdmin):
    list_display = ["allocation", "spent_on", "amount", "purpose", "recorded_by"]
    list_filter = ["allocation__year", "allocation__kind"]
    search_fields = ["purpose", "allocation__community__name"]
    list_select_related = ["allocation__community", "recorded_by"]
    fields = ["allocation", "spent_on", "amount", "purpose"]

    def has_change_permission(self, request, obj=None):
        # Spending is a ledger: a wrong entry is corrected by a new one, never edited.
        return False

    def check_input(self, request, data, obj):
        services.check_fund_spend(actor=request.user, allocation=data["allocation"],
                                  amount=data["amount"], spent_on=data["spent_on"])

    def write(self, request, form, obj):
        return services.fund_spend(actor=request.user, **form.cleaned_data)
