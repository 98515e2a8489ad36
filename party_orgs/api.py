"""DRF endpoints of the Party organisation ledgers, registered on the /api/v1/ router.

Everything is scoped (``ScopedQuerysetMixin``), filterable and paginated. Writes with rules
are actions that call the services: the 三审 review of a demonstration point, spending.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from communities.access.scoping import get_scoped_object_or_404
from communities.api import ScopedQuerysetMixin
from communities.selectors import can_view_pii
from core.validators import mask_phone

from . import selectors, services
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
    ReviewDecision,
    WorkReport,
)


class PartyOrganizationSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "kind", "unit_type", "parent", "path", "depth", "community",
                  "compound", "grid", "building", "firm", "unit_name", "secretary_name",
                  "founded_on", "member_count"]


class PartyMemberSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = PartyMember
        fields = ["id", "organization", "name", "phone", "role", "joined_on",
                  "is_central_household", "households", "model_post", "shows_identity",
                  "public_commitment"]

    def get_phone(self, obj) -> str:
        return obj.phone if self.context.get("show_pii") else mask_phone(obj.phone)


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "meeting", "description", "owner", "due_date", "status", "done_on",
                  "compounds"]


class JointMeetingSerializer(serializers.ModelSerializer):
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = ["id", "community", "kind", "held_at", "title", "topics", "minutes",
                  "attendees", "owners_committee_present", "organizations", "compounds",
                  "action_items"]


class DemonstrationReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", read_only=True)

    class Meta:
        model = DemonstrationReview
        fields = ["id", "point", "round", "step", "decision", "reviewer", "reviewer_role",
                  "comment", "decided_at"]


class DemonstrationPointSerializer(serializers.ModelSerializer):
    reviews = DemonstrationReviewSerializer(many=True, read_only=True)

    class Meta:
        model = DemonstrationPoint
        fields = ["id", "community", "organization", "name", "year", "goals", "status",
                  "round", "approved_on", "cadre", "reviews"]


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[ReviewDecision.APPROVED, ReviewDecision.REJECTED]
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DemonstrationAssessmentSerializer(serializers.ModelSerializer):
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = DemonstrationAssessment
        fields = ["id", "point", "year", "organisation_score", "organisation_evidence",
                  "governance_score", "governance_evidence", "service_score",
                  "service_evidence", "neighbourliness_score", "neighbourliness_evidence",
                  "safety_score", "safety_evidence", "total", "assessed_at"]


class WorkReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkReport
        fields = ["id", "point", "kind", "period_start", "content", "author", "submitted_at"]


class ListItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListItem
        fields = ["id", "community", "year", "list_kind", "title", "description",
                  "infrastructure", "status", "due_date"]


class FundAllocationSerializer(serializers.ModelSerializer):
    spent = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = FundAllocation
        fields = ["id", "community", "year", "kind", "amount", "spent", "note"]


class FundSpendingSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundSpending
        fields = ["id", "allocation", "spent_on", "amount", "purpose", "recorded_at"]
        read_only_fields = ["recorded_at"]


class MeetingFilter(filters.FilterSet):
    held_after = filters.IsoDateTimeFilter(field_name="held_at", lookup_expr="gte")
    held_before = filters.IsoDateTimeFilter(field_name="held_at", lookup_expr="lt")

    class Meta:
        model = JointMeeting
        fields = ["community", "kind", "held_after", "held_before"]


class PartyOrganizationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PartyOrganization.objects.order_by("path")
    serializer_class = PartyOrganizationSerializer
    filterset_fields = ["kind", "unit_type", "community", "firm", "parent"]

    def get_queryset(self):
        return selectors.organization_list(user=self.request.user)

    @extend_schema(responses=PartyOrganizationSerializer(many=True))
    @action(detail=True)
    def subtree(self, request, pk=None):
        """The organisation and every organisation under it (one query on the path)."""
        org = get_scoped_object_or_404(PartyOrganization.objects.all(), request.user, pk=pk)
        page = self.paginate_queryset(selectors.organization_subtree(user=request.user, org=org))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PartyMemberViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PartyMember.objects.prefetch_related("households").order_by("pk")
    serializer_class = PartyMemberSerializer
    filterset_fields = ["organization", "role", "is_central_household", "shows_identity"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_pii": can_view_pii(self.request.user)}


class JointMeetingViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = JointMeeting.objects.prefetch_related(
        "organizations", "compounds", "action_items__compounds"
    ).order_by("-held_at", "-pk")
    serializer_class = JointMeetingSerializer
    filterset_class = MeetingFilter


class ActionItemFilter(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = ActionItem
        fields = ["meeting", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue_action_items(queryset)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class ActionItemViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ActionItem.objects.prefetch_related("compounds").order_by("due_date", "pk")
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter


class DemonstrationPointViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = DemonstrationPoint.objects.prefetch_related("reviews__reviewer").order_by(
        "-year", "pk"
    )
    serializer_class = DemonstrationPointSerializer
    filterset_fields = ["community", "year", "status"]

    @extend_schema(request=ReviewInputSerializer, responses=DemonstrationPointSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Take the current step of 三审 (street first review, then district decision)."""
        point = get_scoped_object_or_404(DemonstrationPoint.objects.all(), request.user, pk=pk)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        point = services.demonstration_point_review(
            actor=request.user, point=point, decision=data.validated_data["decision"],
            comment=data.validated_data.get("comment", ""),
        )
        point = self.get_queryset().get(pk=point.pk)
        return Response(self.get_serializer(point).data, status=status.HTTP_200_OK)


class DemonstrationReviewViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = DemonstrationReview.objects.select_related("reviewer").order_by("point", "pk")
    serializer_class = DemonstrationReviewSerializer
    filterset_fields = ["point", "step", "decision"]


class DemonstrationAssessmentViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = DemonstrationAssessment.objects.order_by("-year", "pk")
    serializer_class = DemonstrationAssessmentSerializer
    filterset_fields = ["point", "year"]


class WorkReportViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkReportSerializer
    filterset_fields = ["point", "kind", "period_start"]

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)


class ListItemViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ListItem.objects.order_by("-year", "pk")
    serializer_class = ListItemSerializer
    filterset_fields = ["community", "year", "list_kind", "infrastructure", "status"]


class FundAllocationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = FundAllocationSerializer
    filterset_fields = ["community", "year", "kind"]

    def get_queryset(self):
        return selectors.allocation_list(user=self.request.user)


class FundSpendingViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    queryset = FundSpending.objects.order_by("-spent_on", "-pk")
    serializer_class = FundSpendingSerializer
    filterset_fields = ["allocation", "allocation__community", "allocation__year"]

    def create(self, request, *args, **kwargs):
        """Record spending; refused (400) past the allocation, or without the permission."""
        if not request.user.has_perm("party_orgs.add_fundspending"):

            raise PermissionDenied()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        allocation = get_scoped_object_or_404(
            FundAllocation.objects.all(), request.user,
            pk=data.validated_data["allocation"].pk,
        )
        spending = services.fund_spend(
            actor=request.user, allocation=allocation, amount=data.validated_data["amount"],
            spent_on=data.validated_data["spent_on"], purpose=data.validated_data["purpose"],
        )
        return Response(self.get_serializer(spending).data, status=status.HTTP_201_CREATED)


def register(router):
    """Register this app's viewsets on ``router``."""
    router.register("party-organizations", PartyOrganizationViewSet, basename="partyorganization")
    router.register("party-members", PartyMemberViewSet)
    router.register("joint-meetings", JointMeetingViewSet)
    router.register("action-items", ActionItemViewSet)
    router.register("demonstration-points", DemonstrationPointViewSet)
    router.register("demonstration-reviews", DemonstrationReviewViewSet)
    router.register("demonstration-assessments", DemonstrationAssessmentViewSet)
    router.register("work-reports", WorkReportViewSet, basename="workreport")
    router.register("list-items", ListItemViewSet)
    router.register("fund-allocations", FundAllocationViewSet, basename="fundallocation")
    router.register("fund-spendings", FundSpendingViewSet)
