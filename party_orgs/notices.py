"""Notifications in the staff inbox (``notifications``) that the Party-building services
owe, written in their transaction: a demonstration-point application waiting for the
street's first review or the district's decision, and a joint-meeting decision due
(``action_items_notify_due``, daily beat)."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import StaffRole
from core.timeutils import local_today
from notifications.models import Notification, NotificationKind
from notifications.recipients import unit_staff
from notifications.services import notify

from .models import ActionItem, ActionStatus, PointStatus


def notify_point_review(point) -> None:
    """Whoever reviews next: the street's staff, then the district's officials."""
    community = point.community
    if point.status == PointStatus.AWAITING_STREET:
        users = unit_staff(StaffRole.STREET_STAFF, community.street_id)
    elif point.status == PointStatus.AWAITING_DISTRICT:
        users = unit_staff(StaffRole.DISTRICT_OFFICIAL, community.street.district_id)
    else:
        return
    if not users:
        return
    with translation.override("zh-hans"):
        text = _("%(what)s: %(name)s (%(community)s)") % {
            "what": NotificationKind.POINT_REVIEW.label, "name": point.name,
            "community": community.name,
        }
    notify(user_ids=users, kind=NotificationKind.POINT_REVIEW, item=point, text=text)


@transaction.atomic
def action_items_notify_due(*, today: date | None = None, batch: int = 500) -> int:
    """Tell the community's staff about each joint-meeting decision due today or late and
    not done: once per decision (a decision already notified is skipped), so the daily
    beat may run twice. Returns how many decisions were notified."""
    today = today or local_today()
    item_type = ContentType.objects.get_for_model(ActionItem)
    notified = Notification.objects.filter(kind=NotificationKind.MEETING_DECISION,
                                           content_type=item_type, object_id=OuterRef("pk"))
    due = (ActionItem.objects.filter(due_date__lte=today)
           .exclude(status=ActionStatus.DONE).filter(~Exists(notified))
           .select_related("meeting__community").order_by("due_date", "pk")[:batch])
    count = 0
    for item in due:
        users = unit_staff(StaffRole.COMMUNITY_STAFF, item.meeting.community_id)
        if not users:
            continue
        with translation.override("zh-hans"):
            text = _("%(what)s: %(decision)s (due %(due)s)") % {
                "what": NotificationKind.MEETING_DECISION.label,
                "decision": item.description[:200], "due": item.due_date.isoformat(),
            }
        notify(user_ids=users, kind=NotificationKind.MEETING_DECISION, item=item, text=text)
        count += 1
    return count
