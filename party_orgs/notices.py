"""Notifications in the staff inbox (``notifications``) that the Party-building services
owe, written in their transaction: a demonstration-point application waiting for the
street's first review or the district's decision."""

from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import StaffRole
from notifications.models import NotificationKind
from notifications.recipients import unit_staff
from notifications.services import notify

from .models import PointStatus


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
