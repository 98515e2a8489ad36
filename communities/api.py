"""Read-only API over the hierarchy, scoped like everything else."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from .models import Building, Community, Compound, District, Grid, Household, Street
from .scoping import scope_queryset
from .selectors import can_view_pii
from .validators import mask_phone


class ScopedQuerysetMixin:
    """Every API view over scoped data derives from this: the queryset is the user's scope."""

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.request.user)


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


def register(router):
    router.register("districts", DistrictViewSet)
    router.register("streets", StreetViewSet)
    router.register("communities", CommunityViewSet)
    router.register("compounds", CompoundViewSet)
    router.register("buildings", BuildingViewSet)
    router.register("households", HouseholdViewSet)
    router.register("grids", GridViewSet)
