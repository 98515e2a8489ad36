"""Celery tasks: thin wrappers that take ids and call services / the notifier."""

from celery import shared_task

from .notifications import NotificationError

_RETRY = {"autoretry_for": (NotificationError,), "retry_backoff": 30,
          "retry_backoff_max": 1800, "retry_jitter": True, "max_retries": 6,
          "acks_late": True}


@shared_task(**_RETRY)
def send_resident_notification(complaint_id: int, kind: str) -> bool:
    """Text the resident about ``kind`` of event; retried with backoff when the gateway
    fails. Only ids travel through the broker, never a phone number."""
    from .outbox import send_resident_notice

    return send_resident_notice(complaint_id, kind)


@shared_task(**_RETRY)
def send_handler_alert(complaint_id: int, kind: str) -> bool:
    """Tell the handler (or the unit a complaint was escalated to) about a deadline."""
    from .outbox import send_handler_alert as send

    return send(complaint_id, kind)


@shared_task(**_RETRY)
def deliver_outbox_message(message_id: int) -> bool:
    """Send one outbox message (once: the row is locked and skipped when sent)."""
    from .outbox import deliver

    return deliver(message_id)


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Beat, every minute: queue again the messages the broker could not take."""
    from .outbox import flush

    return flush()


@shared_task(acks_late=True)
def purge_sent_outbox() -> int:
    """Beat, daily: delete the messages sent more than OUTBOX_RETENTION_DAYS ago."""
    from .outbox import purge_sent

    return purge_sent()


@shared_task
def check_complaint_deadlines() -> dict:
    """Beat: reminders before deadlines, escalation of overdue complaints, auto-close."""
    from .services import complaint_sweep_deadlines

    return complaint_sweep_deadlines()
