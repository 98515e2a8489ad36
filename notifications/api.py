"""/api/v1/notifications/: the API user's own notifications (list, filter by ``kind``
and ``unread``), ``POST {id}/read/`` and ``POST read-all/``."""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    complaint = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)
    complaint_id = serializers.IntegerField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "complaint", "complaint_id", "text",
                  "created_at", "read_at"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("kind", str, description="only this kind"),
    OpenApiParameter("unread", bool, description="only unread ones"),
]))
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    queryset = Notification.objects.none()  # the model, for the schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Notification.objects.none()
        qs = selectors.inbox(user=self.request.user,
                             kind=self.request.query_params.get("kind", ""))
        if self.request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if isinstance(response.data, dict):
            response.data["unread"] = selectors.unread_count(user=request.user)
        return response

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        services.notification_mark_read(actor=request.user, notification_id=pk)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        request=inline_serializer("NotificationReadAll", {"kind": serializers.CharField(
            required=False)}),
        responses=inline_serializer("NotificationsMarkedRead",
                                    {"marked_read": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        count = services.notification_mark_all_read(
            actor=request.user, kind=request.data.get("kind", "") or "")
        return Response({"marked_read": count})


def register(router):
    router.register("notifications", NotificationViewSet, basename="api-notification")
