"""The staff's notifications in the portal (``notifications``) that each complaint event
owes, written in the caller's transaction: who (``complaints.recipients``) and what."""

from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import StaffRole
from notifications.models import NotificationKind
from notifications.services import notify

from ..recipients import alert_recipients, escalation_staff, handler_staff, unit_staff


def staff_text(complaint, label) -> str:
    """Stored in Chinese, as the text messages are, whatever the request's language."""
    with translation.override("zh-hans"):
        return _("%(what)s: request %(code)s (%(category)s, %(compound)s)") % {
            "what": str(label), "code": complaint.tracking_code,
            "category": complaint.category.name, "compound": complaint.compound.name,
        }


def _notify(complaint, kind, user_ids, label=None) -> None:
    if user_ids:
        notify(user_ids=user_ids, kind=kind, complaint=complaint,
               text=staff_text(complaint, label or NotificationKind(kind).label))


def notify_new_complaint(complaint) -> None:
    """The community's staff: a new complaint in their area."""
    _notify(complaint, NotificationKind.NEW_COMPLAINT,
            unit_staff(StaffRole.COMMUNITY_STAFF, complaint.compound.community_id))


def notify_dispatched(complaint) -> None:
    """The handler's people: the firm's staff, or the grid's workers."""
    _notify(complaint, NotificationKind.DISPATCHED, handler_staff(complaint)[0])


def notify_reopened(complaint) -> None:
    """Whoever handles it again (else the community's staff)."""
    _notify(complaint, NotificationKind.REOPENED, alert_recipients(complaint).user_ids)


def notify_resident_action(complaint, kind) -> None:
    """A resident urged or added information: the handler's people (else up the chain)
    and the community's staff. (Called by the resident actions of issue 14 item 5.)"""
    users = {*alert_recipients(complaint).user_ids,
             *unit_staff(StaffRole.COMMUNITY_STAFF, complaint.compound.community_id)}
    _notify(complaint, kind, users)


def notify_deadline(complaint, *, alert_label, level: int) -> None:
    """A deadline alert of the sweep: the alert's recipients (never nobody while anyone
    is assigned up to the district); an escalation also reaches the unit escalated to."""
    kind = NotificationKind.DEADLINE_PASSED if level else NotificationKind.DEADLINE_NEAR
    recipients = alert_recipients(complaint).user_ids
    _notify(complaint, kind, recipients, alert_label)
    if level:
        escalated = set(escalation_staff(complaint, level)) - set(recipients)
        _notify(complaint, NotificationKind.ESCALATED, escalated, alert_label)
