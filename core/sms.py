"""Text messages to staff (one-time codes and passwords): one small interface, ``send_sms``.

The backend is chosen by ``settings.STAFF_SMS_BACKEND``: ``core.sms.LoggingSms`` (the
default: writes to the log with the number masked and the message left out, since it
holds a secret), ``core.sms.MemorySms`` (tests: keeps the messages in ``core.sms.sent``)
or any class with ``send(*, phone, message)`` — e.g. the complaints app's
``complaints.notifications.SmsGatewayNotifier`` to go through the same SMS gateway.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .validators import mask_phone, normalise_phone

logger = logging.getLogger("core.sms")

DEFAULT_BACKEND = "core.sms.LoggingSms"

# Messages "sent" by MemorySms, oldest first: [(phone, message), …]
sent: list[tuple[str, str]] = []


class LoggingSms:
    def send(self, *, phone: str, message: str) -> None:
        logger.info("SMS to %s (%s characters)", mask_phone(phone), len(message))


class MemorySms:
    def send(self, *, phone: str, message: str) -> None:
        sent.append((normalise_phone(phone), message))


def send_sms(*, phone: str, message: str) -> None:
    backend = getattr(settings, "STAFF_SMS_BACKEND", "") or DEFAULT_BACKEND
    import_string(backend)().send(phone=phone, message=message)
