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

from . import lifecycle, selectors, services
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


class TransitionSerializer(serializers.Serializer):
    """The request of one transition: ``version``, ``note`` and the action's inputs
    (``lifecycle.TRANSITIONS``); one subclass per action is made below."""

    version = serializers.IntegerField(
        required=False, help_text="The version you saw; a stale one gives 409."
    )

    def validate_photos(self, files):
        try:
            return clean_photos(files)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


def _note_field(required: bool):
    if required:
        return serializers.CharField(max_length=1000)
    return serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


# The API's field for each input a transition may take.
INPUT_FIELDS = {
    "target": lambda: serializers.CharField(
        help_text='"firm:<id>" (a firm with an active contract on the compound), '
                  '"grid:<id>" (a grid of its community) or "community".'
    ),
    "duplicate_of": lambda: serializers.CharField(
        max_length=16, help_text="Tracking code of the original complaint."
    ),
    "resolved": lambda: serializers.BooleanField(),
    "satisfaction": lambda: serializers.ChoiceField(choices=Satisfaction.choices),
    "photos": lambda: serializers.ListField(
        child=serializers.FileField(), required=False, default=list,
        help_text="Up to 3 photos of the work done (multipart); JPEG, PNG or WebP, "
                  "stored re-encoded without EXIF.",
    ),
}


def transition_serializer(transition) -> type[TransitionSerializer]:
    """The request serializer of ``transition``, from its row of the table."""
    fields = {"note": _note_field(transition.note_required)}
    fields.update({name: INPUT_FIELDS[name]() for name in
                   (*transition.inputs, *transition.optional_inputs)})
    name = "".join(part.title() for part in transition.action.split("_"))
    return type(f"{name}TransitionSerializer", (TransitionSerializer,), fields)


TRANSITION_SERIALIZERS = {action: transition_serializer(t)
                          for action, t in lifecycle.TRANSITIONS.items()}


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

    def _transition(self, request, action):
        complaint = self.get_object()
        serializer = TRANSITION_SERIALIZERS[action](data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.complaint_transition(
            action=action, complaint_id=complaint.pk, actor=request.user,
            version=data.get("version"), data=data,
        )
        return self._detail(result)


def _transition_endpoint(transition):
    """``POST /complaints/{id}/<action>/``: one per row of ``lifecycle.TRANSITIONS``."""

    def endpoint(self, request, pk=None):
        return self._transition(request, transition.action)

    name = transition.url_segment.replace("-", "_")
    if hasattr(viewsets.GenericViewSet, name):  # "dispatch" is the view's own method
        name += "_to"
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint = action(detail=True, methods=["post"], url_path=transition.url_segment)(endpoint)
    return extend_schema(
        request=TRANSITION_SERIALIZERS[transition.action], summary=transition.summary,
        responses={200: ComplaintDetailSerializer,
                   400: OpenApiResponse(description="Not allowed in this state / bad input"),
                   403: OpenApiResponse(description="Not allowed for you"),
                   404: OpenApiResponse(description="Not in your area"),
                   409: OpenApiResponse(description="Changed by someone else")},
    )(endpoint)


def _add_transition_endpoints(viewset) -> None:
    for transition in lifecycle.TRANSITIONS.values():
        endpoint = _transition_endpoint(transition)
        setattr(viewset, endpoint.__name__, endpoint)


_add_transition_endpoints(ComplaintViewSet)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.filter(is_active=True).order_by("order", "code")
    serializer_class = CategorySerializer


def register(router):
    """Register this app's viewsets on ``router``."""
    router.register("complaints", ComplaintViewSet, basename="api-complaint")
    router.register("complaint-categories", CategoryViewSet, basename="api-complaint-category")
