"""The deadline sweep (beat): reminders before a deadline, escalation of overdue
complaints, and the automatic close of resolved complaints nobody rated."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import outbox
from ..lifecycle import FEEDBACK_WINDOW, SYSTEM
from ..models import (
    OPEN_STATUSES,
    AlertKind,
    Complaint,
    ComplaintAlert,
    EventKind,
    OutboxKind,
    Status,
)
from .staff_notices import notify_deadline
from .timeline import record_event
from .transitions import close


def _badly_overdue_after() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "COMPLAINT_BADLY_OVERDUE_DAYS", 3))


def _alert_rules(now):
    """(alert kind, deadline field, candidate filter, escalation level)."""
    response_soon = now + datetime.timedelta(
        hours=getattr(settings, "COMPLAINT_RESPONSE_REMINDER_HOURS", 1)
    )
    resolve_soon = now + datetime.timedelta(
        hours=getattr(settings, "COMPLAINT_RESOLVE_REMINDER_HOURS", 24)
    )
    open_q = Q(status__in=OPEN_STATUSES)
    return [
        (AlertKind.RESPONSE_REMINDER, "response_deadline",
         Q(status=Status.SUBMITTED, response_deadline__gt=now,
           response_deadline__lte=response_soon), 0),
        (AlertKind.RESOLVE_REMINDER, "resolve_deadline",
         open_q & Q(resolve_deadline__gt=now, resolve_deadline__lte=resolve_soon), 0),
        (AlertKind.RESPONSE_OVERDUE, "response_deadline",
         Q(status=Status.SUBMITTED, response_deadline__lte=now), 1),
        (AlertKind.RESOLVE_OVERDUE, "resolve_deadline",
         open_q & Q(resolve_deadline__lte=now), 1),
        (AlertKind.RESOLVE_BADLY_OVERDUE, "resolve_deadline",
         open_q & Q(resolve_deadline__lte=now - _badly_overdue_after()), 2),
    ]


def complaint_sweep_deadlines(*, now: datetime.datetime | None = None,
                              batch: int = 500) -> dict[str, int]:
    """Remind handlers before a deadline, escalate overdue complaints to the community
    (and to the street when badly overdue), and close resolved complaints nobody rated
    within 7 days. Idempotent: one alert of each kind per complaint and deadline (a
    database constraint), so running twice (or on two workers) sends nothing twice."""
    now = now or timezone.now()
    counts = {}
    for kind, field, condition, level in _alert_rules(now):
        already = ComplaintAlert.objects.filter(
            complaint=OuterRef("pk"), kind=kind, deadline=OuterRef(field)
        )
        candidates = (
            Complaint.objects.filter(condition).filter(~Exists(already))
            .select_related("compound__community__street__district", "category",
                                "handler_firm").order_by("pk")[:batch]
        )
        sent = 0
        for complaint in candidates:
            if _raise_alert(complaint, kind=kind, deadline=getattr(complaint, field),
                            level=level):
                sent += 1
        counts[str(kind)] = sent
    counts["auto_closed"] = _close_unrated(now, batch)
    return counts


def _raise_alert(complaint, *, kind, deadline, level) -> bool:
    try:
        with transaction.atomic():
            ComplaintAlert.objects.create(complaint=complaint, kind=kind, deadline=deadline)
            if level == 2:
                note = _("Escalated to %(unit)s.") % {"unit": complaint.compound.community.street}
            elif level == 1:
                note = _("Escalated to %(unit)s.") % {"unit": complaint.compound.community}
            else:
                note = str(AlertKind(kind).label)
            record_event(complaint, kind=EventKind.ESCALATED if level else EventKind.REMINDER,
                         actor=None, note=f"{AlertKind(kind).label}。{note}" if level else note,
                         is_public=False)
            if level > complaint.escalation_level:
                Complaint.objects.filter(pk=complaint.pk, escalation_level__lt=level).update(
                    escalation_level=level
                )
            notify_deadline(complaint, alert_label=AlertKind(kind).label, level=level)
            outbox.enqueue(kind=OutboxKind.HANDLER_ALERT, complaint_id=complaint.pk,
                           event=str(kind))
    except IntegrityError:
        return False  # another sweep sent it first
    return True


def _close_unrated(now, batch: int) -> int:
    stale = Complaint.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - FEEDBACK_WINDOW
    ).filter(Q(feedback_at__isnull=True) | Q(feedback_at__lt=F("resolved_at")))
    closed = 0
    for pk in stale.order_by("pk").values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            c = Complaint.objects.select_for_update().get(pk=pk)
            if c.status != Status.RESOLVED:
                continue
            close(c, actor=None, role=SYSTEM,
                  note=_("No follow-up answer within 7 days: closed automatically."))
            closed += 1
    return closed
