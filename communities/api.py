"""Read-only API over the hierarchy, scoped like everything else."""

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from communities.access.scoping import get_scoped_object_or_404, scope_queryset
from communities.api_accounts import register as register_accounts
from communities.audit import record_pii_view, user_place
from communities.metrics.api import register as register_metrics
from communities.models import (
    Building,
    Community,
    Compound,
    District,
    FunctionRoom,
    Grid,
    Household,
    PatrolVisit,
    ServiceRecord,
    ServiceSite,
    Street,
    VulnerableResident,
)
from communities.selectors import can_view_pii, display_vulnerable
from communities.services import patrol_visit_record
from core.validators import mask_phone


class ScopedQuerysetMixin:
    """Every API view over scoped data derives from this: the queryset is the user's scope."""

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        """Reading unmasked personal data through the API leaves an audit event."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and self._shows_pii():

            model = self.get_queryset().model
            object_id = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
            record_pii_view(request=request, object_type=model._meta.label_lower,
                            object_id=object_id, place=user_place(request.user))
        return response

    def _shows_pii(self) -> bool:
        if not can_view_pii(self.request.user):
            return False
        model = getattr(getattr(self, "queryset", None), "model", None)
        return model is VulnerableResident or bool(
            self.get_serializer_context().get("show_pii")
        )


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name", "city"]


class StreetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Street
        fields = ["id", "name", "district"]


class CommunitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "name", "street", "address", "phone"]


class CompoundSerializer(serializers.ModelSerializer):
    is_three_no = serializers.BooleanField(read_only=True)
    street = serializers.IntegerField(source="community.street_id", read_only=True)
    district = serializers.IntegerField(source="community.street.district_id", read_only=True)

    class Meta:
        model = Compound
        fields = [
            "id", "name", "name_initials", "community", "street", "district", "address",
            "management_mode", "declared_households", "floor_area", "year_built",
            "is_old_compound", "competent_unit", "has_owners_organisation", "is_three_no",
        ]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "compound", "floors", "units"]


class HouseholdSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "compound", "building", "unit", "room", "floor_area", "owner_name", "phone"]

    def get_phone(self, obj) -> str:
        if self.context.get("show_pii"):
            return obj.phone
        return mask_phone(obj.phone)


class GridSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "name", "community", "duty_types", "buildings"]


class CompoundFilter(filters.FilterSet):
    district = filters.NumberFilter(field_name="community__street__district")
    street = filters.NumberFilter(field_name="community__street")
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Compound
        fields = ["community", "management_mode", "is_old_compound", "district", "street", "name"]


class DistrictViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = District.objects.order_by("id")
    serializer_class = DistrictSerializer
    filterset_fields = ["city"]


class StreetViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Street.objects.order_by("id")
    serializer_class = StreetSerializer
    filterset_fields = ["district"]


class CommunityViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Community.objects.order_by("id")
    serializer_class = CommunitySerializer
    filterset_fields = ["street"]


class CompoundViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Compound.objects.select_related("community__street").order_by("id")
    serializer_class = CompoundSerializer
    filterset_class = CompoundFilter


class BuildingViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Building.objects.order_by("id")
    serializer_class = BuildingSerializer
    filterset_fields = ["compound"]


class HouseholdViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Household.objects.order_by("id")
    serializer_class = HouseholdSerializer
    filterset_fields = ["compound", "building"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_pii": can_view_pii(self.request.user)}


class GridViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Grid.objects.prefetch_related("buildings").order_by("id")
    serializer_class = GridSerializer
    filterset_fields = ["community"]


# ---------------------------------------------------------------------------
# Vulnerable residents (only their grid and community), patrols, service sites.
# ---------------------------------------------------------------------------


class VulnerableResidentSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()

    class Meta:
        model = VulnerableResident
        fields = ["id", "grid", "name", "phone", "address", "group", "note", "registered_on",
                  "left_on"]

    def _shown(self, obj):
        return display_vulnerable(self.context["request"].user, obj)

    def get_name(self, obj) -> str:
        return self._shown(obj)["name"]

    def get_phone(self, obj) -> str:
        return self._shown(obj)["phone"]

    def get_address(self, obj) -> str:
        return self._shown(obj)["address"]


class PatrolVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = PatrolVisit
        fields = ["id", "resident", "visited_at", "visit_date", "half_day", "visitor_name",
                  "condition", "needs_follow_up"]
        read_only_fields = ["visit_date", "half_day"]


class FunctionRoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = FunctionRoom
        fields = ["id", "kind", "name"]


class ServiceSiteSerializer(serializers.ModelSerializer):
    rooms = FunctionRoomSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceSite
        fields = ["id", "community", "compound", "grid", "name", "kind", "address",
                  "opening_hours", "rooms"]


class ServiceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = ["id", "site", "room", "kind", "served_at", "service_date", "visitors", "note"]
        read_only_fields = ["service_date"]


class VulnerableResidentViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = VulnerableResident.objects.order_by("id")
    serializer_class = VulnerableResidentSerializer
    filterset_fields = ["grid", "group"]


class PatrolVisitFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="visit_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="visit_date", lookup_expr="lte")

    class Meta:
        model = PatrolVisit
        fields = ["resident", "half_day", "visit_date", "date_from", "date_to"]


class PatrolVisitViewSet(ScopedQuerysetMixin, mixins.CreateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """Patrol visits; a grid worker or community staff records one with POST."""

    queryset = PatrolVisit.objects.order_by("-visited_at", "-id")
    serializer_class = PatrolVisitSerializer
    filterset_class = PatrolVisitFilter

    def create(self, request, *args, **kwargs):


        if not request.user.has_perm("communities.add_patrolvisit"):
            raise PermissionDenied()
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = get_scoped_object_or_404(
            VulnerableResident.objects.all(), request.user,
            pk=data.validated_data["resident"].pk,
        )
        visit = patrol_visit_record(
            actor=request.user, resident=resident,
            visited_at=data.validated_data["visited_at"],
            visitor_name=data.validated_data["visitor_name"],
            condition=data.validated_data.get("condition", ""),
            needs_follow_up=data.validated_data.get("needs_follow_up", False),
        )
        return Response(self.get_serializer(visit).data, status=201)


class ServiceSiteViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServiceSite.objects.prefetch_related("rooms").order_by("id")
    serializer_class = ServiceSiteSerializer
    filterset_fields = ["community", "kind", "grid"]


class ServiceRecordFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="service_date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="service_date", lookup_expr="lte")

    class Meta:
        model = ServiceRecord
        fields = ["site", "kind", "service_date", "date_from", "date_to"]


class ServiceRecordViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ServiceRecord.objects.order_by("-served_at", "-id")
    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilter


def register(router):
    router.register("districts", DistrictViewSet)
    router.register("streets", StreetViewSet)
    router.register("communities", CommunityViewSet)
    router.register("compounds", CompoundViewSet)
    router.register("buildings", BuildingViewSet)
    router.register("households", HouseholdViewSet)
    router.register("grids", GridViewSet)
    router.register("vulnerable-residents", VulnerableResidentViewSet)
    router.register("patrol-visits", PatrolVisitViewSet)
    router.register("service-sites", ServiceSiteViewSet)
    router.register("service-records", ServiceRecordViewSet)

    register_metrics(router)
    register_accounts(router)
