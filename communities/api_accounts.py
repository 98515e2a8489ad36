"""The accounts API: officials manage their area's accounts (/api/v1/accounts/), anyone
resets a forgotten password with a texted code (/api/v1/password-reset/). The rules live
in communities.accounts."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from communities import accounts
from communities.audit import client_ip
from communities.models import ROLE_NODE_FIELD, StaffRole
from core.errors import ApplicationError
from core.validators import mask_phone


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(source="first_name", read_only=True)
    phone = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)
    role = serializers.SerializerMethodField()
    unit_level = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    unit_name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    has_second_factor = serializers.BooleanField(read_only=True)
    needs_second_factor = serializers.SerializerMethodField()
    must_change_password = serializers.SerializerMethodField()

    def _assignment(self, user):
        return accounts.current_assignment(user)

    def _profile(self, user):
        return getattr(user, "staff_profile", None)

    def get_phone(self, user) -> str:
        # An official sees the masked number: it is the account holder's, used for codes.
        profile = self._profile(user)
        return mask_phone(profile.phone) if profile else ""

    def get_role(self, user) -> str | None:
        assignment = self._assignment(user)
        return assignment.role if assignment else None

    def get_unit_level(self, user) -> str | None:
        assignment = self._assignment(user)
        return ROLE_NODE_FIELD[assignment.role] if assignment else None

    def get_unit(self, user) -> int | None:
        assignment = self._assignment(user)
        return assignment.node.pk if assignment else None

    def get_unit_name(self, user) -> str:
        assignment = self._assignment(user)
        return str(assignment.node) if assignment else ""

    def get_title(self, user) -> str:
        assignment = self._assignment(user)
        return assignment.title if assignment else ""

    def get_needs_second_factor(self, user) -> bool:
        return accounts.needs_second_factor(user)

    def get_must_change_password(self, user) -> bool:
        profile = self._profile(user)
        return bool(profile and profile.must_change_password)


class AccountWriteSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=20)
    role = serializers.ChoiceField(choices=StaffRole.choices)
    unit = serializers.IntegerField(min_value=1, max_value=2**62,
                                    help_text="id of the city, district, street, community, "
                                              "grid or firm the role is over")
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")

    def resolve_unit(self, actor):
        role = self.validated_data["role"]
        node = accounts.assignable_nodes(actor=actor, role=role).filter(
            pk=self.validated_data["unit"]
        ).first()
        if node is None and role not in accounts.grantable_roles(actor):
            raise ApplicationError(_("You may only grant roles at your own level or below."),
                                   code="role_not_allowed", status_code=403, fields=("role",))
        if node is None:
            raise ApplicationError(_("Choose a unit inside your area that matches the role."),
                                   code="out_of_scope", fields=("unit",))
        return node


class AccountCreateSerializer(AccountWriteSerializer):
    username = serializers.CharField(max_length=150)
    text_password = serializers.BooleanField(required=False, default=False)


class OneTimePasswordSerializer(serializers.Serializer):
    account = AccountSerializer(source="user")
    one_time_password = serializers.CharField(source="password")
    texted = serializers.BooleanField()


class PasswordResetByOfficialSerializer(serializers.Serializer):
    text_password = serializers.BooleanField(required=False, default=False)


class CanManageAccounts(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("communities.manage_accounts")


@extend_schema_view(
    list=extend_schema(summary="Accounts you manage (your area, roles up to your level)"),
    retrieve=extend_schema(summary="One account you manage"),
    create=extend_schema(summary="Create an account; its one-time password is shown once",
                         request=AccountCreateSerializer,
                         responses={201: OneTimePasswordSerializer}),
    partial_update=extend_schema(summary="Change name, phone, role or unit",
                                 request=AccountWriteSerializer),
)
class AccountViewSet(viewsets.GenericViewSet):
    serializer_class = AccountSerializer
    permission_classes = [permissions.IsAuthenticated, CanManageAccounts]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return accounts.managed_accounts(actor=self.request.user)

    def get_object(self):
        return accounts.get_managed_account_or_404(actor=self.request.user,
                                                   pk=self.kwargs.get("pk"))

    def list(self, request):
        filters = {"q": request.query_params.get("q", "")[:50],
                   "without_second_factor": request.query_params.get("without_second_factor")
                   in ("1", "true")}
        queryset = accounts.account_list(actor=request.user, filters=filters)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AccountSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(AccountSerializer(self.get_object()).data)

    def create(self, request):
        serializer = AccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = accounts.account_create(
            actor=request.user, username=data["username"], full_name=data["full_name"],
            phone=data["phone"], role=data["role"], node=serializer.resolve_unit(request.user),
            title=data["title"], text_password=data["text_password"],
        )
        user = accounts.get_managed_account_or_404(actor=request.user, pk=result.user.pk)
        body = OneTimePasswordSerializer(
            accounts.OneTimePassword(user=user, password=result.password, texted=result.texted)
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        account = self.get_object()
        serializer = AccountWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        node = None
        if "role" in data or "unit" in data:
            current = accounts.current_assignment(account)
            serializer.validated_data.setdefault("role", current.role if current else None)
            serializer.validated_data.setdefault("unit", current.node.pk if current else 0)
            node = serializer.resolve_unit(request.user)
        accounts.account_update(
            actor=request.user, user=account, full_name=data.get("full_name"),
            phone=data.get("phone"), role=data.get("role"), node=node,
            title=data.get("title"),
        )
        return Response(AccountSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=AccountSerializer,
                   summary="Switch the account off (its sessions end at once)")
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        accounts.account_deactivate(actor=request.user, user=self.get_object())
        return Response(AccountSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=AccountSerializer,
                   summary="Switch the account on again")
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        accounts.account_reactivate(actor=request.user, user=self.get_object())
        return Response(AccountSerializer(self.get_object()).data)

    @extend_schema(request=PasswordResetByOfficialSerializer,
                   responses=OneTimePasswordSerializer,
                   summary="Give the account a new one-time password (shown once)")
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        serializer = PasswordResetByOfficialSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = accounts.account_password_reset(
            actor=request.user, user=self.get_object(),
            text_password=serializer.validated_data["text_password"],
        )
        return Response(OneTimePasswordSerializer(result).data)


class PasswordResetRequestSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=150, help_text="login name or mobile number")


class PasswordResetConfirmSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=150)
    code = serializers.RegexField(r"^\d{6}$")
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetViewSet(viewsets.ViewSet):
    """Forgotten password: a six-digit code texted to the account's phone."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = PasswordResetRequestSerializer

    @extend_schema(request=PasswordResetRequestSerializer, responses={202: None},
                   summary="Text a reset code (the same answer for any login)")
    def create(self, request):
        serializer = PasswordResetRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accounts.password_reset_request(login=serializer.validated_data["login"],
                                        ip=client_ip(request))
        return Response(
            {"detail": _("If the account exists and has a mobile number, a code has been "
                         "texted to it. It is valid for 10 minutes.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=PasswordResetConfirmSerializer, responses={200: None},
                   summary="Set a new password with the texted code")
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        accounts.password_reset_confirm(login=data["login"], code=data["code"],
                                        new_password=data["new_password"])
        return Response({"detail": _("Your password has been changed. You can log in now.")})


def register(router):
    router.register("accounts", AccountViewSet, basename="api-account")
    router.register("password-reset", PasswordResetViewSet, basename="password-reset")

