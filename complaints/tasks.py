"""Celery tasks: thin wrappers that take ids and call services / the notifier."""

from celery import shared_task

from .notifications import NotificationError


@shared_task(
    autoretry_for=(NotificationError,), retry_backoff=30, retry_backoff_max=1800,
    retry_jitter=True, max_retries=6, acks_late=True,
)
def send_resident_notification(complaint_id: int, kind: str) -> bool:
    """Text the resident about ``kind`` of event; retried with backoff when the gateway
    fails. Only ids travel through the broker, never a phone number."""
    from .notifications import get_notifier, resident_message
    from .selectors import complaint_for_notice

    complaint = complaint_for_notice(complaint_id)
    if complaint is None or not complaint.reporter_phone:
        return False
    get_notifier().send(phone=complaint.reporter_phone, message=resident_message(complaint, kind))
    return True


@shared_task(
    autoretry_for=(NotificationError,), retry_backoff=30, retry_backoff_max=1800,
    retry_jitter=True, max_retries=6, acks_late=True,
)
def send_handler_alert(complaint_id: int, kind: str) -> bool:
    """Tell the handler (or the unit a complaint was escalated to) about a deadline."""
    from .models import AlertKind
    from .notifications import get_notifier, handler_message
    from .selectors import complaint_for_notice, handler_phone

    complaint = complaint_for_notice(complaint_id)
    if complaint is None:
        return False
    phones = {handler_phone(complaint)}
    if kind in (AlertKind.RESPONSE_OVERDUE, AlertKind.RESOLVE_OVERDUE,
                AlertKind.RESOLVE_BADLY_OVERDUE):
        phones.add(complaint.compound.community.phone)  # escalated: the community too
    phones.discard("")
    message = handler_message(complaint, AlertKind(kind).label)
    notifier = get_notifier()
    for phone in sorted(phones):
        notifier.send(phone=phone, message=message)
    return bool(phones)


@shared_task
def check_complaint_deadlines() -> dict:
    """Beat: reminders before deadlines, escalation of overdue complaints, auto-close."""
    from .services import complaint_sweep_deadlines

    return complaint_sweep_deadlines()
