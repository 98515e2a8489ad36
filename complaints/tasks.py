"""Celery tasks: thin wrappers that take ids and call services / the outbox.

The task that delivers one outbox message, ``complaints.tasks.deliver_outbox_message``,
is defined in ``complaints.outbox`` (it runs ``outbox.deliver``) and re-exported here.
"""

from celery import shared_task

from . import outbox, services
from .outbox import deliver_outbox_message

__all__ = ["check_complaint_deadlines", "deliver_outbox_message", "flush_outbox",
           "purge_sent_outbox"]


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Beat, every minute: queue again the messages the broker could not take."""
    return outbox.flush()


@shared_task(acks_late=True)
def purge_sent_outbox() -> int:
    """Beat, daily: delete the messages sent more than OUTBOX_RETENTION_DAYS ago."""
    return outbox.purge_sent()


@shared_task
def check_complaint_deadlines() -> dict:
    """Beat: reminders before deadlines, escalation of overdue complaints, auto-close."""
    return services.complaint_sweep_deadlines()
