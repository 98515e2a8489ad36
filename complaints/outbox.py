"""The transactional outbox of text messages (issue 8: nothing lost when Redis is down).

A service that owes a message calls ``enqueue`` inside its transaction: the row is
saved with the change, and after commit a Celery task is queued to deliver it. If the
broker cannot take the task, nothing is lost: the row stays unsent and the beat task
``complaints.tasks.flush_outbox`` queues every unsent row older than ``FLUSH_AFTER``
again. ``deliver`` locks the row and skips it once sent, so a message queued twice
(by the commit hook and by the flush) is still sent once.

Retention: ``purge_sent`` (the daily beat task ``complaints.tasks.purge_sent_outbox``)
deletes the messages sent more than ``OUTBOX_RETENTION_DAYS`` ago; a message not yet
sent (pending, or failing and retried) is never deleted, however old. A message for
which nobody has a phone is kept "undeliverable" (``undeliverable_at``), never "sent".

The outbox only queues and delivers: what a message says and to whom is
``notifications.compose``. The delivery task lives here, next to what it runs, so the
services that enqueue (services → outbox) and the tasks that sweep (tasks → services,
outbox) import each other in one direction only.
"""

import datetime
import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from . import notifications
from .models import OutboxMessage
from .notifications import NotificationError

logger = logging.getLogger(__name__)

FLUSH_AFTER = datetime.timedelta(minutes=1)


def enqueue(*, kind: str, complaint_id: int, event: str) -> OutboxMessage:
    """Record a message owed (in the caller's transaction); queue it after commit."""
    message = OutboxMessage.objects.create(kind=kind, complaint_id=complaint_id,
                                           event=str(event))
    # robust: a message that cannot be queued never undoes (or hides) the saved change.
    transaction.on_commit(partial(queue, message.pk), robust=True)
    return message


def queue(message_id: int) -> bool:
    """Hand one message to the broker; False (logged, row left unsent) when it is down."""
    try:
        # retry=False: fail fast when the broker is down; the flush takes it up later.
        deliver_outbox_message.apply_async((message_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker error leaves the row for the flush
        logger.warning("outbox message %s not queued (%s); the flush will retry",
                       message_id, type(exc).__name__)
        return False
    return True


def flush(*, older_than: datetime.timedelta = FLUSH_AFTER, batch: int = 500) -> int:
    """Queue again the unsent messages created more than ``older_than`` ago."""
    cutoff = timezone.now() - older_than
    ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, undeliverable_at__isnull=True,
                                     created_at__lte=cutoff)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in ids if queue(pk))


def purge_sent(*, days: int | None = None, batch: int = 5000) -> int:
    """Delete the messages sent more than ``days`` (``OUTBOX_RETENTION_DAYS``) ago, in
    batches; return how many. Unsent messages are kept whatever their age."""
    days = settings.OUTBOX_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ImproperlyConfigured("OUTBOX_RETENTION_DAYS must be at least 1.")
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old_sent = OutboxMessage.objects.filter(sent_at__isnull=False, sent_at__lt=cutoff)
    deleted = 0
    while True:
        ids = list(old_sent.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            break
        # sent_at is checked again: a row is only ever deleted once it is sent and old.
        deleted += old_sent.filter(pk__in=ids).delete()[0]
        if len(ids) < batch:
            break
    if deleted:
        logger.info("outbox: %s sent messages older than %s days deleted", deleted, days)
    return deleted


def deliver(message_id: int) -> bool:
    """Send one message unless already sent; True when this call sent it.

    The row is locked for the send, so two workers delivering the same message wait
    for each other and the second finds it sent. A failed send (``NotificationError``)
    is counted on the row and raised for the task to retry.
    """
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update()
                   .filter(pk=message_id, sent_at__isnull=True,
                           undeliverable_at__isnull=True).first())
        if message is None:
            return False
        message.attempts += 1
        try:
            texts = notifications.compose(message)
            if not texts:
                # Nobody to text: kept as undeliverable (shown to administrators and to
                # the unit's officials), never marked sent.
                message.undeliverable_at = timezone.now()
                message.last_error = "no recipient phone"
                message.save(update_fields=["attempts", "undeliverable_at", "last_error"])
                logger.warning("outbox message %s undeliverable: no recipient phone",
                               message_id)
                return False
            notifier = notifications.get_notifier() if texts else None
            for phone, text in texts:
                notifier.send(phone=phone, message=text)
        except NotificationError as exc:
            error = str(exc)[:300]
        else:
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "sent_at", "last_error"])
            return True
        message.last_error = error
        message.save(update_fields=["attempts", "last_error"])
    raise NotificationError(error)


# The name it had when it lived in tasks.py: messages already queued keep their worker.
@shared_task(name="complaints.tasks.deliver_outbox_message",
             autoretry_for=(NotificationError,), retry_backoff=30, retry_backoff_max=1800,
             retry_jitter=True, max_retries=6, acks_late=True)
def deliver_outbox_message(message_id: int) -> bool:
    """Send one outbox message (once: the row is locked and skipped when sent); retried
    with backoff when the gateway fails."""
    return deliver(message_id)
