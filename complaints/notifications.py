"""Notifying residents (and handlers) by text message: who gets what, and how it is sent.

``compose`` turns one outbox message (``complaints.outbox``, which queues and delivers)
into the texts it owes: the resident's notice of a step, or a deadline alert to the
handler (and, once escalated, to the community).

A notifier has one method, ``send(phone=, message=)``. The backend is chosen by
``settings.NOTIFIER_BACKEND``: ``LoggingNotifier`` (default: writes to the log, the
phone number masked) or ``SmsGatewayNotifier`` (POSTs JSON to
``settings.SMS_GATEWAY_URL`` with ``settings.SMS_GATEWAY_TOKEN``). Messages are
composed in Chinese whatever the language of the request that caused them.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.validators import mask_phone, normalise_phone

from .models import AlertKind, OutboxKind
from .recipients import alert_recipients
from .selectors import complaint_for_notice

logger = logging.getLogger("complaints.notifications")

DEFAULT_BACKEND = "complaints.notifications.LoggingNotifier"


class NotificationError(Exception):
    """A message could not be delivered now; the task retries it."""


class LoggingNotifier:
    def send(self, *, phone: str, message: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), message)


class SmsGatewayNotifier:
    """POSTs {"phone", "message"} as JSON to an SMS gateway; any non-2xx is an error."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 5):
        self.url = url or getattr(settings, "SMS_GATEWAY_URL", "")
        self.token = token if token is not None else getattr(settings, "SMS_GATEWAY_TOKEN", "")
        self.timeout = timeout

    def send(self, *, phone: str, message: str) -> None:
        if not self.url:
            raise NotificationError("SMS_GATEWAY_URL is not configured")
        body = json.dumps(
            {"phone": normalise_phone(phone), "message": message}, ensure_ascii=False
        ).encode()
        request = urllib.request.Request(
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise NotificationError(f"SMS gateway unreachable: {exc}") from None
        if not 200 <= status < 300:
            raise NotificationError(f"SMS gateway answered {status}")
        logger.info("SMS to %s sent through the gateway", mask_phone(phone))


def get_notifier():
    return import_string(getattr(settings, "NOTIFIER_BACKEND", "") or DEFAULT_BACKEND)()


def resident_message(complaint, kind: str) -> str:
    """The Chinese text message for ``kind`` of event on ``complaint``."""
    with translation.override("zh-hans"):
        params = {
            "code": complaint.tracking_code,
            "category": complaint.category.name,
            "compound": complaint.compound.name,
        }
        texts = {
            "created": _(
                "Your request about %(category)s in %(compound)s has been received. "
                "Tracking code %(code)s; look it up with the last four digits of your phone."
            ),
            "accepted": _("Your request %(code)s has been accepted and will be handled."),
            "dispatched": _("Your request %(code)s has been passed to the people who will fix it."),
            "resolved": _(
                "Your request %(code)s has been dealt with. Please tell us within 7 days "
                "whether it is resolved and how satisfied you are."
            ),
            "rejected": _("Your request %(code)s was not accepted: %(reason)s"),
            "reopened": _("Your request %(code)s has been reopened and will be handled again."),
            "closed": _("Your request %(code)s is closed. Thank you."),
            "tracking_paused": _(
                "Someone has looked up your request %(code)s many times with wrong phone "
                "digits, so lookups are paused for a day. If it was not you, tell your "
                "community office."
            ),
        }
        params["reason"] = complaint.rejection_reason
        return texts[kind] % params


def handler_message(complaint, alert_label: str) -> str:
    with translation.override("zh-hans"):
        return _("%(alert)s: request %(code)s (%(category)s, %(compound)s), due %(due)s.") % {
            "alert": alert_label,
            "code": complaint.tracking_code,
            "category": complaint.category.name,
            "compound": complaint.compound.name,
            "due": timezone.localtime(complaint.resolve_deadline).strftime("%Y-%m-%d %H:%M"),
        }


ESCALATED_ALERTS = (AlertKind.RESPONSE_OVERDUE, AlertKind.RESOLVE_OVERDUE,
                    AlertKind.RESOLVE_BADLY_OVERDUE)


def compose(message) -> list[tuple[str, str]]:
    """The (phone, text) pairs one outbox message owes; none when the complaint is gone
    or nobody has a phone. Only ids travel through the broker, never a phone number."""
    complaint = complaint_for_notice(message.complaint_id)
    if complaint is None:
        return []
    if message.kind == OutboxKind.RESIDENT_NOTICE:
        return resident_notice(complaint, message.event)
    return handler_alert(complaint, message.event)


def resident_notice(complaint, kind: str) -> list[tuple[str, str]]:
    """The resident is texted about ``kind`` of event."""
    if not complaint.reporter_phone:
        return []
    return [(complaint.reporter_phone, resident_message(complaint, kind))]


def handler_alert(complaint, kind: str) -> list[tuple[str, str]]:
    """The handler's people are told about a deadline (``recipients.alert_recipients``:
    else the community's, street's, district's staff); once overdue, the community too."""
    phones = set(alert_recipients(complaint).phones)
    if kind in ESCALATED_ALERTS:
        phones.update(alert_recipients(complaint, start="community").phones)
    phones.discard("")
    message = handler_message(complaint, AlertKind(kind).label)
    return [(phone, message) for phone in sorted(phones)]
