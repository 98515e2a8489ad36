"""DRF endpoints of this app, registered on the /api/v1/ router. Scoped, filterable,
paginated; writes go through the services."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from communities.access.scoping import get_scoped_object_or_404, scope_queryset
from communities.access.second_factor import SecondFactorPassed
from communities.models import Compound, ManagementMode

from . import fee_import_services, selectors, services
from .models import (
    Disclosure,
    DisclosureItem,
    FeeBill,
    FeeImport,
    ImportKind,
    ImportOutcome,
    Inspection,
    InspectionItem,
    OwnersCommittee,
    Payment,
    PaymentChannel,
    PropertyFirm,
    RenovationProject,
    ServiceContract,
)


class RolePermissions(permissions.DjangoModelPermissions):
    """Reading needs the model's view permission, writing its add permission."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts objects in the requesting user's scope."""

    def get_queryset(self):
        return scope_queryset(super().get_queryset(), self.context["request"].user)


class SelectorViewSet(viewsets.GenericViewSet):
    """A viewset whose queryset is a scoped selector."""

    selector = None
    permission_classes = [permissions.IsAuthenticated, SecondFactorPassed, RolePermissions]

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


# Firms and contracts ------------------------------------------------------------------


class PropertyFirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = PropertyFirm
        fields = [
            "id", "name", "credit_code", "ownership", "contact_person", "contact_phone",
            "address", "red_standing", "red_standing_year",
        ]


class PropertyFirmViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    """Firms serving the user's area; administrators register new firms (the credit code
    is checked against its GB 32100-2015 check character)."""

    queryset = PropertyFirm.objects.all()
    selector = staticmethod(selectors.firm_list)
    serializer_class = PropertyFirmSerializer
    filterset_fields = ["ownership", "red_standing"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.firm_create(
            **{field: data.get(field, "") for field in services.FIRM_FIELDS
               if field != "red_standing_year"},
            red_standing_year=data.get("red_standing_year"),
        )


class ServiceContractSerializer(serializers.ModelSerializer):
    firm_name = serializers.CharField(source="firm.name", read_only=True, default="")
    compound_name = serializers.CharField(source="compound.name", read_only=True)

    class Meta:
        model = ServiceContract
        fields = [
            "id", "compound", "compound_name", "firm", "firm_name", "mode", "start_date",
            "end_date", "fee_standard", "status",
        ]


class ServiceContractFilter(filters.FilterSet):
    class Meta:
        model = ServiceContract
        fields = ["compound", "firm", "mode", "status"]


class ServiceContractStartSerializer(serializers.Serializer):
    """Start a contract on a compound in the user's area; the compound's active contract
    (if any) ends the day before."""

    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all())
    firm = ScopedPrimaryKeyRelatedField(
        queryset=PropertyFirm.objects.all(), required=False, allow_null=True, default=None,
        help_text="Empty for a community-led or no-management period.",
    )
    mode = serializers.ChoiceField(choices=ManagementMode.choices)
    start_date = serializers.DateField()
    fee_standard = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0"),
        help_text="Yuan per m² per month.",
    )

    def validate(self, attrs):
        without_firm = attrs["mode"] in (ManagementMode.COMMUNITY_LED, ManagementMode.NONE)
        if without_firm and attrs.get("firm") is not None:
            raise serializers.ValidationError({"firm": [
                _("A community-led or no-management period has no property firm.")
            ]})
        if not without_firm and attrs.get("firm") is None:
            raise serializers.ValidationError({"firm": [
                _("Choose the property firm for this mode.")
            ]})
        return attrs


class ServiceContractEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()

    def validate_end_date(self, value):
        contract = self.context["contract"]
        if value < contract.start_date:
            raise serializers.ValidationError(
                _("The end date cannot be before the start date.")
            )
        return value


@extend_schema_view(
    create=extend_schema(
        request=ServiceContractStartSerializer, responses={201: ServiceContractSerializer},
        summary="Start a service contract (the active one, if any, ends the day before)",
    ),
)
class ServiceContractViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    """Contracts of the user's area. Community staff start a contract (POST) and end the
    active one (POST .../end/); the compound's management mode follows."""

    queryset = ServiceContract.objects.all()
    selector = staticmethod(selectors.contract_list)
    serializer_class = ServiceContractSerializer
    filterset_class = ServiceContractFilter

    def create(self, request, *args, **kwargs):
        body = ServiceContractStartSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contract = services.contract_start(
            compound=data["compound"], firm=data.get("firm"), mode=data["mode"],
            start_date=data["start_date"], fee_standard=data["fee_standard"],
            actor=request.user,
        )
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(
            ServiceContractSerializer(contract, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ServiceContractEndSerializer, responses={200: ServiceContractSerializer},
        summary="End the active contract on end_date",
    )
    @action(detail=True, methods=["post"], serializer_class=ServiceContractEndSerializer)
    def end(self, request, pk=None):
        if not request.user.has_perm("properties.change_servicecontract"):
            raise PermissionDenied()
        contract = self.get_object()  # scoped queryset: out of the area is a 404
        body = ServiceContractEndSerializer(data=request.data, context={"contract": contract})
        body.is_valid(raise_exception=True)
        services.contract_end(contract=contract, end_date=body.validated_data["end_date"],
                              actor=request.user)
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(
            ServiceContractSerializer(contract, context=self.get_serializer_context()).data
        )


# Bills and payments -------------------------------------------------------------------


class FeeBillSerializer(serializers.ModelSerializer):
    amount_paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    building = serializers.CharField(source="household.building.name", read_only=True)
    unit = serializers.CharField(source="household.unit", read_only=True)
    room = serializers.CharField(source="household.room", read_only=True)

    class Meta:
        model = FeeBill
        fields = [
            "id", "compound", "compound_name", "household", "building", "unit", "room",
            "period_start", "period_end", "amount_due", "amount_waived", "amount_paid",
        ]


class FeeBillFilter(filters.FilterSet):
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte")

    class Meta:
        model = FeeBill
        fields = ["compound", "household", "period_start", "period_from", "period_to"]


class FeeBillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorViewSet):
    queryset = FeeBill.objects.all()
    selector = staticmethod(selectors.bill_list)
    serializer_class = FeeBillSerializer
    filterset_class = FeeBillFilter


class PaymentSerializer(serializers.ModelSerializer):
    bill = ScopedPrimaryKeyRelatedField(queryset=FeeBill.objects.all())
    channel = serializers.ChoiceField(choices=PaymentChannel.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))

    class Meta:
        model = Payment
        fields = [
            "id", "bill", "compound", "firm", "amount", "paid_at", "channel", "receipt_no",
            "created_at", "voided_at", "void_reason", "voided_by",
        ]
        read_only_fields = [
            "compound", "firm", "created_at", "voided_at", "void_reason", "voided_by",
        ]


class PaymentFilter(filters.FilterSet):
    voided = filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)
    paid_from = filters.IsoDateTimeFilter(field_name="paid_at", lookup_expr="gte")
    paid_to = filters.IsoDateTimeFilter(field_name="paid_at", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["compound", "bill", "channel", "receipt_no", "voided", "paid_from", "paid_to"]


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class PaymentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    """Payments are recorded and voided, never deleted."""

    queryset = Payment.objects.all()
    selector = staticmethod(selectors.payment_list)
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.payment_record(
            bill=data["bill"], amount=data["amount"], paid_at=data["paid_at"],
            channel=data["channel"], receipt_no=data["receipt_no"], actor=self.request.user,
        )

    @action(detail=True, methods=["post"], serializer_class=VoidSerializer)
    def void(self, request, pk=None):
        if not request.user.has_perm("properties.change_payment"):
            raise PermissionDenied()
        payment = get_scoped_object_or_404(Payment.objects.all(), request.user, pk=pk)
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.payment_void(
            payment=payment, reason=body.validated_data["reason"], actor=request.user
        )
        return Response(PaymentSerializer(payment, context=self.get_serializer_context()).data)


# Imports ------------------------------------------------------------------------------


class FeeImportSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField(write_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = FeeImport
        fields = [
            "id", "kind", "file", "file_name", "uploaded_by", "uploaded_at", "outcome",
            "rows_total", "rows_imported", "error_count", "errors",
        ]
        read_only_fields = [
            "file_name", "uploaded_at", "outcome", "rows_total", "rows_imported",
            "error_count", "errors",
        ]

    def validate_file(self, upload):
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise serializers.ValidationError(_("Only .xlsx and .csv files can be imported."))
        return upload


class FeeImportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    """Upload a bills or payments file (multipart: kind, file). The import runs in a
    Celery task: 202 with the queued record (poll it until ``outcome`` is imported or
    refused); with eager Celery 201 when imported. A refused file answers 400 with the
    bad rows in ``error.fields.file``."""

    queryset = FeeImport.objects.all()
    selector = staticmethod(selectors.fee_import_list)
    serializer_class = FeeImportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["kind", "outcome"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        record = fee_import_services.fee_import_queue(
            kind=serializer.validated_data["kind"], upload=upload, file_name=upload.name,
            actor=request.user,
        )
        record.refresh_from_db()  # with eager Celery the import has already ended
        if record.outcome != ImportOutcome.REFUSED:  # queued/running: 202, poll the record
            data = FeeImportSerializer(record, context=self.get_serializer_context()).data
            code = status.HTTP_202_ACCEPTED if record.is_pending else status.HTTP_201_CREATED
            return Response(data, status=code)
        rows = [
            _("Row %(row)s: %(message)s") % error if error["row"] else error["message"]
            for error in record.errors
        ]
        return Response(
            {"error": {
                "code": "import_refused",
                "message": _("Nothing was imported (import %(id)s): correct the rows listed.")
                % {"id": record.pk},
                "fields": {"file": rows},
            }},
            status=status.HTTP_400_BAD_REQUEST,
        )


# Disclosures --------------------------------------------------------------------------


class DisclosureSerializer(serializers.ModelSerializer):
    compound = ScopedPrimaryKeyRelatedField(queryset=Compound.objects.all())
    item = serializers.ChoiceField(choices=DisclosureItem.choices)
    attachment = serializers.FileField(required=False, allow_null=True, write_only=True)
    attachment_url = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id", "compound", "firm", "item", "title", "text", "attachment", "attachment_url",
            "published_at", "valid_until",
        ]
        read_only_fields = ["firm", "published_at"]

    def get_attachment_url(self, obj) -> str:
        if not obj.attachment:
            return ""
        return reverse("disclosure-attachment", args=[obj.compound_id, obj.pk])


class DisclosureFilter(filters.FilterSet):
    class Meta:
        model = Disclosure
        fields = ["compound", "item", "firm"]


class DisclosureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    queryset = Disclosure.objects.all()
    selector = staticmethod(selectors.disclosure_list)
    serializer_class = DisclosureSerializer
    filterset_class = DisclosureFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.disclosure_publish(
            compound=data["compound"], item=data["item"], title=data["title"],
            text=data["text"], attachment=data.get("attachment"),
            valid_until=data.get("valid_until"), actor=self.request.user,
        )


# Inspections --------------------------------------------------------------------------


class InspectionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionItem
        fields = ["id", "clause", "passed", "note"]


class InspectionSerializer(serializers.ModelSerializer):
    contract = ScopedPrimaryKeyRelatedField(queryset=ServiceContract.objects.all())
    items = InspectionItemSerializer(many=True)
    inspector = serializers.CharField(source="inspector.username", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "compound", "contract", "date", "inspector", "note", "items"]
        read_only_fields = ["compound"]


class InspectionFilter(filters.FilterSet):
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["compound", "contract", "date_from", "date_to"]


class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SelectorViewSet
):
    queryset = Inspection.objects.all()
    selector = staticmethod(selectors.inspection_list)
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.inspection_record(
            contract=data["contract"], date=data["date"], inspector=self.request.user,
            note=data.get("note", ""), items=[dict(item) for item in data["items"]],
        )


# Committees and renovation (read-only) -------------------------------------------------


class OwnersCommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = OwnersCommittee
        fields = ["id", "compound", "kind", "term_start", "term_end", "members", "party_members"]


class OwnersCommitteeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorViewSet
):
    queryset = OwnersCommittee.objects.all()
    selector = staticmethod(selectors.committee_list)
    serializer_class = OwnersCommitteeSerializer
    filterset_fields = ["compound", "kind"]


class RenovationProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = RenovationProject
        fields = ["id", "compound", "year", "works", "budget", "status", "completion_date"]


class RenovationProjectViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, SelectorViewSet
):
    queryset = RenovationProject.objects.all()
    selector = staticmethod(selectors.renovation_list)
    serializer_class = RenovationProjectSerializer
    filterset_fields = ["compound", "year", "status"]


def register(router):
    """Register this app's viewsets on ``router``."""
    router.register("property-firms", PropertyFirmViewSet)
    router.register("service-contracts", ServiceContractViewSet)
    router.register("fee-bills", FeeBillViewSet)
    router.register("payments", PaymentViewSet)
    router.register("fee-imports", FeeImportViewSet)
    router.register("disclosures", DisclosureViewSet)
    router.register("inspections", InspectionViewSet)
    router.register("owners-committees", OwnersCommitteeViewSet)
    router.register("renovation-projects", RenovationProjectViewSet)
