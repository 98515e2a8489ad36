"""Every write to notifications: ``notify`` (called by the services of other apps inside
their transaction, so a notification exists exactly when its event does), and the
recipient's own marks (read, all read)."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError

from .models import Notification, NotificationKind


def notify(*, user_ids: Iterable[int], kind: str, text: str, complaint=None,
           item=None) -> list[Notification]:
    """One notification per distinct recipient, in the caller's transaction."""
    if kind not in NotificationKind.values:
        raise ApplicationError(_("Unknown kind of notification."), code="invalid_kind")
    content_type = ContentType.objects.get_for_model(item) if item is not None else None
    now = timezone.now()
    rows = [
        Notification(user_id=user_id, kind=kind, text=str(text)[:300], complaint=complaint,
                     content_type=content_type,
                     object_id=item.pk if item is not None else None, created_at=now)
        for user_id in sorted(set(user_ids))
    ]
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def notification_mark_read(*, actor, notification_id) -> int:
    """Mark one of the actor's own notifications read (another user's is not found)."""
    try:
        notification_id = int(notification_id)
    except (TypeError, ValueError):
        notification_id = 0
    mine = Notification.objects.filter(user=actor, pk=notification_id)
    if not mine.exists():
        raise ApplicationError(_("Notification not found."), code="not_found", status_code=404)
    return mine.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_mark_all_read(*, actor, kind: str = "") -> int:
    """Mark all the actor's unread notifications (of ``kind``, when given) read."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    return unread.update(read_at=timezone.now())
