"""DRF endpoints of complaints, registered on the /api/v1/ router.

List (scoped, filtered, paginated by cursor: newest first, no total count), detail
with the timeline, create (staff logging) and each transition of the state machine as
a POST action. Errors use the project's one shape {"error": {"code", "message",
"fields"}} (409 for a conflict).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from communities.access.scoping import scope_queryset
from communities.api import ScopedQuerysetMixin
from communities.models import Building, Compound
from communities.selectors import can_view_pii
from core.validators import mask_phone, validate_phone

from . import selectors, services
from .models import (
    STAFF_CHANNELS,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    Satisfaction,
    Status,
    Urgency,
)
from .pagination import ComplaintCursorPagination
from .photos import clean_photos


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent", "hours_to_respond", "days_to_resolve",
                  "default_handler"]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintEvent
        fields = ["id", "kind", "from_status", "to_status", "actor", "actor_role", "note",
                  "is_public", "created_at"]

    def get_actor(self, obj) -> str:
        if obj.actor_id is None:
            return ""
        return obj.actor.get_full_name() or obj.actor.get_username()


class ComplaintSerializer(serializers.ModelSerializer):
    reporter_phone = serializers.SerializerMethodField()
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id", "tracking_code", "compound", "compound_name", "building", "category",
            "category_name", "channel", "external_ref", "description", "reporter_name",
            "reporter_phone", "status", "urgency", "handler_kind", "handler_firm",
            "handler_grid", "received_at", "response_deadline", "resolve_deadline",
            "accepted_at", "dispatched_at", "started_at", "resolved_at", "closed_at",
            "rejected_at", "reopen_count", "escalation_level", "resident_resolved",
            "satisfaction", "satisfaction_comment", "feedback_at", "feedback_source",
            "duplicate_of", "rejection_kind", "rejection_reason", "version", "overdue",
        ]
        read_only_fields = fields

    def get_reporter_phone(self, obj) -> str:
        if self.context.get("show_pii"):
            return obj.reporter_phone
        return mask_phone(obj.reporter_phone)

    def get_overdue(self, obj) -> bool:
        value = getattr(obj, "overdue", None)
        return bool(value) if value is not None else obj.is_overdue(timezone.now())


class ComplaintDetailSerializer(ComplaintSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ComplaintCreateSerializer(serializers.Serializer):
    compound = serializers.PrimaryKeyRelatedField(queryset=Compound.objects.all())
    building = serializers.PrimaryKeyRelatedField(queryset=Building.objects.all(),
                                                  required=False, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(
        is_active=True))
    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    external_ref = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                         default="")
    description = serializers.CharField(min_length=5, max_length=1000)
    reporter_name = serializers.CharField(max_length=30)
    reporter_phone = serializers.CharField(max_length=20, validators=[validate_phone])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["compound"].queryset = scope_queryset(
                Compound.objects.all(), request.user)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text="The version you saw; a stale one gives 409."
    )
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class NoteRequiredSerializer(VersionSerializer):
    note = serializers.CharField(max_length=1000)


class ResolveSerializer(NoteRequiredSerializer):
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list,
        help_text="Up to 3 photos of the work done (multipart); JPEG, PNG or WebP, "
                  "stored re-encoded without EXIF.",
    )

    def validate_photos(self, files):
        try:
            return clean_photos(files)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class DispatchSerializer(VersionSerializer):
    target = serializers.CharField(
        help_text='"firm:<id>" (a firm with an active contract on the compound), '
                  '"grid:<id>" (a grid of its community) or "community".'
    )


class DuplicateSerializer(VersionSerializer):
    duplicate_of = serializers.CharField(max_length=16,
                                         help_text="Tracking code of the original complaint.")


class FeedbackSerializer(VersionSerializer):
    resolved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)


class ComplaintFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)
    channel = filters.ChoiceFilter(choices=Channel.choices)
    received_after = filters.DateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = filters.DateTimeFilter(field_name="received_at", lookup_expr="lt")
    overdue = filters.BooleanFilter(method="filter_overdue")
    tracking_code = filters.CharFilter(field_name="tracking_code", lookup_expr="iexact")

    class Meta:
        model = Complaint
        fields = ["status", "category", "compound", "channel", "handler_kind", "urgency"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = selectors.overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


def _transition(serializer_class, summary):
    return extend_schema(
        request=serializer_class, summary=summary,
        responses={200: ComplaintDetailSerializer,
                   400: OpenApiResponse(description="Not allowed in this state / bad input"),
                   403: OpenApiResponse(description="Not allowed for you"),
                   404: OpenApiResponse(description="Not in your area"),
                   409: OpenApiResponse(description="Changed by someone else")},
    )


@extend_schema_view(
    list=extend_schema(summary="Complaints in your area"),
    retrieve=extend_schema(summary="One complaint with its timeline"),
    create=extend_schema(request=ComplaintCreateSerializer,
                         responses={201: ComplaintDetailSerializer},
                         summary="Log a request taken by phone, at the window or from 12345"),
)
class ComplaintViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Complaint.objects.select_related("compound", "category__parent").order_by(
        "-received_at", "-id"
    )
    filterset_class = ComplaintFilter
    serializer_class = ComplaintSerializer
    # Keyset pages without a total: counting every complaint in scope grew with the city.
    pagination_class = ComplaintCursorPagination

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return ComplaintCreateSerializer
        if self.action == "retrieve":
            return ComplaintDetailSerializer
        return ComplaintSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_pii"] = can_view_pii(self.request.user)
        return context

    def _detail(self, complaint, status_code=status.HTTP_200_OK):
        complaint = self.get_queryset().prefetch_related("events__actor").get(pk=complaint.pk)
        data = ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = ComplaintCreateSerializer(data=request.data,
                                               context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        complaint = services.complaint_log(actor=request.user, **data)
        return self._detail(complaint, status.HTTP_201_CREATED)

    def _run(self, request, serializer_class, call):
        complaint = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = call(complaint.pk, request.user, data, data.get("version"))
        return self._detail(result)

    @_transition(VersionSerializer, "Accept (submitted → accepted)")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._run(request, VersionSerializer, lambda c, u, d, v: services.complaint_accept(
            complaint_id=c, actor=u, note=d["note"], expected_version=v))

    @_transition(DispatchSerializer, "Dispatch (accepted → dispatched)")
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_to(self, request, pk=None):
        return self._run(request, DispatchSerializer,
                         lambda c, u, d, v: services.complaint_dispatch(
                             complaint_id=c, actor=u, target=d["target"], note=d["note"],
                             expected_version=v))

    @_transition(VersionSerializer, "Start work (dispatched/reopened → in progress)")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._run(request, VersionSerializer, lambda c, u, d, v: services.complaint_start(
            complaint_id=c, actor=u, note=d["note"], expected_version=v))

    @_transition(NoteRequiredSerializer, "Add a progress note")
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        return self._run(request, NoteRequiredSerializer,
                         lambda c, u, d, v: services.complaint_add_progress(
                             complaint_id=c, actor=u, note=d["note"], expected_version=v))

    @_transition(ResolveSerializer, "Resolve (in progress → resolved), with up to 3 photos")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._run(request, ResolveSerializer,
                         lambda c, u, d, v: services.complaint_resolve(
                             complaint_id=c, actor=u, note=d["note"], photos=d["photos"],
                             expected_version=v))

    @_transition(VersionSerializer, "Close (resolved → closed)")
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, VersionSerializer, lambda c, u, d, v: services.complaint_close(
            complaint_id=c, actor=u, note=d["note"], expected_version=v))

    @_transition(NoteRequiredSerializer, "Reject as invalid, with the reason in note")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(request, NoteRequiredSerializer,
                         lambda c, u, d, v: services.complaint_reject(
                             complaint_id=c, actor=u, reason=d["note"], expected_version=v))

    @_transition(DuplicateSerializer, "Reject as a duplicate of another complaint")
    @action(detail=True, methods=["post"], url_path="mark-duplicate")
    def mark_duplicate(self, request, pk=None):
        return self._run(request, DuplicateSerializer,
                         lambda c, u, d, v: services.complaint_mark_duplicate(
                             complaint_id=c, actor=u, duplicate_of=d["duplicate_of"],
                             note=d["note"], expected_version=v))

    @_transition(NoteRequiredSerializer, "Reopen (resolved → reopened)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._run(request, NoteRequiredSerializer,
                         lambda c, u, d, v: services.complaint_reopen(
                             complaint_id=c, actor=u, note=d["note"], expected_version=v))

    @_transition(FeedbackSerializer, "Record the follow-up call's two answers (回访)")
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        return self._run(request, FeedbackSerializer,
                         lambda c, u, d, v: services.complaint_record_feedback(
                             complaint_id=c, actor=u, resolved=d["resolved"],
                             satisfaction=d["satisfaction"], comment=d["note"],
                             expected_version=v))


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(is_active=True).order_by("order", "code")
    serializer_class = CategorySerializer


def register(router):
    """Register this app's viewsets on ``router``."""
    router.register("complaints", ComplaintViewSet, basename="api-complaint")
    router.register("complaint-categories", CategoryViewSet, basename="api-complaint-category")
