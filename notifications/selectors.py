"""Reads of notifications: always the user's own (a notification has one recipient)."""

from django.db.models import F, QuerySet

from communities.access.scoping import scope_for_user, scope_queryset
from complaints.models import Complaint, OutboxMessage

from .models import Notification, NotificationKind

# Who sees the messages nobody could be texted about in their area (issue 14 item 2).
OFFICIAL_LEVELS = ("all", "city", "district", "street", "community")


def inbox(*, user, kind: str = "") -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first."""
    qs = Notification.objects.filter(user=user).select_related("complaint")
    if kind in NotificationKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def undeliverable_messages(*, user, limit: int = 20) -> list[OutboxMessage]:
    """Text messages of the user's area that found nobody with a phone, for officials."""
    if scope_for_user(user).level not in OFFICIAL_LEVELS:
        return []
    complaints = scope_queryset(Complaint.objects.all(), user).values("pk")
    return list(
        OutboxMessage.objects.filter(undeliverable_at__isnull=False, complaint__in=complaints)
        .select_related("complaint__compound").order_by("-undeliverable_at", "-pk")[:limit]
    )
